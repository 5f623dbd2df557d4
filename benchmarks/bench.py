"""Ingest and query timings at scale: `python benchmarks/bench.py --gpus 10000 --days 1`.

Generates a fleet with sample_metrics.generate (cached under --work), ingests it into a fresh
DuckDB file, then runs every figure the pages draw (pages.PAGES) over the whole range and prints the timings. A
benchmark prints figures; it asserts nothing.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard import figures, queries  # noqa: E402
from dashboard.config import load_settings  # noqa: E402
from dashboard.demo import load_sample  # noqa: E402
from dashboard.pages import all_figures  # noqa: E402
from dashboard.store import connect  # noqa: E402
from sample_metrics.generate import generate  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gpus", type=int, default=10_000)
    ap.add_argument("--days", type=float, default=1)
    ap.add_argument("--interval", type=int, default=60)
    ap.add_argument("--work", default="/tmp/aifd-bench")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0, help="DuckDB threads (0: DuckDB's default)")
    args = ap.parse_args()

    work = Path(args.work)
    data = work / f"fleet-{args.gpus}-{args.days:g}d-{args.interval}s"
    if not (data / "manifest.json").exists():
        t = time.perf_counter()
        generate(data, gpus=args.gpus, days=args.days, interval_s=args.interval)
        print(f"generate   {time.perf_counter() - t:8.1f} s  ({data})")
    db = work / "bench.duckdb"
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)

    con = connect(db)
    if args.threads:
        con.execute(f"SET threads = {int(args.threads)}")
    t = time.perf_counter()
    rows = 0
    for r in load_sample(con, data):
        rows += r.total("loaded")
        if r.status == "failed":
            print(r.summary())
            return 1
        print(f"  ingest {Path(r.source).name:34s} {r.total('loaded'):>12,} rows  {r.elapsed_s:7.2f} s")
    elapsed = time.perf_counter() - t
    con.execute("CHECKPOINT")
    size = db.stat().st_size
    print(f"ingest     {elapsed:8.1f} s  {rows:,} rows  {rows / elapsed:,.0f} rows/s  db {size / 2**20:,.0f} MiB")

    settings = load_settings()
    start, end = figures.data_range(con)
    params = {"start": start, "end": end, "bucket_minutes": 60}
    # drill-down queries get the first GPU's pod, rack, node and UUID
    pod, rack, hostname, gpu_uuid = con.execute(
        "SELECT pod, rack, hostname, gpu_uuid FROM gpus ORDER BY gpu_id LIMIT 1").fetchall()[0]
    params.update(pod=pod, rack=rack, hostname=hostname, gpu_uuid=gpu_uuid)
    print(f"queries over {start:%Y-%m-%d %H:%M} → {end:%Y-%m-%d %H:%M} UTC, median of {args.repeat}:")
    for name in all_figures():
        q = queries.load(name)
        given = {p.name: params[p.name] for p in q.params if p.name in params}
        try:
            times = []
            for _ in range(args.repeat):
                res = figures.run(con, name, settings, **given)
                times.append(res.elapsed_ms)
            print(f"  {name:32s} {statistics.median(times):9.1f} ms  {len(res.frame):>7,} rows")
        except queries.QueryError as e:
            print(f"  {name:32s}   skipped: {str(e).splitlines()[0][:80]}")
    con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
