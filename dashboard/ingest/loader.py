"""One load = one file, in one transaction: stage, check, register, insert, record.

A file that cannot be read changes nothing; rows that fail a check go to ``rejects`` with their
line and reason; rows already stored (same timestamp and entity) are counted as duplicates and
left alone, so loading the same data twice changes nothing.
"""
from __future__ import annotations

import gzip
import hashlib
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator

import duckdb
import pyarrow as pa

from .. import derive, queries
from . import files, openmetrics, registry
from .domains import DOMAINS, Domain
from .staging import FileError, detect, stage

Progress = Callable[[str], None]
SHOW_REASONS = 5


class IngestError(Exception):
    """A load failed as a whole; nothing from it was stored."""


@dataclass
class DomainStats:
    domain: str
    rows_in: int = 0
    loaded: int = 0
    rejected: int = 0
    duplicate: int = 0
    updated: int = 0
    registered: int = 0
    ts_min: datetime | None = None
    ts_max: datetime | None = None
    first_rejects: list[tuple[int | None, str | None, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # wall seconds of the load's steps: "check" (stage and check every row), "store" (register,
    # insert, entities; an inventory's updates and inserts), "derived" (the derived tables it changed)
    # and, for GPU samples, its parts "derived: rollups" and "derived: runs"; `aifd bench` prints them
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class LoadReport:
    source: str
    load_id: int | None = None
    format: str | None = None
    sha256: str | None = None
    bytes: int = 0
    status: str = "ok"
    message: str = ""
    elapsed_s: float = 0.0
    domains: list[DomainStats] = field(default_factory=list)
    stamped_at: datetime | None = None  # time given to samples without one (part of the load's identity)
    unexpected: bool = False             # failed on an error no reader foresaw (a bug to report)

    def total(self, attr: str) -> int:
        return sum(getattr(d, attr) for d in self.domains)

    def summary(self) -> str:
        head = f"{self.source}: {self.status}"
        if self.load_id is not None:
            head += f" (load {self.load_id}"
            head += f", {self.format}" if self.format else ""
            head += f", {self.elapsed_s:.1f} s)"
        lines = [head]
        if self.message:
            lines.append(f"  {self.message}")
        for d in self.domains:
            parts = [f"{d.rows_in:,} read", f"{d.loaded:,} loaded", f"{d.rejected:,} rejected",
                     f"{d.duplicate:,} already stored"]
            if d.updated:
                parts.append(f"{d.updated:,} updated")
            if d.registered:
                parts.append(f"{d.registered:,} new entities registered")
            lines.append(f"  {d.domain}: " + ", ".join(parts))
            if d.ts_min is not None:
                lines.append(f"    data range {d.ts_min:%Y-%m-%d %H:%M:%S} → {d.ts_max:%Y-%m-%d %H:%M:%S} UTC")
            for w in d.warnings:
                lines.append("    warning: " + w.replace("\n", "\n      "))
            for line, series, reason in d.first_rejects:
                where = f"line {line}" if line is not None else "file"
                lines.append(f"    rejected {where}" + (f" [{series}]" if series else "") + f": {reason}")
            if d.rejected > len(d.first_rejects):
                lines.append(f"    … {d.rejected - len(d.first_rejects):,} more in `aifd rejects {self.load_id}`")
        return "\n".join(lines)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _new_load_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT nextval('load_id_seq')").fetchall()[0][0]


def _count(con: duckdb.DuckDBPyConnection, name: str, **params) -> int:
    q = queries.load(name)
    return int(con.execute(q.sql, q.bind(params)).fetchall()[0][0])


def _has_query(name: str) -> bool:
    return (queries.QUERIES_DIR / f"{name}.sql").is_file()


def _check(con: duckdb.DuckDBPyConnection, staged: files.Staged, find_duplicates: bool) -> tuple[int, int, bool]:
    """Stage ``src`` and check it: relation ``checked`` (every staged row, its series and reason,
    NULL when accepted) and ``rejected`` (line, series, reason of the others). Returns the counts of
    rows, of rejected rows, and whether the check looked for duplicates (``find_duplicates`` is
    honoured only by a check that declares it, and only for rows with lines of their own).

    Where every row has its own line (CSV, Parquet) and the check returns the staged columns, only
    the rejected rows are kept apart and ``checked`` is the staged rows beside them: at 14 million
    rows a checked copy of every row would cost as much as storing them."""
    domain = staged.domain
    stage(con, "src", domain, staged.mapping, view=staged.reread_cheap)
    check = queries.load(f"ingest/{domain.name}_check")
    declared = any(p.name == "find_duplicates" for p in check.params)
    find_duplicates = (find_duplicates or not staged.unique_lines or not declared
                       or _overlaps_stored(con, domain))
    params = check.bind({"find_duplicates": find_duplicates})
    if staged.unique_lines and domain.timeseries and _returns_staged_columns(con, check.sql, params):
        con.execute("CREATE OR REPLACE TEMP TABLE rejected AS "
                    f"SELECT line, series, reason FROM ({check.sql}) WHERE reason IS NOT NULL", params)
        con.execute("CREATE OR REPLACE TEMP VIEW checked AS "
                    "SELECT s.*, r.series, r.reason FROM stage s LEFT JOIN rejected r USING (line)")
        n = con.execute("SELECT count(*) FROM stage").fetchall()[0][0]
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE checked AS {check.sql}", params)
        con.execute("CREATE OR REPLACE TEMP VIEW rejected AS "
                    "SELECT line, series, reason FROM checked WHERE reason IS NOT NULL")
        n = con.execute("SELECT count(*) FROM checked").fetchall()[0][0]
    bad = con.execute("SELECT count(*) FROM rejected").fetchall()[0][0]
    return n, bad, find_duplicates


def _overlaps_stored(con: duckdb.DuckDBPyConnection, domain: Domain) -> bool:
    """Whether stored rows of the staged entities lie in the staged time range (an overlapping
    re-export, a forced reload): such a load looks for duplicates itself rather than being made
    twice. A cheap look at the range first: stored rows are pruned by time."""
    # clamped to the years the check accepts (2000..2099, gpu_samples_check.sql): a row outside them
    # is rejected anyway, and its time may be beyond what Python or pandas hold (year 58844: epoch
    # milliseconds given as seconds), so such a bound is never fetched (NULL: nothing to overlap)
    lo, hi = con.execute(
        "WITH r AS (SELECT greatest(min(ts), TIMESTAMP '2000-01-01') AS lo, "
        "least(max(ts), TIMESTAMP '2099-12-31 23:59:59.999999') AS hi FROM stage) "
        "SELECT CASE WHEN lo <= hi THEN lo END, CASE WHEN lo <= hi THEN hi END FROM r").fetchall()[0]
    if lo is None or hi is None:
        return False
    # domain.name is the table's name, from the registry of record kinds, not from the input
    if not con.execute(f"SELECT count(*) FROM (SELECT 1 FROM {domain.name} WHERE ts BETWEEN ? AND ? LIMIT 1)",
                       [lo, hi]).fetchall()[0][0]:
        return False
    if not _has_query(f"ingest/{domain.name}_overlap"):
        return True
    return bool(_count(con, f"ingest/{domain.name}_overlap", ts_min=lo, ts_max=hi))


def _returns_staged_columns(con: duckdb.DuckDBPyConnection, check_sql: str, params: dict) -> bool:
    staged_cols = [r[0] for r in con.execute("SELECT column_name FROM (DESCRIBE stage)").fetchall()]
    checked_cols = [r[0] for r in con.execute(f"SELECT column_name FROM (DESCRIBE {check_sql})", params).fetchall()]
    return checked_cols == [*staged_cols, "series", "reason"]


def apply_staged(con: duckdb.DuckDBPyConnection, staged: files.Staged, load_id: int, source: str,
                 find_duplicates: bool = True) -> DomainStats:
    """Check ``src`` as ``staged.domain`` and store what passes. Runs inside the caller's transaction.

    ``find_duplicates=False`` leaves finding GPU samples at a repeated timestamp to the derived
    tables' ordered pass, which raises derive.RepeatedSamples: the caller undoes the load and makes
    it again with True."""
    domain: Domain = staged.domain
    stats = DomainStats(domain.name, warnings=list(staged.warnings))
    t = time.perf_counter()
    n, bad, looked = _check(con, staged, find_duplicates)
    pre_n = len(staged.pre_rejects)
    pre_first = [(r[0], r[1] or None, r[2]) for r in staged.pre_rejects]
    if staged.pre_rejects:
        con.register("pre_rejects", pa.table({
            "line": [r[0] for r in staged.pre_rejects], "series": [r[1] or None for r in staged.pre_rejects],
            "reason": [r[2] for r in staged.pre_rejects], "raw": [r[3] for r in staged.pre_rejects]}))
        con.execute("INSERT INTO rejects SELECT ?, ?, line, series, reason, raw FROM pre_rejects",
                    [load_id, source])
        con.unregister("pre_rejects")
    if staged.reject_relation:  # a reader's rejects kept in DuckDB (the OpenMetrics reader's)
        rel = staged.reject_relation
        pre_n += con.execute(f"SELECT count(*) FROM {rel}").fetchall()[0][0]
        con.execute(f"INSERT INTO rejects SELECT ?, ?, line, series, reason, raw FROM {rel} "
                    "ORDER BY coalesce(line, 0), seq", [load_id, source])
        pre_first += con.execute(f"SELECT line, series, reason FROM {rel} ORDER BY coalesce(line, 0), seq "
                                 "LIMIT ?", [SHOW_REASONS]).fetchall()
    stats.rows_in = n + pre_n
    stats.rejected = bad + pre_n
    if bad:
        _count(con, "ingest/rejects_insert", load_id=load_id, source=source)
    shown = con.execute("SELECT line, series, reason FROM rejected ORDER BY line LIMIT ?", [SHOW_REASONS]).fetchall()
    stats.first_rejects = sorted(pre_first + shown, key=lambda r: r[0] or 0)[:SHOW_REASONS]
    good = n - bad
    stats.seconds["check"] = time.perf_counter() - t
    if good == 0:
        return stats
    t = time.perf_counter()
    if domain.timeseries:
        stats.ts_min, stats.ts_max = con.execute(
            "SELECT min(ts), max(ts) FROM stage" if not bad else
            "SELECT min(ts), max(ts) FROM checked WHERE reason IS NULL").fetchall()[0]
        if _has_query(f"ingest/{domain.name}_register"):
            stats.registered = _count(con, f"ingest/{domain.name}_register", load_id=load_id)
        stats.loaded = _count(con, f"ingest/{domain.name}_insert", load_id=load_id,
                              ts_min=stats.ts_min, ts_max=stats.ts_max)
        stats.duplicate = good - stats.loaded
        if stats.duplicate and not looked:
            # rows already stored: which of the file's rows repeat one another is known only to the check
            raise derive.RepeatedSamples(f"{stats.duplicate:,} rows already stored")
        if _has_query(f"ingest/{domain.name}_entities"):  # first seen, capacity learnt
            _count(con, f"ingest/{domain.name}_entities", load_id=load_id, ts_min=stats.ts_min, ts_max=stats.ts_max)
        stats.seconds["store"] = time.perf_counter() - t
        if stats.loaded:
            t = time.perf_counter()
            parts = derive.after_insert(con, domain.name, load_id, stats.ts_min, stats.ts_max, find_repeats=not looked)
            stats.seconds["derived"] = time.perf_counter() - t
            stats.seconds.update({f"derived: {k}": v for k, v in parts.items()})
    else:
        stats.updated = _count(con, f"ingest/{domain.name}_update")
        stats.loaded = _count(con, f"ingest/{domain.name}_insert", load_id=load_id)
        stats.duplicate = good - stats.loaded - stats.updated
        stats.seconds["store"] = time.perf_counter() - t
        if stats.updated:
            t = time.perf_counter()
            derive.after_inventory_change(con, domain.name)
            stats.seconds["derived"] = time.perf_counter() - t
    return stats


_SCRATCH = ("src", "om_rejects_gpu", "om_rejects_link", "stage", "checked", "rejected", "raw_csv", "om_rows",
            "om_gpu_long", "om_link_long", "om_long", "om_series_raw", "om_series", "om_rejects", "om_metrics",
            "om_dups", "om_link_ids", "om_conflict_keys", "om_conflicts", "om_need", "om_raw",
            *openmetrics.MIG_PIVOT_VIEWS, *openmetrics.MIG_PIVOT_TABLES)


def _drop_scratch(con: duckdb.DuckDBPyConnection) -> None:
    """Readers leave temp views and tables behind; a load must never see the last one's."""
    # views first: a view over a scratch table must go before the table can
    for name, kind in con.execute(
            "SELECT view_name, 'VIEW' FROM duckdb_views() WHERE temporary AND list_contains($n, view_name) "
            "UNION ALL SELECT table_name, 'TABLE' FROM duckdb_tables() WHERE temporary AND list_contains($n, table_name)",
            {"n": list(_SCRATCH)}).fetchall():
        con.execute(f"DROP {kind} IF EXISTS {name}")


def _previous_load(con: duckdb.DuckDBPyConnection, sha: str, stamp: datetime | None) -> int | None:
    """The load that already stored this content: same SHA-256 and, when that load stamped samples
    without a timestamp, the same stamp (one scrape stamped at two times is two samples)."""
    row = con.execute(
        "SELECT max(load_id) FROM ingest_log WHERE sha256 = ? AND status IN ('ok', 'partial')"
        " AND (stamped_at IS NULL OR stamped_at = ?)", [sha, stamp]
    ).fetchall()[0]
    return row[0] if row and row[0] is not None else None


def _log(con: duckdb.DuckDBPyConnection, r: LoadReport, started: datetime, kinds: str) -> None:
    ts_min = min((d.ts_min for d in r.domains if d.ts_min), default=None)
    ts_max = max((d.ts_max for d in r.domains if d.ts_max), default=None)
    con.execute(
        "INSERT INTO ingest_log (load_id, source, format, kinds, sha256, bytes, rows_in, rows_loaded,"
        " rows_rejected, rows_duplicate, rows_updated, ts_min, ts_max, started, finished, status, message,"
        " stamped_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [r.load_id, r.source, r.format, kinds, r.sha256, r.bytes, r.total("rows_in"),
         r.total("loaded"), r.total("rejected"), r.total("duplicate"), r.total("updated"),
         ts_min, ts_max, started, _now(), r.status, r.message or None, r.stamped_at],
    )


MESSAGE_CHARS = 300  # an unforeseen error's text may quote the input: keep it short


def load_path(con: duckdb.DuckDBPyConnection, path: str | Path, *, kind: str | None = None,
              at: datetime | None = None, host: str | None = None, force: bool = False,
              strict: bool = False, progress: Progress | None = None, snapshot: date | None = None) -> LoadReport:
    """Load one file. Never raises for bad input: the report says what happened.

    ``at``: the time of samples without a timestamp (default: the file's modification time);
    ``host``: the host of interface counters whose labels name none (a saved node_exporter scrape);
    ``snapshot``: the snapshot date of an SBOM without metadata.timestamp.
    """
    path = Path(path)
    report = LoadReport(str(path))
    started, t0 = _now(), time.perf_counter()
    if not path.is_file():
        report.status, report.message = "failed", "no such file"
        return report
    report.bytes = path.stat().st_size
    report.sha256 = sha256_of(path)  # of the file as given, compressed or not
    gz, utf16 = files.is_gzip(path), files.is_utf16(path)
    if not (gz or utf16):
        return _load_file(con, path, report, started, t0, kind=kind, at=at, host=host, force=force,
                          strict=strict, progress=progress, snapshot=snapshot)
    # an archive already loaded is not decompressed again (a folder of daily exports loaded every
    # day): its content would carry the archive's time, so the stamp is the same either way
    previous = None if force else _previous_load(con, report.sha256, files.stamp_time(path, at)[0])
    if previous is not None:
        report.format = con.execute("SELECT format FROM ingest_log WHERE load_id = ?", [previous]).fetchall()[0][0]
        report.load_id = _new_load_id(con)
        return _skipped(con, report, started, previous)
    try:
        with ExitStack() as decoded:
            plain = decoded.enter_context(files.gunzipped(path)) if gz else path
            if files.is_utf16(plain):  # Excel's 'Unicode Text', a Windows PowerShell `>` of a scrape
                plain = decoded.enter_context(files.utf8_copy(plain))
            report = _load_file(con, plain, report, started, t0, kind=kind, at=at, host=host, force=force,
                                strict=strict, progress=progress, snapshot=snapshot)
            report.message = report.message.replace(str(plain), str(path))  # messages name the file given
    except FileError as e:  # the archive or its text cannot be read: nothing was stored
        report.status, report.message = "failed", str(e)
        report.load_id = _new_load_id(con)
        _log(con, report, started, "")
        report.elapsed_s = time.perf_counter() - t0
    return report


def _skipped(con: duckdb.DuckDBPyConnection, report: LoadReport, started: datetime, previous: int) -> LoadReport:
    """The report (and ingest-log row) of a file whose content load ``previous`` already stored."""
    report.status = "skipped"
    stamped = con.execute("SELECT stamped_at FROM ingest_log WHERE load_id = ?", [previous]).fetchall()[0][0]
    report.message = ("identical content (SHA-256)"
                      + (f" stamped at {stamped:%Y-%m-%d %H:%M:%S} UTC" if stamped else "")
                      + f" already loaded as load {previous}; nothing to do (--force re-checks it)")
    _log(con, report, started, "")
    return report


def _load_file(con: duckdb.DuckDBPyConnection, path: Path, report: LoadReport, started: datetime, t0: float, *,
               kind: str | None, at: datetime | None, host: str | None, force: bool, strict: bool,
               progress: Progress | None, snapshot: date | None) -> LoadReport:
    """load_path's work on a readable file (``path``: the file, or a gzip file's content)."""
    report.format = registry.sniff_format(path)
    report.load_id = _new_load_id(con)
    fmt = registry.get(report.format)
    stamp = files.stamp_time(path, at)[0] if fmt.takes_time else None
    previous = None if force else _previous_load(con, report.sha256, stamp)
    if previous is not None:
        return _skipped(con, report, started, previous)
    extra = {"at": at, "host": host} if fmt.takes_time else {"snapshot": snapshot} if fmt.takes_snapshot else {}
    read = lambda: fmt.reader(con, path, kind, progress=progress, **extra)  # noqa: E731 - read inside the transaction
    try:
        try:
            _store(con, report, started, read, strict, find_duplicates=False)
        except derive.RepeatedSamples:
            # a file with repeated samples: made again with the check that names each one's line
            if progress:
                progress(f"{path.name}: repeated samples; checking it again line by line")
            report.domains, report.stamped_at = [], None
            _store(con, report, started, read, strict, find_duplicates=True)
    except Exception as e:  # noqa: BLE001 - whatever went wrong, the load was undone (_store): say it
        report.status = "failed"
        if isinstance(e, (FileError, IngestError)):
            report.message = str(e)
        else:
            report.unexpected = True
            detail = str(e)
            if len(detail) > MESSAGE_CHARS:
                detail = detail[:MESSAGE_CHARS] + " …"
            report.message = f"{path}: {type(e).__name__}: {detail}"
        report.domains = []
        report.stamped_at = None
        _log(con, report, started, "")
    _drop_scratch(con)
    report.elapsed_s = time.perf_counter() - t0
    return report


def _store(con: duckdb.DuckDBPyConnection, report: LoadReport, started: datetime,
           read: Callable[[], Iterable[files.Staged]], strict: bool, *, find_duplicates: bool = True,
           before_commit: Callable[[duckdb.DuckDBPyConnection, LoadReport], None] | None = None) -> None:
    """Check and store what ``read`` stages, log the load and commit, in one transaction; rolled
    back if anything raises (the caller says what went wrong)."""
    _drop_scratch(con)
    con.begin()
    try:
        for staged in read():
            report.stamped_at = report.stamped_at or staged.stamped
            report.domains.append(apply_staged(con, staged, report.load_id, report.source, find_duplicates))
        rejected = report.total("rejected")
        if strict and rejected:
            raise IngestError(f"--strict: {rejected} rows rejected, so nothing was stored")
        report.status = "partial" if rejected else "ok"
        _log(con, report, started, ",".join(d.domain for d in report.domains))
        if before_commit is not None:
            before_commit(con, report)
        con.commit()
    except BaseException:
        con.rollback()
        raise


def load_staged(con: duckdb.DuckDBPyConnection, source: str, format: str, staged: Iterable[files.Staged], *,
                message: str = "", bytes_: int = 0, strict: bool = False,
                before_commit: Callable[[duckdb.DuckDBPyConnection, LoadReport], None] | None = None) -> LoadReport:
    """Load rows that did not come from a file (the Prometheus sync: ``source`` is the URL, ``message``
    the PromQL it ran) in one transaction, as ``load_path`` loads a file: checked by the same SQL,
    rejects kept with series and reason, rows already stored (same timestamp and entity) left alone,
    one ingest-log row. ``before_commit`` writes the caller's own bookkeeping in the same transaction.

    Never raises for bad input: the report says what happened (status failed: nothing was stored)."""
    report = LoadReport(source, format=format, bytes=bytes_, message=message)
    started, t0 = _now(), time.perf_counter()
    report.load_id = _new_load_id(con)
    try:
        _store(con, report, started, lambda: staged, strict, before_commit=before_commit)
    except Exception as e:  # noqa: BLE001 - whatever went wrong, the load was undone (_store): say it
        report.status = "failed"
        report.message = str(e) if isinstance(e, (FileError, IngestError)) else f"{source}: {type(e).__name__}: {e}"
        report.domains = []
        _log(con, report, started, "")
    _drop_scratch(con)
    report.elapsed_s = time.perf_counter() - t0
    return report


def _domain_rank(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Inventory before telemetry, so that telemetry finds its entities."""
    gz = path.suffix.lower() == ".gz" and files.is_gzip(path)
    if gz:  # by the suffix inside (gpus.csv.gz), as a folder load picks it up
        inner = Path(path.stem).suffix.lower()
        fmt = next((f.name for f in registry.FORMATS if inner in f.suffixes), "csv")
    else:
        fmt = registry.sniff_format(path)
    if fmt == "openmetrics":  # scrapes after bulk telemetry
        return 2 * len(DOMAINS) - 1
    if fmt not in ("csv", "parquet"):  # plug-in formats (SBOMs): after inventories
        return len(DOMAINS) - 1
    try:
        if fmt == "parquet" and not gz:
            headers = [c for c in con.read_parquet(str(path)).columns]
        elif fmt == "parquet":
            return 2 * len(DOMAINS)  # a compressed Parquet file: last, its load reads it
        else:
            opener = gzip.open if gz else open
            encoding = "utf-16" if not gz and files.is_utf16(path) else "utf-8-sig"
            with opener(path, "rt", encoding=encoding, errors="replace") as f:
                headers, _ = files.csv_header(f.readline())
        domain, _ = detect(headers, str(path))
        return (0 if not domain.timeseries else len(DOMAINS)) + DOMAINS.index(domain)
    except Exception:
        return 2 * len(DOMAINS)  # unknown: last, where its load will say what is wrong


def expand(con: duckdb.DuckDBPyConnection, paths: Iterable[str | Path]) -> list[Path]:
    """Files named or found under named folders, inventory first, then by name."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(sorted(x for x in p.rglob("*") if x.is_file() and registry.wanted_in_folder(x)))
        else:
            found.append(p)
    return sorted(found, key=lambda x: (_domain_rank(con, x), str(x)))


def load_paths(con: duckdb.DuckDBPyConnection, paths: Iterable[str | Path], **kw) -> Iterator[LoadReport]:
    for p in expand(con, paths):
        yield load_path(con, p, **kw)
