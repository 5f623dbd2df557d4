"""What every page shares: the store connection, the time-range picker, figures with provenance.

Pages call ``figure_query`` (or ``run``) for frames and draw them; the numbers come from named
queries in ``queries/`` and each figure shows the query's name, data range and SQL.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterator

import altair as alt
import duckdb
import pandas as pd
import streamlit as st

from . import queries
from .config import Settings, load_settings
from .metrics.common import data_range, settings_params
from .store import StoreBusy, connect


def settings() -> Settings:
    return load_settings()


def db_path() -> Path:
    return Path(os.environ.get("AIFD_DB") or settings().db_path)


def _fingerprint(path: Path) -> tuple[str, int, int]:
    """Changes whenever the database file does, so cached figures never outlive a load."""
    try:
        st_ = path.stat()
        wal = path.with_name(path.name + ".wal")
        wal_m = wal.stat().st_mtime_ns if wal.exists() else 0
        return str(path), st_.st_mtime_ns, st_.st_size + wal_m
    except FileNotFoundError:
        return str(path), 0, 0


BUSY_WAIT_S = 20


@contextmanager
def db() -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-only connection: the store is locked only while a figure is read.

    While `aifd ingest` writes, DuckDB lets no other process read: wait for the load a little,
    then say so on the page instead of failing.
    """
    try:
        con = connect(db_path(), read_only=True, wait_s=BUSY_WAIT_S)
    except StoreBusy as e:
        st.warning(f"The store is busy: {e}. Reload the page when the load has finished.")
        st.stop()
    try:
        yield con
    finally:
        con.close()


@st.cache_data(show_spinner=False, max_entries=512)
def _run_cached(name: str, params: tuple, fingerprint: tuple, sql_mtime: int) -> queries.Result:
    with db() as con:
        return queries.run(con, name, **dict(params))


def run(name: str, **params: Any) -> queries.Result:
    """Run a named query with the configured settings as defaults for its parameters."""
    merged = {**settings_params(settings()), **params}
    q = queries.load(name)
    wanted = tuple(sorted((k, v) for k, v in merged.items() if any(p.name == k for p in q.params)))
    return _run_cached(name, wanted, _fingerprint(db_path()), q.path.stat().st_mtime_ns)


@st.cache_data(show_spinner=False)
def _data_range(fingerprint: tuple) -> tuple[datetime, datetime]:
    with db() as con:
        return data_range(con)


def require_data() -> None:
    if not db_path().exists():
        st.error(f"No database at `{db_path()}`. Load the sample with `aifd demo` or your files with "
                 "`aifd ingest PATH...`, then reload this page.")
        st.stop()


PRESETS = {"Whole range": None, "Last 24 h": timedelta(hours=24), "Last 6 h": timedelta(hours=6),
           "Last 1 h": timedelta(hours=1)}


def time_range() -> tuple[datetime, datetime]:
    """The sidebar's range picker (shared by every page); [start, end) in UTC."""
    require_data()
    lo, hi = _data_range(_fingerprint(db_path()))
    with st.sidebar:
        st.markdown("**Time range (UTC)**")
        preset = st.radio("Range", [*PRESETS, "Custom"], key="range_preset", label_visibility="collapsed")
        if preset == "Custom":
            days = st.date_input("Days", value=(lo.date(), (hi - timedelta(seconds=1)).date()),
                                 min_value=lo.date(), max_value=hi.date(), key="range_days")
            if isinstance(days, (tuple, list)) and len(days) == 2:
                start = datetime.combine(days[0], datetime.min.time())
                end = datetime.combine(days[1], datetime.min.time()) + timedelta(days=1)
            else:
                start, end = lo, hi
            start, end = max(start, lo), min(end, hi)
        elif PRESETS[preset] is None:
            start, end = lo, hi
        else:
            start, end = max(lo, hi - PRESETS[preset]), hi
        st.caption(f"{start:%Y-%m-%d %H:%M} → {end:%Y-%m-%d %H:%M} UTC  \nstored data: "
                   f"{lo:%Y-%m-%d %H:%M} → {hi:%Y-%m-%d %H:%M}")
    return start, end


def bucket_minutes(start: datetime, end: datetime, points: int = 200) -> int:
    """A bucket width giving about `points` buckets, rounded to a tidy number of minutes."""
    minutes = max(1, (end - start).total_seconds() / 60 / points)
    for tidy in (1, 5, 10, 15, 30, 60, 120, 360, 720, 1440):
        if minutes <= tidy:
            return tidy
    return 1440


def provenance(result: queries.Result, note: str | None = None) -> None:
    """Under a figure: the query's name and range; the SQL and CLI command one click away."""
    st.caption(result.provenance() + (f" · {note}" if note else ""))
    with st.expander(f"SQL · {result.name}", expanded=False):
        st.caption(result.query.returns)
        st.code(result.query.sql, language="sql")
        uses = result.query.meta.get("uses")  # header `-- uses: macro, ... (path/of/migration.sql)`
        if uses and uses.endswith(".sql)"):
            from .config import REPO_ROOT

            st.caption(f"Macros used: {uses}")
            st.code((REPO_ROOT / uses.rsplit("(", 1)[1][:-1]).read_text(), language="sql")
        st.code(result.cli(), language="bash")


def metric(col, label: str, value: str, result: queries.Result, help: str | None = None,
           delta: str | None = None) -> None:
    """A headline number whose tooltip names the query that made it."""
    tip = (help + "\n\n" if help else "") + f"From {result.provenance()}"
    col.metric(label, value, delta=delta, help=tip, delta_color="off")


def fmt_flops(tflops: float | None) -> str:
    """TFLOPS in the largest SI unit that keeps the number readable."""
    if tflops is None or pd.isna(tflops):
        return "n/a"
    for unit, scale in (("EFLOPS", 1e6), ("PFLOPS", 1e3), ("TFLOPS", 1.0)):
        if abs(tflops) >= scale:
            return f"{tflops / scale:,.3g} {unit}"
    return f"{tflops:,.3g} TFLOPS"


def pct(ratio: float | None, decimals: int = 1) -> str:
    """A ratio as a percentage; n/a where there is no value."""
    if ratio is None or pd.isna(ratio):
        return "n/a"
    return f"{ratio * 100:.{decimals}f} %"


def fmt(value: float | None, unit: str = "", digits: int = 3) -> str:
    if value is None or pd.isna(value):
        return "n/a"
    return f"{value:,.{digits}g}{' ' + unit if unit else ''}"


# Vega-Lite reads a naive timestamp as the browser's local time; ours are UTC, so charts mark
# them as UTC and draw them on a UTC scale, whatever the viewer's time zone.
UTC = alt.Scale(type="utc")


def utc(frame: pd.DataFrame, *cols: str) -> pd.DataFrame:
    """A copy with naive UTC timestamp columns marked as UTC (formatting only)."""
    out = frame.copy()
    for c in cols:
        out[c] = pd.to_datetime(out[c]).dt.tz_localize("UTC")
    return out


def time_x(col: str = "bucket", title: str = "time (UTC)") -> alt.X:
    return alt.X(f"{col}:T", title=title, scale=UTC,
                 axis=alt.Axis(format="%d %b %H:%M", labelAngle=0, labelOverlap="greedy", labelSeparation=12))


def time_tip(col: str = "bucket", title: str = "bucket start (UTC)") -> alt.Tooltip:
    return alt.Tooltip(f"{col}:T", title=title, format="%Y-%m-%d %H:%M", formatType="utc")


def page_header(title: str, subtitle: str) -> None:
    st.title(title)
    st.caption(subtitle)
