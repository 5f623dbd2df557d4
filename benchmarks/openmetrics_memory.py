"""Peak memory of an OpenMetrics ingest against the file's size: `python benchmarks/openmetrics_memory.py
--gpus 64,800 [--days 1] [--memory-limit 512MB]`.

For each fleet size it generates the fleet (cached under --work), writes it as OpenMetrics with
``sample_metrics.openmetrics`` (one sample per line, as promtool back-fills it; 64 GPUs × 1 day is
about 0.8 M samples, 800 GPUs about 10 M), then loads the inventory and the file into a fresh
store in a child process and prints that child's peak resident memory (its own VmHWM: Linux
carries a parent's high-water mark into a child's ``ru_maxrss``), the time and the lines per second. The reader holds a block
of text and bounded caches; DuckDB holds the samples under its memory_limit (--memory-limit, else
the store's default for writers) and spills to the temp folder beside the database. A benchmark
prints figures; it asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CHILD = """
def hwm_kib():
    return int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])
import json, sys, time
from pathlib import Path
from dashboard.ingest import ensure_reference, load_path
from dashboard.store import connect
db, fleet, om, limit = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4] or None
con = connect(db, memory_limit=limit)
ensure_reference(con)
for name in ("gpus.csv", "links.csv"):
    load_path(con, fleet / name)
before = hwm_kib()
t = time.perf_counter()
r = load_path(con, om)
elapsed = time.perf_counter() - t
limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
print(json.dumps({"status": r.status, "seconds": elapsed, "rows": r.total("loaded"), "limit": limit,
                  "peak_before_mib": before / 1024,
                  "peak_mib": hwm_kib() / 1024}))
"""


def main(argv: list[str] | None = None) -> int:
    from sample_metrics.generate import generate
    from sample_metrics.openmetrics import write_openmetrics

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gpus", default="64,800", help="fleet sizes, comma-separated")
    ap.add_argument("--days", type=float, default=1)
    ap.add_argument("--memory-limit", default="", help="DuckDB memory_limit, e.g. 512MB (default: the store's)")
    ap.add_argument("--work", default="/tmp/aifd-om-memory")
    args = ap.parse_args(argv)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    print(f"{'GPUs':>6} {'lines':>12} {'file MiB':>9} {'seconds':>8} {'lines/s':>10} {'peak MiB':>9}  DuckDB limit")
    for gpus in (int(g) for g in args.gpus.split(",")):
        root = work / f"fleet-{gpus}-{args.days:g}d"
        fleet, om = root / "fleet", root / "fleet.om"
        if not (fleet / "manifest.json").exists():
            generate(fleet, gpus=gpus, days=args.days, interval_s=60)
        if not om.exists():
            write_openmetrics(fleet, om, links=("snmp",), meters=False)
        lines = sum(block.count(b"\n") for block in _blocks(om))
        db = root / "m.duckdb"
        for p in (db, db.with_name(db.name + ".wal")):
            p.unlink(missing_ok=True)
        out = subprocess.run([sys.executable, "-c", CHILD, str(db), str(fleet), str(om), args.memory_limit],
                             capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
        if out.returncode:
            print(out.stderr[-2000:])
            return 1
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{gpus:>6} {lines:>12,} {om.stat().st_size / 2**20:>9,.0f} {r['seconds']:>8.1f} "
              f"{lines / r['seconds']:>10,.0f} {r['peak_mib']:>9,.0f}  {r['limit']}  ({r['status']}, "
              f"{r['rows']:,} rows; peak before the file {r['peak_before_mib']:,.0f} MiB)", flush=True)
    return 0


def _blocks(path: Path):
    with path.open("rb") as f:
        while block := f.read(1 << 24):
            yield block


if __name__ == "__main__":
    sys.exit(main())
