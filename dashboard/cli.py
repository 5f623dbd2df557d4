"""The ``aifd`` command: ingest files, run named queries, load the demo, serve the dashboard."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from . import queries
from .config import REPO_ROOT, SAMPLE_DIR, load_settings
from .metrics.common import data_range, settings_params
from .store import StoreBusy, connect


def _progress(msg: str) -> None:
    print(f"  … {msg}", file=sys.stderr, flush=True)


WRITE_WAIT_S = 30  # a dashboard holds its read lock only while it reads one figure


def _progress_bar(con, wanted: bool) -> None:
    """DuckDB's own progress bar shows long inserts (a 14 M-row Parquet day) on a terminal."""
    if wanted and sys.stderr.isatty():
        con.execute("SET enable_progress_bar = true")


def cmd_ingest(args: argparse.Namespace) -> int:
    from .ingest import load_paths

    at = None
    if args.at:
        at = queries.coerce(args.at, "TIMESTAMP", "--at")
    snapshot = queries.coerce(args.snapshot, "DATE", "--snapshot") if args.snapshot else None
    con = connect(args.db, wait_s=WRITE_WAIT_S)
    _progress_bar(con, not args.quiet)
    failed = 0
    for report in load_paths(con, args.paths, kind=args.kind, at=at, snapshot=snapshot, force=args.force,
                             strict=args.strict, progress=None if args.quiet else _progress):
        print(report.summary(), flush=True)
        failed += report.status == "failed"
    con.close()
    return 1 if failed else 0


def _params(pairs: list[str]) -> dict[str, str]:
    out = {}
    for p in pairs or []:
        if "=" not in p:
            raise SystemExit(f"--param takes name=value, got {p!r}")
        k, v = p.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def cmd_query(args: argparse.Namespace) -> int:
    if not args.name:
        for name in queries.names():
            q = queries.load(name)
            params = ", ".join(f"{p.name} {p.type}" + (f"={p.default}" if p.default else "") for p in q.params)
            print(f"{name:32s} {q.title}  ({params})")
        return 0
    q = queries.load(args.name)
    if args.sql:
        print(q.sql)
        return 0
    con = connect(args.db, read_only=True)
    params = _params(args.param)
    if any(p.name in ("start", "end") for p in q.params) and not ("start" in params and "end" in params):
        start, end = data_range(con)  # the whole stored range
        params.setdefault("start", start.isoformat())
        params.setdefault("end", end.isoformat())
    for k, v in settings_params(load_settings()).items():
        params.setdefault(k, v)
    result = queries.run(con, args.name, **params)
    frame = result.frame
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    elif args.format == "json":
        print(frame.to_json(orient="records", date_format="iso", indent=1))
    else:
        with pd.option_context("display.max_rows", args.limit, "display.max_columns", None,
                               "display.width", 200):
            print(frame.to_string(index=False, max_rows=args.limit))
    print(f"# {result.provenance()}", file=sys.stderr)
    return 0


def cmd_loads(args: argparse.Namespace) -> int:
    con = connect(args.db, read_only=True)
    print(queries.run(con, "ingest_log", limit=args.limit).frame.to_string(index=False))
    return 0


def cmd_rejects(args: argparse.Namespace) -> int:
    con = connect(args.db, read_only=True)
    frame = queries.run(con, "rejects", load_id=args.load_id, limit=args.limit).frame
    with pd.option_context("display.max_colwidth", 80, "display.width", 200):
        print(frame.to_string(index=False))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    source = Path(args.source) if args.source else SAMPLE_DIR
    if args.gpus:
        from sample_metrics.generate import generate

        source = Path(args.out)
        print(f"generating {args.gpus:,} GPUs × {args.days} days every {args.interval} s into {source}")
        generate(source, gpus=args.gpus, days=args.days, interval_s=args.interval, seed=args.seed,
                 progress=_progress)
    from .demo import load_sample

    con = connect(args.db, wait_s=WRITE_WAIT_S)
    _progress_bar(con, True)
    failed = 0
    for report in load_sample(con, source, progress=_progress):
        print(report.summary(), flush=True)
        failed += report.status == "failed"
    con.close()
    return 1 if failed else 0


def cmd_serve(args: argparse.Namespace) -> int:
    env = dict(os.environ, AIFD_DB=str(Path(args.db).resolve()))
    cmd = [sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "dashboard" / "app.py"),
           "--server.port", str(args.port), "--server.address", args.address,
           "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    print("serving on http://%s:%d" % (args.address, args.port), flush=True)
    return subprocess.call(cmd, env=env)


def build_parser() -> argparse.ArgumentParser:
    settings = load_settings()
    p = argparse.ArgumentParser(prog="aifd", description=__doc__)
    p.add_argument("--db", default=str(settings.db_path),
                   help=f"DuckDB file (default from config / AIFD_DB: {settings.db_path})")
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("ingest", help="load CSV, Parquet, OpenMetrics, YAML or CycloneDX files (or folders of them)")
    s.add_argument("paths", nargs="+")
    s.add_argument("--kind", help="force the record kind (gpu_samples, links, vendors, ...)")
    s.add_argument("--at", help="sample time for scrapes without timestamps (ISO 8601, UTC)")
    s.add_argument("--snapshot", help="snapshot date for SBOMs without metadata.timestamp (ISO date; "
                                      "else the file's modification date)")
    s.add_argument("--force", action="store_true", help="re-check a file already loaded")
    s.add_argument("--strict", action="store_true", help="store nothing from a file with any rejected row")
    s.add_argument("--quiet", action="store_true", help="no progress lines")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("query", help="run a named query from queries/ (no name: list them)")
    s.add_argument("name", nargs="?")
    s.add_argument("--param", "-p", action="append", metavar="NAME=VALUE")
    s.add_argument("--format", choices=["table", "csv", "json"], default="table")
    s.add_argument("--limit", type=int, default=60, help="rows shown in table format")
    s.add_argument("--sql", action="store_true", help="print the query's SQL instead")
    s.set_defaults(func=cmd_query)

    s = sub.add_parser("loads", help="the ingest log")
    s.add_argument("--limit", type=int, default=50)
    s.set_defaults(func=cmd_loads)

    s = sub.add_parser("rejects", help="rejected rows with file, line and reason")
    s.add_argument("load_id", type=int, nargs="?")
    s.add_argument("--limit", type=int, default=50)
    s.set_defaults(func=cmd_rejects)

    s = sub.add_parser("demo", help="load the shipped sample (or generate a larger fleet first)")
    s.add_argument("--source", help="folder to load instead of sample_metrics/small")
    s.add_argument("--gpus", type=int, help="generate a fleet of this many GPUs first")
    s.add_argument("--days", type=float, default=7)
    s.add_argument("--interval", type=int, default=60, help="seconds between samples")
    s.add_argument("--seed", type=int, default=42)
    s.add_argument("--out", default="out/sample", help="where generated files go")
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("serve", help="run the Streamlit dashboard")
    s.add_argument("--port", type=int, default=8501)
    s.add_argument("--address", default="127.0.0.1")
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (queries.QueryError, FileNotFoundError, ValueError, StoreBusy) as e:
        print(f"aifd: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
