"""Sync from a real Prometheus while a page reads: `python benchmarks/sync.py --gpus 256 --days 1`.

Generates a fleet (cached under --work), back-fills it into a TSDB with promtool, serves it with
prometheus on 127.0.0.1, loads the inventory CSVs into a fresh store, then runs ``aifd sync`` over
the whole range while a reader thread opens the store read-only every --read-every seconds and
reads one figure, as the dashboard's pages do. Prints samples per second, how long the write lock
was held per chunk, and how long the reader waited. A benchmark prints figures; it asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import multiprocessing
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard import figures, queries  # noqa: E402
from dashboard.benchmark import generator_digest  # noqa: E402
from dashboard.config import PrometheusSettings, Settings  # noqa: E402
from dashboard.ingest import ensure_reference, load_path  # noqa: E402
from dashboard.store import connect  # noqa: E402
from dashboard.sync import sync  # noqa: E402
from sample_metrics.generate import generate  # noqa: E402
from sample_metrics.openmetrics import link_ports, write_openmetrics  # noqa: E402
from sample_metrics.promserver import PrometheusServer, backfill, blocks  # noqa: E402


def reader(db: str, every: float, stop, pipe) -> None:
    """Open the store read-only and read one figure, as a page does, until stopped."""
    waits = []
    while not stop.is_set():
        t = time.perf_counter()
        c = connect(db, read_only=True, wait_s=20)
        figures.run(c, "store_contents", Settings())
        c.close()
        waits.append(time.perf_counter() - t)
        stop.wait(every)
    pipe.send(waits)


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))] if s else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gpus", type=int, default=256)
    ap.add_argument("--days", type=float, default=1)
    ap.add_argument("--interval", type=int, default=60)
    ap.add_argument("--chunk-samples", type=int, default=PrometheusSettings().chunk_samples)
    ap.add_argument("--concurrency", type=int, default=PrometheusSettings().concurrency)
    ap.add_argument("--read-every", type=float, default=0.5, help="seconds between reader opens")
    ap.add_argument("--work", default="/tmp/aifd-bench-sync")
    args = ap.parse_args()

    work = Path(args.work) / f"fleet-{args.gpus}-{args.days:g}d-{args.interval}s"
    folder, om, tsdb = work / "fleet", work / "fleet.om", work / "tsdb"
    marker, digest = work / "generator.sha", generator_digest()
    if not blocks(tsdb) or not marker.exists() or marker.read_text().strip() != digest:
        shutil.rmtree(work, ignore_errors=True)  # made by another version of the generator: made again
        work.mkdir(parents=True)
        t = time.perf_counter()
        generate(folder, gpus=args.gpus, days=args.days, interval_s=args.interval)
        write_openmetrics(folder, om)
        backfill(om, tsdb)
        om.unlink()
        marker.write_text(digest + "\n")
        print(f"fleet + back-fill {time.perf_counter() - t:8.1f} s  ({tsdb})")
    params = json.loads((folder / "manifest.json").read_text())["params"]
    db = work / "sync.duckdb"
    for p in (db, Path(f"{db}.wal")):
        p.unlink(missing_ok=True)
    con = connect(db)
    ensure_reference(con)
    for name in ("gpus.csv", "links.csv", "meters.csv"):
        load_path(con, folder / name)
    con.close()

    with PrometheusServer(tsdb) as prom:
        p = PrometheusSettings(
            url=prom.url, step_s=args.interval, chunk_samples=args.chunk_samples, concurrency=args.concurrency,
            labels=(("link", ("link", "link_id", "ifAlias")),),
            link_names=tuple((f"{x.host}:9100/{x.if_name}", link) for link, x in link_ports(folder).items()))
        ctx = multiprocessing.get_context("spawn")  # a page is another process, as Streamlit is
        stop, (mine, theirs) = ctx.Event(), ctx.Pipe()
        proc = ctx.Process(target=reader, args=(str(db), args.read_every, stop, theirs))
        proc.start()
        t = time.perf_counter()
        try:
            report = sync(Settings(db_path=db, prometheus=p),
                          start=queries.coerce(params["start"], "TIMESTAMP", "start"),
                          end=queries.coerce(params["last_ts"], "TIMESTAMP", "last_ts"))
        finally:
            stop.set()
            waits = mine.recv()
            proc.join()
        seconds = time.perf_counter() - t
    print(report.summary())
    lock = report.lock_ms
    print(f"sync        {seconds:8.1f} s  {report.samples / seconds:12,.0f} samples/s  "
          f"{report.rows_loaded / seconds:10,.0f} rows/s")
    print(f"write lock  {len(lock):8d} chunks  median {statistics.median(lock):6.0f} ms  p95 {pct(lock, 0.95):6.0f} ms  "
          f"max {max(lock):6.0f} ms")
    print(f"reader      {len(waits):8d} opens   median {statistics.median(waits) * 1000:6.0f} ms  "
          f"p95 {pct(waits, 0.95) * 1000:6.0f} ms  max {max(waits) * 1000:6.0f} ms  (open + one figure + close)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
