"""What every page shares: settings, the store, the time-range picker, figures with provenance.

Pages call ``run`` for figures (the one cached wrapper over ``figures.run``) and draw them with
``metric``, ``table`` and ``provenance``; labels and number formats come from each query's
declared columns through ``units``, never from the page.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterable, Iterator

import altair as alt
import duckdb
import pandas as pd
import streamlit as st

from . import figures, queries, units
from .config import QUERIES_DIR, Settings, load_settings
from .figures import Figure
from .pages import Page, page as page_of
from .store import DEFINITIONS_DIR, StoreBusy, connect

BUSY_WAIT_S = 20


# ---------------------------------------------------------------- settings and the current page

def settings_from_argv(argv: list[str]) -> Settings:
    """The settings for this server: configuration, then ``--db`` from ``aifd serve``."""
    s = load_settings()
    if "--db" in argv[:-1]:
        s = replace(s, db_path=Path(argv[argv.index("--db") + 1]), source=s.source + " + --db")
    return s


def configure(s: Settings) -> None:
    """Called by the entry point (app.py) on every run, before the page runs."""
    st.session_state["aifd_settings"] = s


def settings() -> Settings:
    """The settings the entry point configured; a page run on its own (tests) reads them itself."""
    s = st.session_state.get("aifd_settings")
    if s is None:
        s = settings_from_argv(sys.argv)
        configure(s)
    return s


def db_path() -> Path:
    return Path(settings().db_path)


def start(script: str) -> Page:
    """Mark the page this run draws (its declared figures are the ones ``run`` accepts)."""
    p = page_of(script)
    st.session_state["aifd_page"] = p.script
    return p


def _current_page() -> Page | None:
    name = st.session_state.get("aifd_page")
    return page_of(name) if name else None


# ---------------------------------------------------------------- the store and figures

def _fingerprint(path: Path) -> tuple[str, int, int]:
    """Changes whenever the database file does, so cached figures never outlive a load."""
    try:
        st_ = path.stat()
        wal = path.with_name(path.name + ".wal")
        wal_m = wal.stat().st_mtime_ns if wal.exists() else 0
        return str(path), st_.st_mtime_ns, st_.st_size + wal_m
    except FileNotFoundError:
        return str(path), 0, 0


def _sql_version(name: str) -> tuple[int, ...]:
    """Changes when the query or any definition it may use is edited."""
    files = [QUERIES_DIR / f"{name}.sql", *sorted(DEFINITIONS_DIR.glob("*.sql"))]
    return tuple(f.stat().st_mtime_ns for f in files)


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
def _run_cached(name: str, _settings: Settings, settings_key: tuple, params: tuple, fingerprint: tuple,
                sql_version: tuple) -> Figure:
    with db() as con:
        return figures.run(con, name, _settings, **dict(params))


def run(name: str, **params: Any) -> Figure:
    """A figure with the configured settings; cached until the store or the SQL changes."""
    page = _current_page()
    if page is not None and name not in page.all_figures:
        raise queries.QueryError(f"{page.script} draws {name} but pages.py does not declare it for that page")
    s = settings()
    return _run_cached(name, s, _settings_key(s), tuple(sorted(params.items())), _fingerprint(db_path()),
                       _sql_version(name))


def _settings_key(s: Settings) -> tuple:
    return tuple(sorted((k, str(v)) for k, v in figures.settings_params(s).items()))


@st.cache_data(show_spinner=False)
def _data_range(fingerprint: tuple) -> tuple[datetime, datetime]:
    with db() as con:
        return figures.data_range(con)


def require_data() -> None:
    if not db_path().exists():
        st.error(f"No database at `{db_path()}`. Load the sample with `aifd demo` or your files with "
                 "`aifd ingest PATH...`, then reload this page.")
        st.stop()


# ---------------------------------------------------------------- the range picker

PRESETS = {"Whole range": None, "Last 24 h": timedelta(hours=24), "Last 6 h": timedelta(hours=6),
           "Last 1 h": timedelta(hours=1)}


def time_range() -> tuple[datetime, datetime]:
    """The sidebar's range picker (shared by every page); [start, end) in UTC, on whole hours (the
    same samples as the stored range; figures then read only the hourly and 5-minute rollups)."""
    require_data()
    lo, hi = figures.whole_hours(*_data_range(_fingerprint(db_path())))
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


bucket_minutes = figures.bucket_minutes


# ---------------------------------------------------------------- drawing figures

def provenance(fig: Figure, note: str | None = None) -> None:
    """Under a figure: the query's name and range; the SQL and CLI command one click away."""
    st.caption(fig.provenance() + (f" · {note}" if note else ""))
    with st.expander(f"SQL · {fig.name}", expanded=False):
        st.caption(fig.query.title + ". Returns " + fig.query.returns)
        st.code(fig.query.sql, language="sql")
        uses = fig.query.meta.get("uses")  # header `-- uses: macro, ... (queries/definitions/...)`
        if uses and uses.endswith(".sql)"):
            path = QUERIES_DIR.parent / uses.rsplit("(", 1)[1][:-1]
            st.caption(f"Definitions used: {uses}")
            st.code(path.read_text(), language="sql")
        st.code(fig.cli(), language="bash")


def metric(col, fig: Figure, column: str, label: str | None = None, *, row: int = 0, help: str | None = None,
           delta: str | None = None, change: bool = False, digits: int = 3, decimals: int | None = None) -> None:
    """A headline number in its declared unit; its tooltip says what it is and which query made it.

    ``delta`` is a note under the number, drawn without an arrow unless ``change`` says it is a
    change against an earlier period (which the note then names).
    """
    c = fig.query.column(column)
    tile(col, label or c.label, fig.text(column, row, digits, decimals), fig, help=help or c.help, note=delta,
         change=change)


def tile(col, label: str, value: str, *figs: Figure, help: str = "", note: str | None = None,
         change: bool = False) -> None:
    """A headline tile whose value a page composed from figures (named in its tooltip)."""
    tip = help + "".join(f"\n\nFrom {f.provenance()}" for f in figs)
    col.metric(label, value, delta=note, help=tip.strip(), delta_color="normal" if change else "off",
               delta_arrow="auto" if change else "off")


def _column_config(c: queries.Column, symbol: str | None = None, width: str | None = None,
                   decimals: int | None = None):
    cc = st.column_config
    u = units.unit(c.unit)
    title = units.label(c.label, c.unit, symbol)
    if u.kind == "time":
        return cc.DatetimeColumn(title, format="YYYY-MM-DD HH:mm", help=c.help, width=width)
    if u.kind == "date":
        return cc.DateColumn(title, format="YYYY-MM-DD", help=c.help, width=width)
    if u.kind == "bool":
        return cc.CheckboxColumn(title, help=c.help, width=width)
    if u.kind == "text":
        return cc.TextColumn(title, help=c.help, width=width)
    if u.kind == "url":  # the link shows the site's host name; the full address on hover and click
        return cc.LinkColumn(title, help=c.help, width=width, display_text=r"https?://(?:www\.)?([^/?#]+)")
    if u.kind in ("ratio", "percent"):  # a ratio arrives here already multiplied by 100
        return cc.NumberColumn(title, format=f"%.{1 if decimals is None else decimals}f", help=c.help, width=width)
    if u.kind == "count":
        return cc.NumberColumn(title, format="%,d" if not u.scale else "%,.1f", help=c.help, width=width)
    return cc.NumberColumn(title, format=f"%,.{u.decimals if decimals is None else decimals}f",
                           help=c.help, width=width)


def table(fig: Figure, columns: Iterable[str] | None = None, *, height: int | None = None,
          widths: dict[str, str] | None = None, total: int | None = None, noun: str = "rows",
          keep_unit: Iterable[str] = ()) -> None:
    """A figure as a table: the declared columns (or those named, in that order), each labelled and
    formatted by its unit; large values rescaled per column (TFLOPS → PFLOPS, kW → MW) except the
    columns in ``keep_unit`` (per-GPU figures read best in their own unit).

    ``total``: how many rows exist when the query returned only the first ones; the table then says
    "first N of M".
    """
    names = list(columns) if columns is not None else [c.name for c in fig.columns]
    frame = fig.frame[names].copy()
    config = {}
    for name in names:
        c = fig.query.column(name)
        u = units.unit(c.unit)
        symbol = decimals = None
        if u.kind in ("ratio", "percent") and len(frame):
            if u.kind == "ratio":  # shown like a percent column: "49.0" under "(%)", not "49.04%"
                frame[name] = frame[name] * 100
            decimals = max(1, units.decimals_for(frame[name]))  # 0.69 stays 0.69, not 0.7
        elif u.scale and u.kind != "count" and len(frame) and name not in set(keep_unit):
            factor, symbol = units.column_scale(frame[name], c.unit)
            frame[name] = frame[name] / factor
            decimals = units.decimals_for(frame[name])
        config[name] = _column_config(c, symbol, (widths or {}).get(name), decimals)
    if total is not None and total > len(frame):
        limit = fig.params.get("limit")
        how = (f"`{fig.cli().replace(f'-p limit={limit}', f'-p limit={total}')}`" if limit is not None
               else f"`{fig.cli()}`")
        st.caption(f"First {len(frame):,} of {total:,} {noun}, worst first; {how} lists them all.")
    st.dataframe(frame, hide_index=True, width="stretch", height=height or "auto", column_config=config,
                 column_order=names, placeholder="—")


def fmt(value: Any, unit: str, digits: int = 3) -> str:
    return units.fmt(value, unit, digits)


def pct(ratio: float | None, decimals: int = 1) -> str:
    """A ratio as a percentage ("no data" where there is no value)."""
    if units.missing(ratio):
        return units.NO_DATA
    return f"{ratio * 100:,.{decimals}f} %"


# Vega-Lite reads a naive timestamp as the browser's local time; ours are UTC, so charts mark
# them as UTC and draw them on a UTC scale, whatever the viewer's time zone.
UTC = alt.Scale(type="utc")


def utc(frame: pd.DataFrame, *cols: str) -> pd.DataFrame:
    """A copy with naive UTC timestamp columns marked as UTC (formatting only)."""
    out = frame.copy()
    for c in cols:
        out[c] = pd.to_datetime(out[c]).dt.tz_localize("UTC")
    return out


# Axis labels for data in TFLOPS, written in PF or EF with thousands separators (formatting only).
FLOPS_LABELS = ("datum.value == 0 ? '0' : datum.value >= 1e6 ? format(datum.value / 1e6, ',~g') + ' EF' "
                ": datum.value >= 1e3 ? format(datum.value / 1e3, ',~g') + ' PF' "
                ": format(datum.value, ',~g') + ' TF'")


def time_x(col: str = "bucket", title: str = "time (UTC)") -> alt.X:
    return alt.X(f"{col}:T", title=title, scale=UTC,
                 axis=alt.Axis(format="%d %b %H:%M", labelAngle=0, labelOverlap="greedy", labelSeparation=12))


def time_tip(col: str = "bucket", title: str = "bucket start (UTC)") -> alt.Tooltip:
    return alt.Tooltip(f"{col}:T", title=title, format="%Y-%m-%d %H:%M", formatType="utc")


def axis_title(fig: Figure, column: str) -> str:
    c = fig.query.column(column)
    return units.label(c.label, c.unit)


def page_header(title: str, subtitle: str) -> None:
    st.title(title)
    st.caption(subtitle)
