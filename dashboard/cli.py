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
    snapshot = queries.coerce(args.snapshot, "DATE", "--snapshot") if args.snapshot else None
    con = _writer(settings, progress=not args.quiet)
    _progress_bar(con, not args.quiet)
    failed = 0
    try:
        for report in load_paths(con, args.paths, kind=args.kind, at=at, host=args.host, snapshot=snapshot,
                                 force=args.force, strict=args.strict,
                                 progress=None if args.quiet else _progress):
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
        contents = figures.run(con, "store_contents", settings).frame
        print(contents[contents.table_name.str.endswith("(derived)")].to_string(index=False))
    finally:
        con.close()
    return 0


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    from . import benchmark

    benchmark.run(args, settings, say=lambda m: print(m, flush=True))
    return 0


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    """``aifd report --out DIR`` makes a report; ``aifd report verify DIR`` checks one."""
    from .reports import build, verify

    if args.verb == "verify":
        if not args.folder:
            raise ValueError("aifd report verify FOLDER: name the report folder")
        con = None
        if Path(settings.db_path).exists():
            con = connect(settings.db_path, read_only=True, wait_s=WRITE_WAIT_S)
        else:
            print(f"no database at {settings.db_path}: checking the files only", file=sys.stderr)
        try:
            result = verify.verify(Path(args.folder), con, settings)
        finally:
            if con is not None:
                con.close()
        for n in result.notes:
            print(f"note: {n}")
        for p in result.problems:
            print(f"MISMATCH: {p}")
        checked = f"{result.files} files" + (f", {result.figures} figures re-run" if con is not None else "")
        print(("OK: " if result.ok else f"FAILED ({len(result.problems)} mismatches): ") + checked)
        return 0 if result.ok else 1
    if args.verb or args.folder:
        raise ValueError(f"aifd report: unknown action {args.verb or args.folder!r}; "
                         "make a report with --out DIR, check one with: aifd report verify DIR")
    if not args.out:
        raise ValueError("aifd report needs --out DIR (a new or empty folder)")
    sections = [x.strip() for x in args.sections.split(",") if x.strip()]
    formats = [x.strip() for x in args.format.split(",") if x.strip()]
    shown = {"last": ""}

    def progress(share: float, what: str) -> None:
        line = f"{share * 100:3.0f} % {what}"
        if line != shown["last"]:
            shown["last"] = line
            _progress(line)

    con = connect(settings.db_path, read_only=True, wait_s=WRITE_WAIT_S)
    try:
        doc = build.make(con, settings, Path(args.out), getattr(args, "from"), args.to, sections, formats,
                         progress=None if args.quiet else progress)
    finally:
        con.close()
    for f in doc["files"]:
        print(f"{f['sha256']}  {f['bytes']:>10,}  {f['path']}")
    print(f"report of {doc['period']['start']} → {doc['period']['end']} UTC in {args.out} "
          f"({len(doc['figures'])} figures, {len(doc['files'])} files; manifest.json lists their SHA-256)")
    return 0


def _sync_settings(args: argparse.Namespace, settings: Settings) -> Settings:
    from .config import check_prometheus, parse_duration

    p = settings.prometheus
    if getattr(args, "prometheus", None):
        p = replace(p, url=args.prometheus.rstrip("/"))
    if getattr(args, "step", None):
        p = replace(p, step_s=parse_duration(args.step, "--step"))
    check_prometheus(p)
    return replace(settings, prometheus=p)


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    """One sync (or one every --every); a failure is one line on stderr and exit status 1."""
    from .config import parse_duration
    from .sync import SyncBusy, SyncError, sync
    from .sync.schedule import run_every
    from .sync.writer import source_lock

    settings = _sync_settings(args, settings)
    if args.configured:
        if settings.prometheus.configured:
            from .sync.prometheus import redact

            print(redact(settings.prometheus.url))
            return 0
        return 1
    if not settings.prometheus.configured:
        print("aifd: sync: no Prometheus URL: set url in the [prometheus] section of aifd.toml, "
              "AIFD_PROMETHEUS_URL, or pass --prometheus URL", file=sys.stderr)
        return 1
    if (args.start or args.end) and args.since:
        raise ValueError("--since and --start/--end exclude each other")
    since = parse_duration(args.since, "--since") if args.since else None
    if args.every is not None:
        if args.start or args.end:
            raise ValueError("--every syncs up to now: it takes --since, not --start/--end")
        every = parse_duration(args.every, "--every") if args.every else settings.prometheus.every_s
        if every <= 0:
            raise ValueError("--every must be positive")
        def say(msg: str) -> None:  # --quiet keeps the failures (one line each, on stderr)
            if msg.startswith("aifd:"):
                print(msg, file=sys.stderr, flush=True)
            elif not args.quiet:
                print(msg, flush=True)

        run_every(settings, every, say=say, since_s=since)
        return 0
    start = queries.coerce(args.start, "TIMESTAMP", "--start") if args.start else None
    end = queries.coerce(args.end, "TIMESTAMP", "--end") if args.end else None
    try:
        with source_lock(settings.db_path, wait_s=300, say=_progress):
            report = sync(settings, start=start, end=end, since_s=since,
                          progress=None if args.quiet else _progress)
    except (SyncError, SyncBusy) as e:
        print(f"aifd: sync: {e}", file=sys.stderr)
        return 1
    print(report.summary(), flush=True)
    return 0


def _sync_child(args: argparse.Namespace, settings: Settings) -> subprocess.Popen | None:
    """``aifd sync --every`` beside the dashboard when a Prometheus URL is configured."""
    from .sync.prometheus import redact

    if args.no_sync or not settings.prometheus.configured:
        return None
    # The child reads the same aifd.toml and AIFD_* variables; the URL (which may carry credentials)
    # stays off its command line.
    cmd = [sys.executable, "-m", "dashboard.cli", "--db", str(Path(settings.db_path).resolve()), "sync",
           "--every", f"{settings.prometheus.every_s:g}s"]
    print(f"syncing {redact(settings.prometheus.url)} every {settings.prometheus.every_s:g} s (--no-sync: off)",
          flush=True)
    return subprocess.Popen(cmd)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Run Streamlit as a child (and the periodic sync when a Prometheus URL is configured); SIGTERM
    or SIGINT to aifd stops them too, so no server is left behind."""
    if Path(settings.db_path).exists():  # migrate and build derived tables once, before any page reads
        _writer(settings).close()
    cmd = [sys.executable, "-m", "dashboard.server", "run", str(REPO_ROOT / "dashboard" / "app.py"),
           "--server.port", str(args.port), "--server.address", args.address,
           "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--", "--db", str(Path(settings.db_path).resolve())]
    print("serving on http://%s:%d" % (args.address, args.port), flush=True)
    syncer = _sync_child(args, settings)
    child = subprocess.Popen(cmd)

    def forward(signum, _frame):
        child.send_signal(signum)
        if syncer is not None and syncer.poll() is None:
            syncer.send_signal(signum)

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
        if syncer is not None:
            if syncer.poll() is None:
                syncer.terminate()  # stops after its current chunk
            try:
                syncer.wait(30)
            except subprocess.TimeoutExpired:
                syncer.kill()
                syncer.wait()


def build_parser(settings: Settings) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="aifd", description=__doc__.split("\n\n")[0])
    p.add_argument("--db", help=f"DuckDB file (default from the settings: {settings.db_path})")
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("ingest", help="load CSV, Parquet, OpenMetrics, YAML or CycloneDX files (or folders of them)")
    s.add_argument("paths", nargs="+")
    s.add_argument("--kind", help="force the record kind (gpu_samples, links, vendors, ...)")
    s.add_argument("--at", help="sample time for scrapes without timestamps (ISO 8601, UTC)")
    s.add_argument("--host", help="host of interface counters whose labels name none (a saved node_exporter "
                                  "or snmp_exporter scrape)")
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

    s = sub.add_parser("rollups", help="build the derived tables (rollups, runs) for the configured rules")
    s.add_argument("--rebuild", action="store_true", help="rebuild them all from the raw samples")
    s.set_defaults(func=cmd_rollups)

    s = sub.add_parser("bench", help="time ingest and every page figure at scale, beside DuckDB and Prometheus")
    from .benchmark import add_arguments
    add_arguments(s)
    s.set_defaults(func=cmd_bench)

    from .reports.build import FORMATS
    from .reports.sections import SECTION_KEYS

    s = sub.add_parser("report", help="export a period's figures for auditors (PDF, XLSX, CSV, Parquet and a "
                                      "manifest of SHA-256 hashes); `report verify DIR` checks one",
                       description="aifd report --from DATE --to DATE --out DIR  |  aifd report verify DIR")
    s.add_argument("verb", nargs="?", metavar="verify", help="check a report folder instead of making one")
    s.add_argument("folder", nargs="?", help="the report folder to verify")
    s.add_argument("--from", metavar="DATE", help="start, UTC (a date or a time; default: the hour of the first stored sample)")
    s.add_argument("--to", metavar="DATE", help="end, UTC: a date counts as a whole day; a time is exclusive "
                                                "(default: the end of the last stored sample's hour)")
    s.add_argument("--sections", default=",".join(SECTION_KEYS), help=f"comma-separated: {','.join(SECTION_KEYS)}")
    s.add_argument("--format", default=",".join(FORMATS), help=f"comma-separated: {','.join(FORMATS)}")
    s.add_argument("--out", help="a new or empty folder for the report")
    s.add_argument("--quiet", action="store_true", help="no progress lines")
    s.set_defaults(func=cmd_report)

    s = sub.add_parser("sync", help="pull GPU, link and meter samples from Prometheus (or Thanos, Mimir, "
                                    "VictoriaMetrics) into the store")
    s.add_argument("--prometheus", metavar="URL", help="the server (default from [prometheus] url)")
    s.add_argument("--since", metavar="DURATION", help="how far back, e.g. 24h or 7d (default [prometheus] since)")
    s.add_argument("--start", help="range start, ISO 8601 (UTC unless an offset is given)")
    s.add_argument("--end", help="range end, inclusive (default: now minus [prometheus] delay)")
    s.add_argument("--step", metavar="DURATION", help="the scrape interval, e.g. 15s (default [prometheus] step)")
    s.add_argument("--every", metavar="DURATION", nargs="?", const="",
                   help="keep syncing periodically (default period [prometheus] every)")
    s.add_argument("--configured", action="store_true", help="print the configured URL; exit 1 if there is none")
    s.add_argument("--quiet", action="store_true", help="no progress lines")
    s.set_defaults(func=cmd_sync)

    s = sub.add_parser("serve", help="run the Streamlit dashboard (and the periodic sync when a Prometheus "
                                     "URL is configured)")
    s.add_argument("--port", type=int, default=8501)
    s.add_argument("--address", default="127.0.0.1")
    s.add_argument("--no-sync", action="store_true", help="do not start `aifd sync --every` beside it")
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
    except (queries.QueryError, FileNotFoundError, FileExistsError, ValueError, StoreBusy, MigrationError) as e:
        print(f"aifd: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
