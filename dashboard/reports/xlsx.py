"""``report.xlsx``: an ``about`` sheet (period, site, software, settings, every figure with its
parameters and hashes, every column with its unit, the ingest loads), then one sheet per figure.

Numbers are written as numbers with a format from their declared unit (ratios as percentages,
counts with thousands separators, times as Excel dates); text goes through ``safe.neutralise`` and
is written as a string, never as a formula. The workbook's creation time is the period's end and
its zip members carry XlsxWriter's fixed 1980 date, so the same report gives the same bytes.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import xlsxwriter

from .. import figures, units
from ..queries import Column
from . import data
from .safe import neutralise

MAX_ROWS = 1_048_575  # Excel's limit less the header row
ABOUT = "about"


def number_format(c: Column) -> str | None:
    u = units.unit(c.unit)
    if u.kind == "ratio":
        return "0.0%"
    if u.kind == "percent":
        return "0.0"
    if u.kind == "count":
        return "#,##0"
    if u.kind == "time":
        return "yyyy-mm-dd hh:mm:ss"
    if u.kind == "date":
        return "yyyy-mm-dd"
    if u.kind == "number":
        return "#,##0" + ("." + "0" * u.decimals if u.decimals else "")
    return None


def header(c: Column) -> str:
    u = units.unit(c.unit)
    if u.kind == "number" and u.scale:  # the sheet holds the declared unit, never rescaled values
        return units.label(c.label, c.unit, u.symbol)
    return units.label(c.label, c.unit)


def sheet_names(keys: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    used = {ABOUT}
    for k in keys:
        name = k[:31]
        n = 2
        while name in used:
            suffix = f"~{n}"
            name = k[:31 - len(suffix)] + suffix
            n += 1
        used.add(name)
        out[k] = name
    return out


class _Writer:
    def __init__(self, wb: xlsxwriter.Workbook):
        self.wb = wb
        self.formats: dict[str, Any] = {}
        self.bold = wb.add_format({"bold": True})
        self.head = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})

    def fmt(self, spec: str | None):
        if spec is None:
            return None
        if spec not in self.formats:
            self.formats[spec] = self.wb.add_format({"num_format": spec})
        return self.formats[spec]

    def cell(self, ws, r: int, col: int, value: Any, c: Column | None, fmt=None) -> None:
        kind = units.unit(c.unit).kind if c else None
        if data._na(value):
            ws.write_blank(r, col, None, fmt)
        elif kind == "bool" or isinstance(value, bool):
            ws.write_boolean(r, col, bool(value), fmt)
        elif kind in ("time", "date"):
            ws.write_datetime(r, col, value, fmt)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            ws.write_number(r, col, float(value), fmt)
        elif hasattr(value, "item"):  # numpy scalar
            ws.write_number(r, col, float(value.item()), fmt)
        else:
            ws.write_string(r, col, str(neutralise(str(value))), fmt)

    def table(self, ws, row: int, columns: tuple[Column, ...], frame, headers: list[str] | None = None) -> int:
        """Header and rows from ``row``; returns the next free row."""
        heads = headers or [header(c) for c in columns]
        for j, h in enumerate(heads):
            ws.write_string(row, j, h, self.head)
        formats = [self.fmt(number_format(c)) for c in columns]
        for i, rec in enumerate(frame.itertuples(index=False, name=None)):
            for j, (c, v) in enumerate(zip(columns, rec)):
                self.cell(ws, row + 1 + i, j, v, c, formats[j])
        return row + 1 + len(frame)


def _widths(ws, columns: tuple[Column, ...], frame, heads: list[str]) -> None:
    for j, c in enumerate(columns):
        kind = units.unit(c.unit).kind
        sample = [str(v) for v in frame[c.name].head(200).tolist() if not data._na(v)] if len(frame) else []
        longest = max([len(s) for s in sample] + [10])
        if kind == "time":
            longest = 19
        width = min(max(len(heads[j]) * 0.6, longest + 2, 8), 60)
        ws.set_column(j, j, width)


def _text(c: str, label: str | None = None) -> Column:
    return Column(c, "text", label or c, "")


def write(report, path: Path) -> None:
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False})
    wb.set_properties({
        "title": "AI factory audit report",
        "subject": f"{report.start:%Y-%m-%d %H:%M} to {report.end:%Y-%m-%d %H:%M} UTC",
        "author": "aifd " + report.software.get("aifd", ""),
        "company": report.settings.site,
        "comments": "made by aifd report; see manifest.json for the SHA-256 of this file",
        "created": report.end,  # fixed by the period, so the same report gives the same bytes
    })
    w = _Writer(wb)
    names = sheet_names([e.key for e in report.entries])
    about = wb.add_worksheet(ABOUT)
    for e in report.entries:
        ws = wb.add_worksheet(names[e.key])
        frame = e.frame.head(MAX_ROWS)
        heads = [header(c) for c in e.columns]
        w.table(ws, 0, e.columns, frame, heads)
        ws.freeze_panes(1, 0)
        if e.columns:
            ws.autofilter(0, 0, max(len(frame), 1), len(e.columns) - 1)
        _widths(ws, e.columns, frame, heads)
    _about(w, about, report, names)
    wb.close()


def _about(w: _Writer, ws, report, names: dict[str, str]) -> None:
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 34)
    ws.set_column(2, 9, 22)
    ws.write_string(0, 0, "AI factory audit report", w.title)
    s = report.settings
    rows = [
        ("site", report.settings.site or "not configured ([site] name in aifd.toml)"),
        ("period (UTC)", f"{report.start:%Y-%m-%d %H:%M} → {report.end:%Y-%m-%d %H:%M} (end exclusive)"),
        ("stored data (UTC)", f"{report.stored[0]:%Y-%m-%d %H:%M} → {report.stored[1]:%Y-%m-%d %H:%M}"),
        ("sections", ", ".join(report.sections)),
        ("target", f"{s.target.exaflops:g} EF at {s.target.precision.upper()} "
                   f"{'sparse' if s.target.sparse else 'dense'} ({s.target.basis})"),
        ("settings from", s.source),
        *[(f"software: {k}", v) for k, v in report.software.items()],
        ("file hashes", "manifest.json lists every file of the report with its SHA-256; "
                        "`aifd report verify FOLDER` checks them and re-runs the figures"),
    ]
    r = 2
    for k, v in rows:
        ws.write_string(r, 0, k, w.bold)
        ws.write_string(r, 1, str(neutralise(v)))
        r += 1
    r += 1
    ws.write_string(r, 0, "Figures", w.title)
    r += 1
    cols = tuple(_text(c) for c in ("sheet", "figure", "section", "title", "rows", "data from", "data to",
                                    "tables read", "parameters", "note"))
    import pandas as pd

    recs = []
    for e in report.entries:
        rng = e.data_range
        read = e.tables_read()
        recs.append({"sheet": names[e.key], "figure": e.query.name, "section": e.section, "title": e.title,
                     "rows": len(e.frame), "data from": rng[0] if rng else None, "data to": rng[1] if rng else None,
                     "tables read": figures.read_text(read).removeprefix("read ") if read else "",
                     "parameters": json.dumps(e.params(), default=str, ensure_ascii=False), "note": e.note})
    frame = pd.DataFrame(recs, columns=[c.name for c in cols])
    typed = (cols[0], cols[1], cols[2], cols[3], Column("rows", "count", "rows", ""),
             Column("data from", "UTC", "data from", ""), Column("data to", "UTC", "data to", ""), *cols[7:])
    r = w.table(ws, r, typed, frame, [c.name for c in cols]) + 1
    ws.write_string(r, 0, "Columns", w.title)
    r += 1
    recs = [{"sheet": names[e.key], "column": c.name, "unit": c.unit, "label": c.label, "meaning": c.doc}
            for e in report.entries for c in e.columns]
    cols = tuple(_text(c) for c in ("sheet", "column", "unit", "label", "meaning"))
    r = w.table(ws, r, cols, pd.DataFrame(recs, columns=[c.name for c in cols]), [c.name for c in cols]) + 1
    ws.write_string(r, 0, "Ingest loads the figures come from", w.title)
    r += 1
    loads = report.loads
    w.table(ws, r, loads.columns, data.canonical(loads.frame, loads.columns))
