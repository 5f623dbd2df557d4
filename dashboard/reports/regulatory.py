"""The EU / German regulatory sheet: every indicator EnEfG Anlage 3 and Delegated Regulation (EU)
2024/1364 ask of an operator, with its legal reference, definition and the figure behind it.

The indicators and the figure that supplies each come from ``queries/reference/eed_indicators.csv``
(figure query ``reg_indicators``); values come from those figures, run over the report's period
through the figure core. An indicator without a figure is listed as missing, never left out.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

import pandas as pd

from .. import units
from ..figures import Figure
from ..queries import Column, Query, QueryError

Run = Callable[..., Figure]

MISSING = "missing: the product has no data for it"
NO_DATA = "no data in the period"
REPORTED = "from the figure"

# Units whose values add up over a figure's rows (links, meters): a per-link figure gives the
# site's value as the sum over its rows. Other units cannot be summed and are refused.
ADDITIVE = {"kWh", "TB", "Gbit/s", "count", "B", "kW", "W"}

COLUMNS: tuple[Column, ...] = (
    Column("indicator_id", "text", "indicator", "id in queries/reference/eed_indicators.csv"),
    Column("legal_reference", "text", "legal reference", "annex and point"),
    Column("name", "text", "name", ""),
    Column("status", "text", "status", f"{REPORTED}; {NO_DATA}; {MISSING}"),
    Column("value", "1", "value", "in the unit of the next column, over the report's period"),
    Column("value_unit", "text", "unit", "the law's unit where the figure's converts to it, else the figure's"),
    Column("period", "text", "period asked", "what the law asks for: previous calendar year, or as of the report"),
    Column("figure", "text", "figure", "query.column that supplies the value"),
    Column("basis", "text", "basis", "the figure's range and, for a per-row figure, over what it was summed"),
    Column("definition", "text", "definition", ""),
    Column("symbol", "text", "symbol", ""),
    Column("confidence", "text", "confidence", "how the indicator row was checked (docs/reference_data.md)"),
    Column("source", "text", "source", "URL of the legal text"),
    Column("note", "text", "note", ""),
)


def convert(value: float, figure_unit: str, law_unit: str) -> tuple[float, str]:
    """The figure's value in the law's unit where one converts into the other, else as it is."""
    if law_unit == "%" and figure_unit == "ratio":
        return value * 100, "%"
    if law_unit == figure_unit:
        return value, law_unit
    if law_unit == "ratio" and figure_unit in ("1", "ratio"):  # both dimensionless (PUE, ERF as 0..1)
        return value, "ratio"
    return value, figure_unit


def _figure_value(fig: Figure, column: str) -> tuple[Any, str]:
    """One value of the figure: its only row, or the sum over its rows for additive units."""
    col = fig.query.column(column)
    frame = fig.frame
    if len(frame) <= 1:
        return fig.value(column), ""
    if col.unit not in ADDITIVE:
        raise QueryError(f"{fig.name}.{column} ({col.unit}) has {len(frame)} rows and its unit does not add up; "
                         "name a one-row figure in eed_indicators.csv")
    values = frame[column].dropna()
    total = float(values.sum()) if len(values) else None
    return total, f"sum over {len(values)} of {len(frame)} rows"


def sheet(run: Run, start: datetime, end: datetime) -> tuple[pd.DataFrame, list[Figure]]:
    """The sheet for [start, end) and the figures it was made from (the indicator list first)."""
    indicators = run("reg_indicators")
    needed = sorted({f.split(".", 1)[0] for f in indicators.frame["figure"].dropna()})
    figs: dict[str, Figure] = {}
    for name in needed:
        figs[name] = run(name, start=start, end=end)
    rows = []
    for r in indicators.frame.to_dict("records"):
        ref = r["figure"] if isinstance(r["figure"], str) and r["figure"] else None
        value: Any = None
        value_unit = r["unit"]
        basis = ""
        if ref is None:
            status = MISSING
        else:
            qname, _, column = ref.partition(".")
            fig = figs[qname]
            raw, how = _figure_value(fig, column)
            rng = fig.data_range
            basis = "; ".join(x for x in (
                f"{rng[0]:%Y-%m-%d %H:%M} → {rng[1]:%Y-%m-%d %H:%M} UTC" if rng else "", how) if x)
            if raw is None:
                status = NO_DATA
            else:
                value, value_unit = convert(float(raw), fig.query.column(column).unit, r["unit"])
                status = REPORTED
        rows.append({
            "indicator_id": r["indicator_id"], "legal_reference": r["legal_reference"], "name": r["name"],
            "status": status, "value": value, "value_unit": value_unit, "period": r["period"], "figure": ref,
            "basis": basis or None, "definition": r["definition"], "symbol": r["symbol"],
            "confidence": r["confidence"], "source": r["source"], "note": r["note"],
        })
    frame = pd.DataFrame(rows, columns=[c.name for c in COLUMNS])
    return frame, [indicators, *figs.values()]


def query(indicators: Query) -> Query:
    """A declaration for the sheet (it is made from several figures, so it has no SQL of its own)."""
    return Query("regulatory_indicators", indicators.path, indicators.sql,
                 "EU / German reporting indicators with their values for the period",
                 "one row per indicator: " + indicators.returns, indicators.params, COLUMNS,
                 {"made_from": "reg_indicators and the figures named in its figure column"})


def value_text(value: Any, unit: str) -> str:
    """The value as text in its unit (``1.23 MWh``; ``42.0 %``); units the registry lacks are appended."""
    if units.missing(value):
        return units.NO_DATA
    if unit in units.UNITS and unit not in ("ratio", "1"):
        return units.fmt(value, unit)
    if unit == "%":
        return f"{value:,.1f} %"
    return f"{units.fmt(value, '1')} {'' if unit in ('ratio', '1') else unit}".strip()
