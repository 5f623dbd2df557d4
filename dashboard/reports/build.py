"""Build an auditor's report: the figures of the chosen sections, run through the figure core for a
period, written as PDF, XLSX, CSV and Parquet with a manifest of checksums and provenance.

``collect`` runs the figures (the same ones, with the same parameters, the pages draw: see
``report_params``); ``write`` turns them into files. File names come from the figures' names,
never from the caller; the output folder must be new or empty.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

import duckdb
import pandas as pd

from .. import figures, queries
from ..config import Settings
from ..figures import Figure
from ..queries import Column, Query
from . import data, regulatory
from .sections import DRILL, SECTION_KEYS, SECTIONS, Drill, plan

FORMATS = ("pdf", "xlsx", "csv", "parquet")
MANIFEST = "manifest.json"
FORMAT_VERSION = 1

# What the pages pass beyond the range (dashboard/views/*.py): the heatmap's coarser buckets (60
# per range), as many problem GPUs as Operations lists; and where the report needs more than a
# page shows: every load and every rejected row.
PAGE_PARAMS: dict[str, dict[str, Any]] = {
    "perf_rack_heatmap": {"bucket_points": 60},
    "ops_worst_gpus": {"limit": 200},
    "ingest_log": {"limit": 1_000_000},
    "rejects": {"limit": 1_000_000},
}
DRILL_LIMIT = 2_000  # selections per drill figure at most; the manifest says when it was cut

Progress = Callable[[float, str], None]  # (share done 0..1, what is being done)


def _part(progress: Progress | None, lo: float, hi: float) -> Progress | None:
    """A progress callback for one part of the work, mapped onto [lo, hi] of the whole."""
    if progress is None:
        return None
    return lambda share, what: progress(lo + (hi - lo) * min(max(share, 0.0), 1.0), what)


def report_params(q: Query, start: datetime, end: datetime) -> dict[str, Any]:
    """The parameters a page passes for the range: the range, its bucket width, the stack as of the
    range's last day; everything else from the query's defaults and the settings."""
    names = {p.name for p in q.params}
    params: dict[str, Any] = {}
    if {"start", "end"} <= names:
        params.update(start=start, end=end)
    extra = PAGE_PARAMS.get(q.name, {})
    if "bucket_minutes" in names:
        params["bucket_minutes"] = figures.bucket_minutes(start, end, extra.get("bucket_points", 200))
    if "snapshot" in names:
        params["snapshot"] = (end - timedelta(microseconds=1)).date()
    params.update({k: v for k, v in extra.items() if k in names})
    return params


@dataclass
class Entry:
    """One table of the report: a figure (or a drill figure over many selections, or the
    regulatory sheet) with the runs that made it."""

    key: str                      # file stem: the figure's name
    section: str
    query: Query                  # declaration: title, columns with units, SQL
    frame: pd.DataFrame           # canonical (data.canonical)
    runs: list[Figure]
    pages: tuple[str, ...] = ()
    drill: Drill | None = None
    selections: list[Any] = field(default_factory=list)
    selections_total: int = 0
    note: str = ""

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.query.columns

    @property
    def title(self) -> str:
        return self.query.title

    def params(self) -> dict[str, Any]:
        """The parameters every run shared (the drill selection left out)."""
        if not self.runs:
            return {}
        shown = self.runs[0].shown_params()
        if self.drill:
            shown = {k: v for k, v in shown.items() if k != self.drill.param}
        return shown

    @property
    def data_range(self) -> tuple[datetime, datetime] | None:
        return self.runs[0].data_range if self.runs else None

    def tables_read(self) -> dict[str, int]:
        """Rows the runs read from the samples and the derived tables (Figure.telemetry_read), most first."""
        read: dict[str, int] = {}
        for run in self.runs:
            for table, rows in run.telemetry_read().items():
                read[table] = read.get(table, 0) + rows
        return dict(sorted(read.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass
class Report:
    start: datetime
    end: datetime
    sections: tuple[str, ...]
    entries: list[Entry]
    loads: Figure
    settings: Settings
    stored: tuple[datetime, datetime]
    generated_at: datetime
    software: dict[str, str]

    def entry(self, key: str) -> Entry:
        for e in self.entries:
            if e.key == key:
                return e
        raise KeyError(key)

    def in_section(self, section: str) -> list[Entry]:
        return [e for e in self.entries if e.section == section]

    @property
    def site(self) -> str:
        return self.settings.site or "(not configured: [site] name in aifd.toml)"


def software() -> dict[str, str]:
    out = {}
    for dist in ("aifd", "duckdb", "pandas", "pyarrow", "altair", "vl-convert-python", "reportlab", "xlsxwriter"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    out["python"] = sys.version.split()[0]
    return out


def period(start: str | date | datetime | None, end: str | date | datetime | None,
           con: duckdb.DuckDBPyConnection) -> tuple[datetime, datetime]:
    """[start, end) from dates or times; a date-only ``end`` is inclusive (the whole day counts).

    Missing ends default to the stored data's range on whole hours, as the pages pick it: the same
    samples, and the figures read only the rollups.
    """
    lo, hi = figures.whole_hours(*figures.data_range(con))

    def parse(v, inclusive_day: bool) -> datetime | None:
        if v is None or v == "":
            return None
        day_only = isinstance(v, date) and not isinstance(v, datetime) or (isinstance(v, str) and len(v.strip()) == 10)
        ts = queries.coerce(v, "TIMESTAMP", "--to" if inclusive_day else "--from")
        return ts + timedelta(days=1) if inclusive_day and day_only else ts

    s = parse(start, False) or lo
    e = parse(end, True) or hi
    if e <= s:
        raise ValueError(f"the period is empty: {s:%Y-%m-%d %H:%M} → {e:%Y-%m-%d %H:%M}")
    return s, e


def runner(con: duckdb.DuckDBPyConnection, settings: Settings):
    def run(name: str, **params: Any) -> Figure:
        return figures.run(con, name, settings, **params)
    return run


def collect(con: duckdb.DuckDBPyConnection, settings: Settings, start: datetime, end: datetime,
            sections: tuple[str, ...] | list[str] = SECTION_KEYS, progress: Progress | None = None,
            drill_limit: int = DRILL_LIMIT) -> Report:
    """Run every figure of the chosen sections over [start, end).

    The figures run on one thread: DuckDB adds floating-point values in parallel in whatever order
    its threads finish, so the last digits of a sum could differ between two runs, and the same
    data must give the same files.
    """
    with single_thread(con):
        return _collect(con, settings, start, end, sections, progress, drill_limit)


def _collect(con: duckdb.DuckDBPyConnection, settings: Settings, start: datetime, end: datetime,
             sections, progress: Progress | None, drill_limit: int) -> Report:
    planned = plan(list(sections))  # refuses an unknown section by name
    if not sections:
        raise ValueError(f"no sections chosen; sections: {', '.join(SECTION_KEYS)}")
    sections = tuple(s for s in SECTION_KEYS if s in sections)
    run = runner(con, settings)
    total = len(planned) + 1
    entries: list[Entry] = []
    by_key: dict[str, Entry] = {}
    for i, p in enumerate(planned):
        if progress:
            progress(i / total, f"running {p.name}")
        if p.name == "reg_indicators":
            frame, runs = regulatory.sheet(run, start, end)
            q = regulatory.query(runs[0].query)
            e = Entry("regulatory_indicators", p.section, q, data.canonical(frame, q.columns), runs, p.pages,
                      note="values over the report's period; the law asks for the previous calendar year")
        elif p.drill:
            e = _drill(run, p.name, p.section, p.pages, p.drill, by_key, start, end, drill_limit)
        else:
            q = queries.load(p.name)
            fig = run(p.name, **report_params(q, start, end))
            e = Entry(p.name, p.section, q, data.canonical(fig.frame, q.columns), [fig], p.pages)
        entries.append(e)
        by_key[p.name] = e
    if progress:
        progress((total - 1) / total, "running report_loads")
    loads = run("report_loads", start=start, end=end)
    if progress:
        progress(1.0, "figures done")
    return Report(start, end, sections, entries, loads, settings, figures.data_range(con),
                  datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None), software())


def _drill(run, name: str, section: str, pages, drill: Drill, by_key: dict[str, Entry],
           start: datetime, end: datetime, limit: int) -> Entry:
    source = by_key[drill.source]
    values = list(dict.fromkeys(v for v in source.frame[drill.column].tolist() if not data._na(v)))
    chosen = values[:limit]
    q, frame, runs = run_drill(run, name, drill, chosen, report_params(queries.load(name), start, end))
    note = (f"run once for {drill.why}: {len(chosen):,} selections" if drill.at_once
            else f"run for {drill.why}: {len(chosen):,} runs")
    if len(values) > len(chosen):
        note += f" (the first {len(chosen):,} of {len(values):,} selections)"
    return Entry(name, section, q, data.canonical(frame, q.columns), runs, pages, drill, chosen, len(values), note)


def run_drill(run, name: str, drill: Drill, values: list[Any], params: dict[str, Any]
              ) -> tuple[Query, pd.DataFrame, list[Figure]]:
    """A drill figure run once per selection, the frames one after the other.

    Where the selection is not one of the figure's columns (a GPU's time series), it is put in
    front so every row says what it belongs to. A drill ``at_once`` is one run with the selection
    NULL, whose rows of the selected values are kept in the values' order: the same frame.
    """
    q = queries.load(name)
    if drill.at_once:
        fig = run(name, **params, **{drill.param: None})
        order = {v: i for i, v in enumerate(values)}
        rank = fig.frame[drill.param].map(order)
        frame = fig.frame[rank.notna()].assign(_rank=rank).sort_values("_rank", kind="stable") \
            .drop(columns="_rank").reset_index(drop=True)
        return q, frame, [fig]
    runs = [run(name, **params, **{drill.param: v}) for v in values]
    columns = q.columns
    frames = [f.frame for f in runs]
    if drill.param not in {c.name for c in q.columns}:
        sel = Column(drill.param, "text", drill.param, f"the {drill.param} the figure was run for")
        columns = (sel, *q.columns)
        frames = [f.frame.assign(**{drill.param: v})[[c.name for c in columns]] for f, v in zip(runs, values)]
        q = Query(q.name, q.path, q.sql, q.title, q.returns, q.params, columns, q.meta)
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[c.name for c in columns])
    return q, frame, runs


def single_thread(con: duckdb.DuckDBPyConnection):
    """Context: the connection on one thread (see ``collect``), its setting restored after."""
    from contextlib import contextmanager

    @contextmanager
    def ctx():
        threads = con.execute("SELECT current_setting('threads')").fetchall()[0][0]
        con.execute("SET threads = 1")
        try:
            yield con
        finally:
            con.execute(f"SET threads = {int(threads)}")
    return ctx()


# ------------------------------------------------------------------------------------------ write

def data_path(fmt: str, key: str) -> str:
    return f"{fmt}/{key}.{fmt}"


def write(report: Report, out: Path, formats: tuple[str, ...] | list[str] = FORMATS,
          progress: Progress | None = None) -> dict[str, Any]:
    """Write the chosen formats and ``manifest.json`` into ``out`` (new or empty); the manifest."""
    from . import manifest

    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValueError(f"unknown format {', '.join(bad)}; formats: {', '.join(FORMATS)}")
    formats = tuple(f for f in FORMATS if f in formats)
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f"{out} exists and is not an empty folder: give a new folder for the report")
    out.mkdir(parents=True, exist_ok=True)
    files: list[dict[str, Any]] = []
    steps = len(report.entries) * sum(f in formats for f in ("csv", "parquet")) + ("xlsx" in formats) + ("pdf" in formats)
    done = 0

    def step(what: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done / steps, f"wrote {what}")

    meta = {"aifd.period": f"{report.start.isoformat()}/{report.end.isoformat()}",
            "aifd.version": report.software.get("aifd", "")}
    for e in report.entries:
        for fmt in ("csv", "parquet"):
            if fmt not in formats:
                continue
            rel = data_path(fmt, e.key)
            (out / fmt).mkdir(exist_ok=True)
            if fmt == "csv":
                data.write_csv(out / rel, e.frame, e.columns)
            else:
                data.write_parquet(out / rel, e.frame, e.columns, {**meta, "aifd.figure": e.key})
            files.append({"path": rel, "format": fmt, "figure": e.key, "reproducible": True})
            step(rel)
    if "xlsx" in formats:
        from . import xlsx

        xlsx.write(report, out / "report.xlsx")
        files.append({"path": "report.xlsx", "format": "xlsx", "figure": None, "reproducible": True})
        step("report.xlsx")
    if "pdf" in formats:
        from . import pdf

        pdf.write(report, out / "report.pdf", progress=_part(progress, done / steps, 1.0))
        files.append({"path": "report.pdf", "format": "pdf", "figure": None, "reproducible": False})
        step("report.pdf")
    for f in files:
        p = out / f["path"]
        f["bytes"] = p.stat().st_size
        f["sha256"] = data.file_sha256(p)
    text = json.dumps(manifest.make(report, formats, files), indent=1, ensure_ascii=False, default=manifest.jsonable)
    (out / MANIFEST).write_text(text + "\n")
    return json.loads(text)  # as written: what verify will read


def make(con: duckdb.DuckDBPyConnection, settings: Settings, out: Path, start=None, end=None,
         sections=SECTION_KEYS, formats=FORMATS, progress: Progress | None = None) -> dict[str, Any]:
    """``period``, ``collect`` then ``write``: what ``aifd report`` and the Audit page call."""
    s, e = period(start, end, con)
    report = collect(con, settings, s, e, sections, progress=_part(progress, 0.0, 0.6))
    return write(report, out, formats, progress=_part(progress, 0.6, 1.0))


def zip_bytes(folder: Path, root: str) -> bytes:
    """The report folder as a zip under ``root/``: entries sorted, dates fixed, so the same files
    give the same zip."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{root}/{path.relative_to(folder).as_posix()}", (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, path.read_bytes())
    return buf.getvalue()


def folder_name(start: datetime, end: datetime) -> str:
    """The report's own name for its folder or zip (never a caller's text)."""
    return f"aifd-report-{start:%Y%m%dT%H%M}-{end:%Y%m%dT%H%M}"


__all__ = ["FORMATS", "MANIFEST", "SECTIONS", "DRILL", "Entry", "Report", "collect", "write", "make", "period",
           "report_params", "zip_bytes", "folder_name"]
