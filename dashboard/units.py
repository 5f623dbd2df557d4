"""The format registry: how a value of each declared unit is labelled and written.

Every figure query declares its columns with a unit (``-- column: name UNIT: label — meaning``);
pages, the CLI and exports format numbers through this module only, so one unit is written one
way everywhere. No Streamlit here: ``ui`` turns these specs into column configs.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Unit:
    code: str            # as written in query headers
    kind: str            # number | count | ratio | percent | time | date | text | url | bool
    symbol: str = ""     # shown after numbers and in column labels ("" for none)
    decimals: int = 1
    # A family of units the value may be rescaled into for display: (symbol, factor to the base).
    scale: tuple[tuple[str, float], ...] = ()


_FLOPS = (("EFLOPS", 1e6), ("PFLOPS", 1e3), ("TFLOPS", 1.0))
_WATT = (("GW", 1e9), ("MW", 1e6), ("kW", 1e3), ("W", 1.0))
_WATT_HOUR = (("GWh", 1e9), ("MWh", 1e6), ("kWh", 1e3), ("Wh", 1.0))
_EUR = (("€ bn", 1e9), ("€ M", 1e6), ("€", 1.0))
_BYTES = (("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("B", 1.0))

UNITS: dict[str, Unit] = {u.code: u for u in (
    Unit("%", "percent", "%", 1),
    Unit("ratio", "ratio", "%", 1),           # stored 0..1, shown as a percentage
    Unit("pp", "number", "pp", 2),            # percentage points
    Unit("1", "number", "", 3),               # dimensionless (PUE, SEAL level, factors)
    Unit("count", "count"),
    Unit("TFLOPS", "number", "TFLOPS", 3, _FLOPS),
    Unit("GFLOPS/W", "number", "GFLOPS/W", 3),
    Unit("W", "number", "W", 0, _WATT),
    Unit("kW", "number", "kW", 1, tuple((s, f / 1e3) for s, f in _WATT)),
    Unit("kWh", "number", "kWh", 1, tuple((s, f / 1e3) for s, f in _WATT_HOUR)),
    Unit("EUR", "number", "€", 0, _EUR),
    Unit("EUR/yr", "number", "€/yr", 0, tuple((s + "/yr", f) for s, f in _EUR)),
    Unit("pp/MEUR", "number", "pp per € M", 2),
    Unit("EUR/PFLOPS", "number", "€/PFLOPS", 0, tuple((s + "/PFLOPS", f) for s, f in _EUR)),
    Unit("degC", "number", "°C", 0),
    Unit("MHz", "number", "MHz", 0),
    Unit("GB", "number", "GB", 0),
    Unit("Gbit/s", "number", "Gbit/s", 1),
    Unit("TB", "number", "TB", 2, tuple((s, f / 1e12) for s, f in _BYTES)),
    Unit("B", "count", "B", 0, _BYTES),
    Unit("kgCO2", "number", "kg CO₂", 0, (("kt CO₂", 1e6), ("t CO₂", 1e3), ("kg CO₂", 1.0))),
    Unit("kgCO2/kWh", "number", "kg CO₂/kWh", 3),
    Unit("gCO2/kWh", "number", "g CO₂/kWh", 0),
    Unit("L", "number", "L", 0, (("ML", 1e6), ("m³", 1e3), ("L", 1.0))),
    Unit("L/kWh", "number", "L/kWh", 3),
    Unit("EFh", "number", "EF·h", 3),
    Unit("kWh/EFh", "number", "kWh/EF·h", 1, (("GWh/EF·h", 1e6), ("MWh/EF·h", 1e3), ("kWh/EF·h", 1.0))),
    Unit("min", "number", "min", 0),
    Unit("s", "number", "s", 1),
    Unit("h", "number", "h", 1),
    Unit("ms", "number", "ms", 0),
    Unit("UTC", "time"),
    Unit("date", "date"),
    Unit("text", "text"),
    Unit("url", "url"),                       # a web address: a link on pages, text elsewhere
    Unit("bool", "bool"),
)}


class UnitError(ValueError):
    pass


def unit(code: str) -> Unit:
    try:
        return UNITS[code]
    except KeyError:
        raise UnitError(f"unknown unit {code!r}; known: {', '.join(UNITS)}") from None


def missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))
    except (TypeError, ValueError):
        return False


NO_DATA = "no data"


def scaled(value: float, u: Unit) -> tuple[float, str]:
    """The value in the largest unit of its family that keeps it at or above 1."""
    for symbol, factor in u.scale:
        if abs(value) >= factor:
            return value / factor, symbol
    if u.scale:
        symbol, factor = u.scale[-1]
        return value / factor, symbol
    return value, u.symbol


def fmt(value: Any, code: str, digits: int = 3, decimals: int | None = None) -> str:
    """A value as text with its unit: ``1.86 EFLOPS``, ``27.0 %``, ``1,024``, ``no data``.

    ``digits``: significant figures of scaled numbers; ``decimals``: of percentages.
    """
    u = unit(code)
    if missing(value):
        return NO_DATA
    if u.kind in ("text", "url"):
        return str(value)
    if u.kind == "bool":
        return "yes" if value else "no"
    if u.kind == "time":
        return f"{value:%Y-%m-%d %H:%M} UTC"
    if u.kind == "date":
        return f"{value:%Y-%m-%d}"
    if u.kind == "count":
        if u.scale:
            v, sym = scaled(float(value), u)
            return f"{v:,.{digits}g} {sym}"
        return f"{int(value):,}"
    places = u.decimals if decimals is None else decimals
    if u.kind == "ratio":
        return f"{float(value) * 100:,.{places}f} %"
    if u.kind == "percent":
        return f"{float(value):,.{places}f} %"
    v, sym = scaled(float(value), u) if u.scale else (float(value), u.symbol)
    text = _significant(v, digits)
    return f"{text} {sym}".rstrip()


def _significant(v: float, digits: int) -> str:
    """``digits`` significant figures, but never scientific notation and never a lost integer part."""
    if v == 0:
        return "0"
    magnitude = int(math.floor(math.log10(abs(v)))) + 1
    decimals = max(0, digits - magnitude)
    return f"{v:,.{decimals}f}"


def label(text: str, code: str, symbol: str | None = None) -> str:
    """A column label with its unit: ``delivered, est. (PFLOPS)``; counts and text carry none."""
    u = unit(code)
    sym = symbol if symbol is not None else u.symbol
    if u.kind in ("ratio", "percent"):
        sym = "%"
    if u.kind in ("count", "text", "url", "bool", "date") and symbol is None:
        sym = ""
    if u.kind == "time":
        sym = "UTC"
    return f"{text} ({sym})" if sym else text


def column_scale(values, code: str) -> tuple[float, str]:
    """For a whole column: (divisor, symbol) so that its largest value reads well."""
    u = unit(code)
    if not u.scale:
        return 1.0, u.symbol
    finite = [abs(float(v)) for v in values if not missing(v)]
    if not finite:
        return 1.0, u.symbol
    _, symbol = scaled(max(finite), u)
    factor = dict(u.scale)[symbol]
    return factor, symbol


def decimals_for(values) -> int:
    """Decimals that give the largest value of a column about three significant figures."""
    finite = [abs(float(v)) for v in values if not missing(v)]
    top = max(finite, default=0.0)
    return 2 if top < 10 else 1 if top < 100 else 0
