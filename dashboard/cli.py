"""The ``aifd`` command: ingest files, run named queries, load the demo, serve the dashboard.

Settings are read once, here (``aifd.toml`` or ``$AIFD_CONFIG``, ``AIFD_*`` variables, then
``--db``), and handed down; nothing below reads the configuration on its own.
"""
from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd

from . import figures, queries
from .config import REPO_ROOT, SAMPLE_DIR, Settings, load_settings
from .store import MigrationError, StoreBusy, connect

WRITE_WAIT_S = 30  # a dashboard holds its read lock only while it reads one figure


def _progress(msg: str) -> None:
    print(f"  … {msg}", file=sys.stderr, flush=True)


def _progress_bar(con, wanted: bool) -> None:
    """DuckDB's own progress bar shows long inserts (a 14 M-row Parquet day) on a terminal."""
    if wanted and sys.stderr.isatty():
        con.execute("SET enable_progress_bar = true")


def _writer(settings: Settings, progress: bool = True):
    """A writable store with the shipped reference data (GPU catalog, XID codes) in it and its
    derived tables built for the configured rules."""
    from . import derive
    from .ingest import ensure_reference

    con = connect(settings.db_path, wait_s=WRITE_WAIT_S)
    try:
        ensure_reference(con)
        derive.ensure(con, settings.idle_threshold, settings.hot_temp_c, _progress if progress else None,
                      link_saturation_pct=settings.link_saturation_pct)
    except Exception:
        con.close()
        raise
    return con


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from .ingest import load_paths

    at = queries.coerce(args.at, "TIMESTAMP", "--at") if args.at else None
    con = _writer(settings, progress=not args.quiet)
    _progress_bar(con, not args.quiet)
    failed = 0
    try:
        for report in load_paths(con, args.paths, kind=args.kind, at=at, force=args.force,
                                 strict=args.strict, progress=None if args.quiet else _progress):
            print(report.summary(), flush=True)
            failed += report.status == "failed"
    finally:
        con.close()
    return 1 if failed else 0


def _params(pairs: list[str]) -> dict[str, str]:
    out = {}
    for p in pairs or []:
        if "=" not in p:
            raise queries.QueryError(f"--param takes name=value, got {p!r}")
        k, v = p.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def cmd_query(args: argparse.Namespace, settings: Settings) -> int:
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
    con = connect(settings.db_path, read_only=True)
    try:
        fig = figures.run(con, args.name, settings, **_params(args.param))
    finally:
        con.close()
    frame = fig.frame
    if args.format == "csv":
        from .reports.safe import neutralise_frame

        neutralise_frame(frame).to_csv(sys.stdout, index=False)
    elif args.format == "json":
        print(frame.to_json(orient="records", date_format="iso", indent=1))
    else:
        shown = frame.rename(columns={c.name: f"{c.name} [{c.unit}]" for c in fig.columns
                                     if c.unit not in ("text", "count", "bool")})
        with pd.option_context("display.max_rows", args.limit, "display.max_columns", None,
                               "display.width", 200):
            print(shown.to_string(index=False, max_rows=args.limit))
    print(f"# {fig.provenance()}", file=sys.stderr)
    return 0


def _print_figure(settings: Settings, name: str, **params) -> None:
    con = connect(settings.db_path, read_only=True)
    try:
        fig = figures.run(con, name, settings, **params)
    finally:
        con.close()
    with pd.option_context("display.max_colwidth", 80, "display.width", 200):
        print(fig.frame.to_string(index=False))


def cmd_loads(args: argparse.Namespace, settings: Settings) -> int:
    _print_figure(settings, "ingest_log", limit=args.limit)
    return 0


def cmd_rejects(args: argparse.Namespace, settings: Settings) -> int:
    _print_figure(settings, "rejects", load_id=args.load_id, limit=args.limit)
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    source = Path(args.source) if args.source else SAMPLE_DIR
    if args.gpus:
        from sample_metrics.generate import generate

        source = Path(args.out)
        print(f"generating {args.gpus:,} GPUs × {args.days} days every {args.interval} s into {source}")
        generate(source, gpus=args.gpus, days=args.days, interval_s=args.interval, seed=args.seed,
                 progress=_progress)
    from .demo import load_sample

    con = _writer(settings)
    _progress_bar(con, True)
    failed = 0
    try:
        for report in load_sample(con, source, progress=_progress):
            print(report.summary(), flush=True)
            failed += report.status == "failed"
    finally:
        con.close()
    return 1 if failed else 0


def cmd_rollups(args: argparse.Namespace, settings: Settings) -> int:
    """Build the derived tables of a database made before them, or rebuild them all."""
    from . import derive

    con = _writer(settings)
    try:
        if args.rebuild:
            derive.rebuild(con, _progress)
        for key, value in sorted(derive.config(con).items()):
            print(f"{key} = {value:g}")
        print(figures.run(con, "store_contents", settings).frame.tail(4).to_string(index=False))
    finally:
        con.close()
    return 0


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    from . import benchmark

    benchmark.run(args, settings, say=lambda m: print(m, flush=True))
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Run Streamlit as a child; SIGTERM or SIGINT to aifd stops it too, so no server is left behind."""
    if Path(settings.db_path).exists():  # migrate and build derived tables once, before any page reads
        _writer(settings).close()
    cmd = [sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "dashboard" / "app.py"),
           "--server.port", str(args.port), "--server.address", args.address,
           "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--", "--db", str(Path(settings.db_path).resolve())]
    print("serving on http://%s:%d" % (args.address, args.port), flush=True)
    child = subprocess.Popen(cmd)

    def forward(signum, _frame):
        child.send_signal(signum)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:  # forwarded already; wait for the child to finish
                continue
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if child.poll() is None:
            child.kill()
            child.wait()


def build_parser(settings: Settings) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="aifd", description=__doc__.split("\n\n")[0])
    p.add_argument("--db", help=f"DuckDB file (default from the settings: {settings.db_path})")
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("ingest", help="load CSV, Parquet or OpenMetrics files (or folders of them)")
    s.add_argument("paths", nargs="+")
    s.add_argument("--kind", help="force the record kind (gpu_samples, links, vendors, ...)")
    s.add_argument("--at", help="sample time for scrapes without timestamps (ISO 8601, UTC)")
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

    s = sub.add_parser("rollups", help="build the derived tables (rollups, runs) for the configured rules")
    s.add_argument("--rebuild", action="store_true", help="rebuild them all from the raw samples")
    s.set_defaults(func=cmd_rollups)

    s = sub.add_parser("bench", help="time ingest and every page figure at scale, beside DuckDB and Prometheus")
    from .benchmark import add_arguments
    add_arguments(s)
    s.set_defaults(func=cmd_bench)

    s = sub.add_parser("serve", help="run the Streamlit dashboard")
    s.add_argument("--port", type=int, default=8501)
    s.add_argument("--address", default="127.0.0.1")
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        settings = load_settings()
    except ValueError as e:
        print(f"aifd: settings: {e}", file=sys.stderr)
        return 2
    args = build_parser(settings).parse_args(argv)
    if args.db:
        settings = replace(settings, db_path=Path(args.db), source=settings.source + " + --db")
    try:
        return args.func(args, settings)
    except (queries.QueryError, FileNotFoundError, ValueError, StoreBusy, MigrationError) as e:
        print(f"aifd: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
