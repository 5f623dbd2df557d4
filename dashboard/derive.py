"""Derived tables (GPU hourly and 5-minute rollups, activity runs, XID events; link and meter 5-minute rollups), kept exact under every load.

Each load rebuilds, inside its own transaction, the derived rows of the time range it touched
(``after_insert``): the GPUs' whole hours around it, the fleet's 5-minute intervals, the runs it
could have joined or split. Raw samples stay the truth; the derived rows are sums and counts over
them, computed by the same macros (queries/definitions/) that compute the partial hours at the ends
of a figure's range, so a figure gives the same numbers from either.

Three rules are baked in: the idle threshold of the runs, the hot temperature of the health counts
and the links' saturation threshold (table ``derived_config``). ``ensure`` (called by entry points
with the settings) rebuilds what depends on a rule that changed, and a database whose derived tables
were never built.
"""
from __future__ import annotations

import re
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Callable, Iterator

import duckdb

from . import queries, store

Progress = Callable[[str], None]
GPU_TABLES = ("gpu_hourly", "gpu_daily", "gpu_groups_5m", "gpu_pods_5m", "gpu_runs", "gpu_steps", "gpu_xid_events")
LINK_TABLES = ("link_5m",)
METER_TABLES = ("meter_5m", "meter_kind_5m")
DERIVED_TABLES = GPU_TABLES + LINK_TABLES + METER_TABLES
_STATEMENT_END = re.compile(r";\s*\n")


def _run(con: duckdb.DuckDBPyConnection, name: str, **params) -> None:
    """Run every statement of ``queries/<name>.sql`` with the parameters each one uses."""
    q = queries.load(name)
    bound = q.bind(params)
    body = "\n".join(l for l in q.sql.splitlines() if not l.lstrip().startswith("--"))
    for statement in _STATEMENT_END.split(body):
        if not statement.strip():
            continue
        used = set(re.findall(r"\$([a-zA-Z_]\w*)", statement))
        con.execute(statement, {k: v for k, v in bound.items() if k in used})


def _hour(t: datetime) -> datetime:
    return t.replace(minute=0, second=0, microsecond=0)


class RepeatedSamples(Exception):
    """Samples of one GPU at one timestamp were stored by a load that left finding them to the
    derived tables' ordered pass: the load is to be undone and made again with its check finding them."""


def refresh_gpus(con: duckdb.DuckDBPyConnection, t0: datetime, t1: datetime,
                 find_repeats: bool = False) -> dict[str, float]:
    """Rebuild the derived rows of the GPUs in temp table ``derive_gpus`` for samples in [t0, t1].

    Hours from t0's to one hour past t1 are rebuilt (an energy increase is attributed to the next
    sample, which may lie up to an hour later); runs over the extent of every run they touch.
    ``find_repeats``: raise RepeatedSamples when a GPU has two samples at one timestamp.
    Returns the wall seconds of its two parts: "rollups" (hours, days, groups, pods) and "runs"
    (steps of new GPUs, activity runs, XID events).
    """
    t = time.perf_counter()
    h0, h1 = _hour(t0), _hour(t1 + timedelta(hours=1)) + timedelta(hours=1)
    _run(con, "derive/gpu_refresh", h0=h0, h1=h1)
    repeats = con.execute("SELECT coalesce(sum(repeats), 0) FROM derive_5m").fetchall()[0][0] if find_repeats else 0
    con.execute("DROP TABLE derive_5m")
    if repeats:
        raise RepeatedSamples(f"{repeats:,} samples repeat a GPU and timestamp")
    seconds = {"rollups": time.perf_counter() - t}
    t = time.perf_counter()
    _run(con, "derive/gpu_run_extent", t0=t0, t1=t1)
    e0, e1 = con.execute("SELECT min(e0), max(e1) FROM run_extent").fetchall()[0]
    _run(con, "derive/gpu_runs", t0=t0, t1=t1, e0=e0 or t0, e1=e1 or t1)
    seconds["runs"] = time.perf_counter() - t
    return seconds


def after_insert(con: duckdb.DuckDBPyConnection, kind: str, load_id: int, t0: datetime, t1: datetime,
                 find_repeats: bool = False) -> dict[str, float]:
    """Called by the loader, inside the load's transaction, after rows of ``kind`` were stored.
    ``find_repeats``: the load did not look for GPU samples at a repeated timestamp (RepeatedSamples).
    Returns the wall seconds of the parts of a GPU refresh (refresh_gpus); empty for other kinds."""
    if kind == "gpu_samples":
        con.execute("CREATE OR REPLACE TEMP TABLE derive_gpus AS SELECT DISTINCT gpu_id FROM gpu_samples "
                    "WHERE load_id = ? AND ts >= ? AND ts <= ?", [load_id, t0, t1])
        return refresh_gpus(con, t0, t1, find_repeats)
    elif kind == "link_samples":
        refresh_links(con, t0, t1)
    elif kind == "meter_samples":
        refresh_meters(con, t0, t1)
    return {}


def _five(t: datetime) -> datetime:
    return t.replace(second=0, microsecond=0) - timedelta(minutes=t.minute % 5)


def refresh_links(con: duckdb.DuckDBPyConnection, t0: datetime, t1: datetime) -> None:
    """Rebuild link_5m from t0's bucket to one hour past t1 (the next interval ends up to an hour later)."""
    _run(con, "derive/link_refresh", b0=_five(t0), b1=_five(t1 + timedelta(hours=1)) + timedelta(minutes=5))


def refresh_meters(con: duckdb.DuckDBPyConnection, t0: datetime, t1: datetime) -> None:
    """Rebuild meter_5m and meter_kind_5m from t0's bucket to one hour past t1, as refresh_links."""
    _run(con, "derive/meter_refresh", b0=_five(t0), b1=_five(t1 + timedelta(hours=1)) + timedelta(minutes=5))


def after_inventory_change(con: duckdb.DuckDBPyConnection, kind: str) -> None:
    """A GPU moved rack or changed model, a model's max boost clock changed, a link's capacity
    changed, a meter's kind changed: the derived rows that depend on them are rebuilt (inside the
    caller's transaction)."""
    if kind in ("gpus", "gpu_models"):
        _rebuild_gpus(con)
    elif kind == "links":
        _rebuild_all(con, LINK_TABLES, "link_samples", refresh_links)
    elif kind == "meters":
        _rebuild_all(con, METER_TABLES, "meter_samples", refresh_meters)


def _rebuild_all(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...], samples: str,
                 refresh: Callable[[duckdb.DuckDBPyConnection, datetime, datetime], None]) -> None:
    """Empty ``tables`` and refresh them over every sample of ``samples``."""
    for table in tables:  # names from this module, not from input
        con.execute(f"DELETE FROM {table}")
    lo, hi = _span(con, samples)
    if lo is not None:
        refresh(con, lo, hi)


def config(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    return dict(con.execute("SELECT key, value FROM derived_config").fetchall())


def _span(con: duckdb.DuckDBPyConnection, table: str) -> tuple[datetime | None, datetime | None]:
    return con.execute(f"SELECT min(ts), max(ts) FROM {table}").fetchall()[0]


@contextmanager
def _rebuilding(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction for a rebuild (readers see the old tables until it commits); the session's
    note of derived_config follows what was committed."""
    con.begin()
    try:
        yield
        con.commit()
    except Exception:
        con.rollback()
        raise
    store.note_derived_state(con)


def rebuild(con: duckdb.DuckDBPyConnection, progress: Progress | None = None) -> None:
    """Rebuild every derived table from the raw samples, a day at a time (bounded memory), in one
    transaction: readers see the old tables until it commits."""
    with _rebuilding(con):
        _rebuild_gpus(con, progress)
        after_inventory_change(con, "links")
        after_inventory_change(con, "meters")
        con.execute("INSERT OR REPLACE INTO derived_config VALUES ('built', 1), ('links_built', 1), ('meters_built', 1)")


def _rebuild_gpus(con: duckdb.DuckDBPyConnection, progress: Progress | None = None) -> None:
    for t in GPU_TABLES:
        con.execute(f"DELETE FROM {t}")
    lo, hi = _span(con, "gpu_samples")
    if lo is None:
        return
    con.execute("CREATE OR REPLACE TEMP TABLE derive_gpus AS SELECT gpu_id FROM gpus")
    day = lo.replace(hour=0, minute=0, second=0, microsecond=0)
    while day <= hi:
        end = min(day + timedelta(days=1) - timedelta(microseconds=1), hi)
        if progress:
            progress(f"derived tables: GPUs, {day:%Y-%m-%d}")
        refresh_gpus(con, max(day, lo), end)
        day += timedelta(days=1)


def rebuild_links(con: duckdb.DuckDBPyConnection, saturation_pct: float | None = None) -> None:
    """Rebuild the link rollups (with a new saturation threshold, when given) in one transaction."""
    with _rebuilding(con):
        if saturation_pct is not None:
            con.execute("INSERT OR REPLACE INTO derived_config VALUES ('link_saturation_pct', ?)", [saturation_pct])
        after_inventory_change(con, "links")
        con.execute("INSERT OR REPLACE INTO derived_config VALUES ('links_built', 1)")


def rebuild_meters(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the meter rollups in one transaction (a store from before migration 014)."""
    with _rebuilding(con):
        after_inventory_change(con, "meters")
        con.execute("INSERT OR REPLACE INTO derived_config VALUES ('meters_built', 1)")


def ensure(con: duckdb.DuckDBPyConnection, idle_threshold: float, hot_temp_c: float,
           progress: Progress | None = None, link_saturation_pct: float | None = None) -> bool:
    """Derived tables built, with these rules; rebuilds when they were not. Returns whether it did."""
    try:
        return _ensure(con, idle_threshold, hot_temp_c, progress, link_saturation_pct)
    finally:
        store.note_derived_state(con)


def _ensure(con: duckdb.DuckDBPyConnection, idle_threshold: float, hot_temp_c: float,
            progress: Progress | None, link_saturation_pct: float | None) -> bool:
    cfg = config(con)
    links_stale = cfg.get("links_built") == 0 or (
        link_saturation_pct is not None and cfg.get("link_saturation_pct") != link_saturation_pct)
    stale = (cfg.get("built") != 1 or cfg.get("idle_threshold") != idle_threshold
             or cfg.get("hot_temp_c") != hot_temp_c)
    meters_stale = cfg.get("meters_built") == 0
    has_samples = con.execute("SELECT count(*) > 0 FROM (SELECT 1 FROM gpu_samples LIMIT 1)").fetchall()[0][0]
    if not stale:
        if links_stale:
            if progress:
                progress("derived tables: links")
            rebuild_links(con, link_saturation_pct)
        if meters_stale:
            if progress:
                progress("derived tables: meters")
            rebuild_meters(con)
        return links_stale or meters_stale
    con.execute("INSERT OR REPLACE INTO derived_config VALUES ('idle_threshold', ?), ('hot_temp_c', ?)",
                [idle_threshold, hot_temp_c])
    if link_saturation_pct is not None:
        con.execute("INSERT OR REPLACE INTO derived_config VALUES ('link_saturation_pct', ?)", [link_saturation_pct])
    if has_samples or cfg.get("built") == 1:
        rebuild(con, progress)
    else:
        con.execute("INSERT OR REPLACE INTO derived_config VALUES ('built', 1)")
        if links_stale:
            rebuild_links(con)
        if meters_stale:
            rebuild_meters(con)
    return True
