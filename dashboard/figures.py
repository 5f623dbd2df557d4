"""The figure core: run a named figure with the settings and get its frame with its provenance.

Pages (through ``ui.run``), ``aifd query``, the benchmark, reports and tests all call ``run``;
this is the one place where settings become query parameters.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import duckdb
import pandas as pd

from . import derive, queries, units
from .config import Settings
from .queries import QueryError


def settings_params(s: Settings) -> dict[str, Any]:
    """The configured values a query may declare as parameters (by these names)."""
    return {
        "target_tflops": s.target.tflops,
        "precision": s.target.precision,
        "idle_threshold": s.idle_threshold,
        "idle_minutes": s.idle_minutes,
        "hot_temp_c": s.hot_temp_c,
        "rubric": str(s.rubric_path.resolve()),
        "indicators": str(s.indicators_path.resolve()),
        "commissioned": s.site_commissioned,
        "rule_set": s.rule_set,
        "saturation_pct": s.link_saturation_pct,
        "external_kinds": ",".join(s.external_link_kinds),
    }


# Parameters that name files on this machine: from configuration only, never from a caller.
SETTINGS_ONLY = frozenset({"rubric", "indicators"})


def data_range(con: duckdb.DuckDBPyConnection) -> tuple[datetime, datetime]:
    """[first, last + 1 s) over all stored telemetry; a day ending now when nothing is stored."""
    # GPU samples' span from the activity runs, which cover every sample (no scan of all samples)
    row = con.execute(
        "SELECT min(lo), max(hi) FROM ("
        " SELECT min(first_ts) lo, max(last_ts) hi FROM gpu_runs UNION ALL"
        " SELECT min(ts), max(ts) FROM link_samples UNION ALL"
        " SELECT min(ts), max(ts) FROM meter_samples)"
    ).fetchall()[0]
    if row[0] is None:
        end = datetime.utcnow().replace(microsecond=0)
        return end - timedelta(days=1), end
    return row[0], row[1] + timedelta(seconds=1)


def bucket_minutes(start: datetime, end: datetime, points: int = 200) -> int:
    """A bucket width giving about ``points`` buckets over a range, rounded to a tidy number of
    minutes: the pages and the reports pick the same width for the same range."""
    minutes = max(1, (end - start).total_seconds() / 60 / points)
    for tidy in (1, 5, 10, 15, 30, 60, 120, 360, 720, 1440):
        if minutes <= tidy:
            return tidy
    return 1440


def whole_hours(lo: datetime, hi: datetime) -> tuple[datetime, datetime]:
    """[lo, hi) widened to whole hours: the same samples, and figures read only the hourly rollups."""
    start = lo.replace(minute=0, second=0, microsecond=0)
    end = hi.replace(minute=0, second=0, microsecond=0)
    return start, end if end == hi else end + timedelta(hours=1)


# The stored telemetry: raw samples and the tables derived from them (dashboard/derive.py). A
# figure's provenance names those it read, with the rows it read from each.
SAMPLE_TABLES = frozenset({"gpu_samples", "link_samples", "meter_samples", "water_samples", "grid_carbon_samples"})
DERIVED_TABLES = frozenset(derive.DERIVED_TABLES)


@dataclass
class Figure:
    """A figure's frame with what made it: the query, the bound parameters, the time it took, and
    the rows it read from each table (``tables_read``, from DuckDB's profile of the run)."""

    query: queries.Query
    params: dict[str, Any]
    frame: pd.DataFrame
    elapsed_ms: float
    tables_read: dict[str, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.query.name

    @property
    def columns(self) -> tuple[queries.Column, ...]:
        return self.query.columns

    @property
    def data_range(self) -> tuple[datetime, datetime] | None:
        start, end = self.params.get("start"), self.params.get("end")
        if isinstance(start, datetime) and isinstance(end, datetime):
            return start, end
        return None

    @property
    def empty(self) -> bool:
        return self.frame.empty

    def value(self, column: str, row: int = 0) -> Any:
        """One cell (None where the frame has no such row or the value is missing)."""
        self.query.column(column)
        if row >= len(self.frame):
            return None
        v = self.frame[column].iloc[row]
        return None if units.missing(v) else v

    def text(self, column: str, row: int = 0, digits: int = 3, decimals: int | None = None) -> str:
        """One cell formatted with its declared unit."""
        return units.fmt(self.value(column, row), self.query.column(column).unit, digits, decimals)

    def shown_params(self) -> dict[str, Any]:
        return {k: v for k, v in self.params.items() if k not in SETTINGS_ONLY}

    def telemetry_read(self) -> dict[str, int]:
        """Rows read from the samples and the derived tables, most first."""
        read = {k: v for k, v in self.tables_read.items() if k in SAMPLE_TABLES | DERIVED_TABLES and v}
        return dict(sorted(read.items(), key=lambda kv: (-kv[1], kv[0])))

    def provenance(self) -> str:
        """One line naming the query, the data range and the tables read, for captions and exports."""
        parts = [f"query `{self.name}`"]
        rng = self.data_range
        if rng:
            parts.append(f"{rng[0]:%Y-%m-%d %H:%M} → {rng[1]:%Y-%m-%d %H:%M} UTC")
        other = {k: v for k, v in self.shown_params().items() if k not in ("start", "end") and v is not None}
        if other:
            parts.append(", ".join(f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v}"
                                   for k, v in other.items()))
        read = self.telemetry_read()
        if read:
            parts.append(read_text(read))
        parts.append(f"{len(self.frame):,} rows, {self.elapsed_ms:.0f} ms")
        return " · ".join(parts)

    def cli(self) -> str:
        """The command that prints the same figure."""
        args = " ".join(
            f"-p {k}={v.isoformat() if isinstance(v, datetime) else v}"
            for k, v in self.shown_params().items() if v is not None
        )
        return f"aifd query {self.name} {args}".strip()


def bind(con: duckdb.DuckDBPyConnection, q: queries.Query, settings: Settings,
         params: dict[str, Any]) -> dict[str, Any]:
    """Settings as defaults, the caller's values over them, the stored range where none is given."""
    forbidden = SETTINGS_ONLY & {k for k, v in params.items() if v is not None}
    if forbidden:
        raise QueryError(f"query {q.name}: {', '.join(sorted(forbidden))} comes from the settings "
                         "(aifd.toml or AIFD_* variables), not from a parameter")
    wanted = {p.name for p in q.params}
    merged = {k: v for k, v in settings_params(settings).items() if k in wanted}
    merged.update({k: v for k, v in params.items() if k in wanted})
    if {"start", "end"} <= wanted and (merged.get("start") is None or merged.get("end") is None):
        lo, hi = whole_hours(*data_range(con))
        if merged.get("start") is None:
            merged["start"] = lo
        if merged.get("end") is None:
            merged["end"] = hi
    unknown = set(params) - wanted
    if unknown:
        raise QueryError(f"query {q.name} has no parameter {', '.join(sorted(unknown))}; "
                         f"it takes: {', '.join(p.name for p in q.params) or 'none'}")
    return q.bind(merged)


def run(con: duckdb.DuckDBPyConnection, name: str, settings: Settings, **params: Any) -> Figure:
    """Run the figure query ``queries/<name>.sql`` with ``settings`` and ``params``."""
    q = queries.load(name)
    if not q.columns:
        raise QueryError(f"{name} is not a figure query")
    bound = bind(con, q, settings, params)
    con.execute("PRAGMA enable_profiling = 'no_output'")
    try:
        t0 = time.perf_counter()
        try:
            frame = con.execute(q.sql, bound).df() if bound else con.execute(q.sql).df()
        except duckdb.Error as e:
            raise QueryError(f"query {name} failed: {e}") from e
        elapsed = (time.perf_counter() - t0) * 1000
        read = tables_read(con)
    finally:
        con.execute("PRAGMA disable_profiling")
    q.check_columns(list(frame.columns))
    return Figure(q, bound, frame, elapsed, read)


def read_text(read: dict[str, int]) -> str:
    """The tables read, as provenance lines say it: ``read gpu_daily (30,000 rows), ...``."""
    return "read " + ", ".join(f"{table} ({rows:,} rows)" for table, rows in read.items())


def tables_read(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Per table, the rows the last query's table scans produced (after the filters pushed into
    them: the rows it read), from DuckDB's profile of that query."""
    read: dict[str, int] = {}
    stack = list(json.loads(con.get_profiling_information(format="json")).get("operator", []))
    while stack:
        node = stack.pop()
        stack.extend(node.get("children", []))
        table = node.get("extra_info", {}).get("Table") if node.get("type") == "TABLE_SCAN" else None
        if table:
            name = table.rsplit(".", 1)[-1]
            read[name] = read.get(name, 0) + int(node.get("intermediate_rows") or 0)
    return read
