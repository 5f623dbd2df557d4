"""``report.pdf``: a readable report for a period, laid out by ReportLab on A4 landscape.

Title page (period, site, generation time, software); the target, claim check, energy ratios and
sovereignty scores on one page; then each section's figures, each with its provenance line, its
charts (the pages' Altair charts rendered by vl-convert) and its table (labels and units from the
declared columns, wide tables split into column groups that repeat the first column, long tables
cut to their first rows with a pointer to the CSV); the regulatory sheet; an appendix with every
figure's query, SQL text, parameters and data range, the definitions, and the ingest loads.
"""
from __future__ import annotations

import io
import json
import math
import os
from pathlib import Path
from typing import Any, Callable
from xml.sax.saxutils import escape

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (CondPageBreak, Image, KeepTogether, PageBreak, Paragraph, Preformatted,
                                SimpleDocTemplate, Spacer, Table, TableStyle)

from .. import figures, units
from ..queries import Column
from ..store import DEFINITIONS_DIR
from . import charts, data, regulatory

PAGE = landscape(A4)
MARGIN = 14 * mm
WIDTH = PAGE[0] - 2 * MARGIN
MAX_ROWS = 40            # rows of a table printed; all rows are in the CSV, Parquet and XLSX files
MAX_CELL = 400           # characters of a text cell printed
TEXT_COL_MAX = 190       # pt: text columns wrap at this width
TABLE_FONT = 6.6

# ------------------------------------------------------------------------------------- fonts

_DEJAVU = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts/dejavu")
_FACES = {"Body": "DejaVuSans.ttf", "Bold": "DejaVuSans-Bold.ttf", "Cond": "DejaVuSansCondensed.ttf",
          "CondBold": "DejaVuSansCondensed-Bold.ttf", "Mono": "DejaVuSansMono.ttf"}
# Where DejaVu (Debian's fonts-dejavu-core) is missing, ReportLab's own Vera is used; it lacks
# arrows and mathematical signs, which are then written out.
_PLAIN = {"→": "->", "←": "<-", "≥": ">=", "≤": "<=", "≠": "!=", "Σ": "sum ", "∧": " and ", "∨": " or ",
          "¬": "not ", "·": "*", "×": "x", "−": "-", "…": "...", "▼": "v", "≈": "~", "⁶": "^6", "₂": "2"}
_fonts: dict[str, Any] = {}


def _register() -> dict[str, Any]:
    if _fonts:
        return _fonts
    folder = next((d for d in _DEJAVU if all(os.path.isfile(os.path.join(d, f)) for f in _FACES.values())), None)
    if folder:
        for name, f in _FACES.items():
            font = TTFont(f"aifd-{name}", os.path.join(folder, f))
            pdfmetrics.registerFont(font)
            _fonts[name] = font
    else:
        import reportlab

        base = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
        for name, f in {"Body": "Vera.ttf", "Bold": "VeraBd.ttf", "Cond": "Vera.ttf", "CondBold": "VeraBd.ttf",
                        "Mono": "Vera.ttf"}.items():
            font = TTFont(f"aifd-{name}", os.path.join(base, f))
            pdfmetrics.registerFont(font)
            _fonts[name] = font
    return _fonts


def _safe(text: str, face: str = "Body") -> str:
    """Text the font can draw: characters it lacks are written out (or replaced by '?')."""
    glyphs = _register()[face].face.charToGlyph
    if all(ord(ch) in glyphs or ch in "\n\t" for ch in text):
        return text
    out = []
    for ch in text:
        if ord(ch) in glyphs or ch in "\n\t":
            out.append(ch)
        else:
            out.append(_PLAIN.get(ch, "?"))
    return "".join(out)


def _p(text: str, style: ParagraphStyle, markup: bool = False) -> Paragraph:
    """A paragraph of plain text (escaped) or of our own markup (``markup=True``)."""
    face = "Bold" if style.fontName.endswith("Bold") else "Body"
    return Paragraph(_safe(text, face) if markup else escape(_safe(text, face)), style)


class Styles:
    def __init__(self) -> None:
        _register()
        self.title = ParagraphStyle("title", fontName="aifd-Bold", fontSize=24, leading=30, spaceAfter=12)
        self.h1 = ParagraphStyle("h1", fontName="aifd-Bold", fontSize=17, leading=22, spaceBefore=4, spaceAfter=8)
        self.h2 = ParagraphStyle("h2", fontName="aifd-Bold", fontSize=11.5, leading=15, spaceBefore=10, spaceAfter=3,
                                 keepWithNext=True)
        self.body = ParagraphStyle("body", fontName="aifd-Body", fontSize=9, leading=12.5, spaceAfter=4)
        self.big = ParagraphStyle("big", parent=self.body, fontSize=11, leading=15)
        self.small = ParagraphStyle("small", fontName="aifd-Body", fontSize=7.5, leading=9.5, spaceAfter=3,
                                    textColor=colors.HexColor("#444444"))
        self.cell = ParagraphStyle("cell", fontName="aifd-Cond", fontSize=TABLE_FONT, leading=TABLE_FONT * 1.2)
        self.head = ParagraphStyle("head", fontName="aifd-CondBold", fontSize=TABLE_FONT, leading=TABLE_FONT * 1.2)
        self.code = ParagraphStyle("code", fontName="aifd-Mono", fontSize=6.3, leading=7.6,
                                   backColor=colors.HexColor("#f4f4f4"), borderPadding=3, spaceAfter=6)


# ------------------------------------------------------------------------------------- cells

def formatter(c: Column, values: pd.Series) -> tuple[str, Callable[[Any], str], bool]:
    """(header with unit, value → text, right-aligned) for one column, as the pages format it."""
    u = units.unit(c.unit)

    def guard(fn):
        return lambda v: "–" if data._na(v) else fn(v)

    if u.kind == "number" and u.scale and len(values.dropna()):
        factor, symbol = units.column_scale(values, c.unit)
        places = _places(values.dropna() / factor)
        return units.label(c.label, c.unit, symbol), guard(lambda v: f"{float(v) / factor:,.{places}f}"), True
    if u.kind == "ratio":
        return units.label(c.label, c.unit), guard(lambda v: f"{float(v) * 100:,.1f}"), True
    if u.kind == "percent":
        return units.label(c.label, c.unit), guard(lambda v: f"{float(v):,.1f}"), True
    if u.kind == "count":  # exact, bytes too: "2,301,552 B" is what an auditor compares with a file
        return units.label(c.label, c.unit, u.symbol or None), guard(lambda v: f"{int(v):,}" if float(v).is_integer()
                                                   else f"{float(v):,.2f}"), True
    if u.kind == "number":
        return units.label(c.label, c.unit), guard(lambda v: f"{float(v):,.{u.decimals}f}"), True
    if u.kind == "time":
        return units.label(c.label, c.unit), guard(lambda v: f"{pd.Timestamp(v):%Y-%m-%d %H:%M}"), False
    if u.kind == "date":
        return units.label(c.label, c.unit), guard(lambda v: f"{pd.Timestamp(v):%Y-%m-%d}"), False
    if u.kind == "bool":
        return units.label(c.label, c.unit), guard(lambda v: "yes" if v else "no"), False
    return c.label, guard(lambda v: str(v) if len(str(v)) <= MAX_CELL else str(v)[:MAX_CELL] + "…"), False


def _places(scaled: pd.Series) -> int:
    """The pages' decimals for a rescaled column, but enough that its smallest non-zero value keeps
    two significant digits (0.034 PFLOPS, not 0.0), at most three."""
    places = units.decimals_for(scaled)
    small = [abs(float(v)) for v in scaled if float(v) != 0]
    if small:
        need = 1 - int(math.floor(math.log10(min(small))))
        places = max(places, min(need, 3))
    return places


def _text_width(text: str, bold: bool = False) -> float:
    return pdfmetrics.stringWidth(_safe(text, "CondBold" if bold else "Cond"),
                                  "aifd-CondBold" if bold else "aifd-Cond", TABLE_FONT)


def _longest_word(text: str) -> float:
    return max((_text_width(w, True) for w in text.split()), default=10)


def table(frame: pd.DataFrame, columns: tuple[Column, ...], st: Styles, max_rows: int = MAX_ROWS,
          fixed: dict[str, float] | None = None) -> list:
    """The frame as one or more tables that fit the page width; long text wraps, wide tables are
    split into column groups that each repeat the first column."""
    shown = frame.head(max_rows)
    specs = []
    for c in columns:
        head, fmt, right = formatter(c, frame[c.name])
        texts = [fmt(v) for v in shown[c.name].tolist()]
        content = max([_text_width(t) for t in texts] + [0])
        head_w = max(_longest_word(head), min(_text_width(head, True), 70))
        wraps = units.unit(c.unit).kind in ("text", "url")
        width = max(head_w, min(content, TEXT_COL_MAX if wraps else 10_000)) + 6
        if fixed and c.name in fixed:
            width = fixed[c.name]
        specs.append((c, head, texts, right, min(width, WIDTH * 0.6)))
    keys = _keys(specs)
    key_w = sum(specs[i][4] for i in keys)
    groups: list[list[int]] = []
    current: list[int] = list(keys)
    used = key_w
    for i in range(len(specs)):
        if i in keys:
            continue
        w = specs[i][4]
        if used + w > WIDTH and len(current) > len(keys):
            groups.append(current)
            current, used = [*keys, i], key_w + w
        else:
            current.append(i)
            used += w
    groups.append(current)
    out = []
    for g_no, g in enumerate(groups):
        widths = [specs[i][4] for i in g]
        rows = [[Paragraph(escape(_safe(specs[i][1], "CondBold")), st.head) for i in g]]
        for r in range(len(shown)):
            row = []
            for i in g:
                t = specs[i][2][r]
                row.append(Paragraph(escape(_safe(t, "Cond")), st.cell) if units.unit(specs[i][0].unit).kind in ("text", "url")
                           else _safe(t, "Cond"))
            rows.append(row)
        t = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
        style = [("FONT", (0, 0), (-1, -1), "aifd-Cond", TABLE_FONT),
                 ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf3")),
                 ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#7a869a")),
                 ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#d0d4dc")),
                 ("VALIGN", (0, 0), (-1, -1), "TOP"),
                 ("LEFTPADDING", (0, 0), (-1, -1), 2.5), ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
                 ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]
        for j, i in enumerate(g):
            if specs[i][3]:
                style.append(("ALIGN", (j, 1), (j, -1), "RIGHT"))
        t.setStyle(TableStyle(style))
        if len(groups) > 1:
            out.append(Paragraph(f"columns, part {g_no + 1} of {len(groups)}"
                                 + (" (the first columns repeated)" if g_no and keys else ""), st.small))
        out.append(t)
        out.append(Spacer(1, 5))
    return out


def _keys(specs) -> list[int]:
    """The columns that name a row (text or time among the first four), repeated in every part."""
    keys: list[int] = []
    width = 0.0
    for i, (c, _, _, _, w) in enumerate(specs[:4]):
        if units.unit(c.unit).kind in ("text", "url", "time", "date") and width + w <= WIDTH * 0.4:
            keys.append(i)
            width += w
    return keys or [0]


def vertical(frame: pd.DataFrame, columns: tuple[Column, ...], st: Styles) -> list:
    """A one-row figure as a list: label, value in its unit, meaning."""
    rows = [[Paragraph(h, st.head) for h in ("figure", "value", "meaning")]]
    r = frame.iloc[0]
    for c in columns:
        v = r[c.name]
        text = units.fmt(None if data._na(v) else v, c.unit)
        rows.append([Paragraph(escape(_safe(c.label, "Cond")), st.cell), _safe(text, "Cond"),
                     Paragraph(escape(_safe(c.doc, "Cond")), st.cell)])
    t = Table(rows, colWidths=[200, 110, WIDTH - 310], repeatRows=1, hAlign="LEFT")
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "aifd-Cond", TABLE_FONT),
                           ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf3")),
                           ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d0d4dc")),
                           ("ALIGN", (1, 1), (1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    return [t, Spacer(1, 5)]


# ------------------------------------------------------------------------------------- pages

class _Doc(SimpleDocTemplate):
    """Bookmarks for section and figure headings (the PDF's outline)."""

    def afterFlowable(self, flowable) -> None:
        key = getattr(flowable, "_bookmark", None)
        if key:
            name, level = key
            self.canv.bookmarkPage(name)
            self.canv.addOutlineEntry(getattr(flowable, "_bookmark_title", name), name, level=level, closed=level > 0)


def _heading(text: str, style: ParagraphStyle, key: str, level: int) -> Paragraph:
    p = _p(text, style)
    p._bookmark = (key, level)
    p._bookmark_title = text
    return p


def _footer(report) -> Callable:
    period = f"{report.start:%Y-%m-%d %H:%M} → {report.end:%Y-%m-%d %H:%M} UTC"
    text = f"AI factory audit report · {report.settings.site or 'site not configured'} · {period}"

    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("aifd-Body", 7.5)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(MARGIN, 8 * mm, _safe(text))
        canvas.drawRightString(PAGE[0] - MARGIN, 8 * mm, f"page {doc.page}")
        canvas.restoreState()
    return draw


def _image(png: bytes) -> Image:
    w, h = ImageReader(io.BytesIO(png)).getSize()
    width = WIDTH * 0.82  # two charts and their headings fit on one page
    height = width * h / w
    if height > PAGE[1] * 0.62:  # a tall chart (many racks) shrinks to fit with its heading
        height = PAGE[1] * 0.62
        width = height * w / h
    img = Image(io.BytesIO(png), width=width, height=height)
    img.hAlign = "LEFT"
    return img


def _provenance(e) -> str:
    parts = [f"query {e.query.name}"]
    rng = e.data_range
    if rng:
        parts.append(f"{rng[0]:%Y-%m-%d %H:%M} → {rng[1]:%Y-%m-%d %H:%M} UTC")
    else:
        parts.append("not bound to the period: the store as of the report")
    other = {k: v for k, v in e.params().items() if k not in ("start", "end")}
    if other:
        parts.append(", ".join(f"{k}={'none' if v is None else v}" for k, v in other.items()))
    read = e.tables_read()
    if read:
        parts.append(figures.read_text(read))
    parts.append(f"{len(e.frame):,} rows")
    if e.pages:
        parts.append("page: " + ", ".join(p for p in e.pages))
    return " · ".join(parts)


def title_page(report, st: Styles) -> list:
    s = report.settings
    rows = [
        ("Period (UTC)", f"{report.start:%Y-%m-%d %H:%M} → {report.end:%Y-%m-%d %H:%M} (end exclusive)"),
        ("Site", report.settings.site or "not configured (set [site] name in aifd.toml or AIFD_SITE)"),
        ("Generated", f"{report.generated_at:%Y-%m-%d %H:%M:%S} UTC"),
        ("Software", f"aifd {report.software.get('aifd')} · DuckDB {report.software.get('duckdb')} · "
                     f"pandas {report.software.get('pandas')} · Python {report.software.get('python')}"),
        ("Stored data (UTC)", f"{report.stored[0]:%Y-%m-%d %H:%M} → {report.stored[1]:%Y-%m-%d %H:%M}"),
        ("Sections", ", ".join(report.sections)),
        ("Target", f"{s.target.exaflops:g} exaflops at {s.target.precision.upper()} "
                   f"{'sparse' if s.target.sparse else 'dense'} ({s.target.basis}); settings: {s.source}"),
        ("Figures", f"{len(report.entries)} tables from the dashboard's pages, each with its query in the appendix"),
        ("Integrity", "manifest.json lists every file of this report with its SHA-256 and size; "
                      "`aifd report verify FOLDER` re-hashes them and re-runs every figure against the database"),
    ]
    t = Table([[_p(k, st.big), _p(v, st.big)] for k, v in rows], colWidths=[48 * mm, WIDTH - 48 * mm], hAlign="LEFT")
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                           ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d0d4dc"))]))
    return [Spacer(1, 30 * mm), _p("AI factory audit report", st.title),
            _p("Performance, energy, network, sovereignty and data figures for one period, as the dashboard's "
               "pages show them, with the queries that made them.", st.big), Spacer(1, 8 * mm), t, PageBreak()]


def summary_page(report, st: Styles) -> list:
    keys = {e.key for e in report.entries}
    out: list = [_heading("Target, claim check and scores", st.h1, "summary", 0)]
    s = report.settings
    t = s.target
    if "perf_headline" in keys:
        e = report.entry("perf_headline")
        r = e.frame.iloc[0] if len(e.frame) else None

        def v(col, code):
            return units.fmt(None if r is None or data._na(r[col]) else r[col], code)
        out.append(_p("Target and delivery", st.h2))
        out.append(_p(
            f"Target: <b>{units.fmt(t.tflops, 'TFLOPS')}</b> at {t.precision.upper()} "
            f"{'sparse' if t.sparse else 'dense'} ({escape(t.basis)}). Delivered over the period (estimate from "
            f"activity counters): <b>{v('delivered_tflops', 'TFLOPS')}</b> = {v('target_share', 'ratio')} of the "
            f"target; nameplate peak of the inventory: {v('peak_tflops', 'TFLOPS')} "
            f"({v('peak_target_share', 'ratio')} of the target); MFU {v('mfu', 'ratio')}.", st.body, markup=True))
    if "perf_claim_check" in keys:
        e = report.entry("perf_claim_check")
        fleet = e.frame[e.frame["scope"] == "fleet"].reset_index(drop=True)
        cols = tuple(e.query.column(c) for c in ("precision", "is_target_precision", "peak_dense_tflops",
                                                    "peak_sparse_tflops", "met_dense", "met_sparse",
                                                    "gpus_needed_dense", "gpus_needed_sparse", "gpus_peak_unknown"))
        out.append(_p("Claim check: the fleet's nameplate at every precision against the target", st.h2))
        out += table(fleet, cols, st)
    if "energy_headline" in keys:
        e = report.entry("energy_headline")
        cols = tuple(e.query.column(c) for c in ("facility_kwh", "it_kwh", "renewable_kwh", "reuse_kwh", "pue",
                                                    "ref", "erf", "facility_kw_avg", "facility_kw_peak", "hours"))
        out.append(_p("Energy and efficiency", st.h2))
        out += table(e.frame, cols, st)
    if "sov_scores" in keys:
        e = report.entry("sov_scores")
        cols = tuple(e.query.column(c) for c in ("label", "baseline", "formula"))
        out.append(_p("Sovereignty scores of the stored stack", st.h2))
        out += table(e.frame, cols, st)
    if "regulatory_indicators" in keys:
        f = report.entry("regulatory_indicators").frame
        n = f["status"].value_counts()
        out.append(_p("EU / German reporting indicators", st.h2))
        out.append(_p(f"{len(f)} indicators: {n.get(regulatory.REPORTED, 0)} with a value from a figure, "
                      f"{n.get(regulatory.NO_DATA, 0)} whose figure has no data in the period, "
                      f"{n.get(regulatory.MISSING, 0)} missing (the product has no data for them). "
                      "The sheet is in its own section below.", st.body))
    out.append(PageBreak())
    return out


def entry_flowables(e, report, st: Styles) -> list:
    head = [_heading(f"{e.title}", st.h2, f"fig-{e.key}", 1),
            _p(_provenance(e), st.small)]
    if e.note:
        head.append(_p(e.note, st.small))
    pngs = charts.render(e.key, e.frame, report.settings) if e.key == e.query.name else []
    if e.frame.empty:
        head.append(_p("No rows for this period.", st.body))
        return [KeepTogether(head)]
    if pngs:
        first = _image(pngs[0])
        items = [CondPageBreak(first.drawHeight + 60), KeepTogether(head + [first])]
        items += [_image(p) for p in pngs[1:]]
    else:
        items = [CondPageBreak(120), *head]
    body = vertical(e.frame, e.columns, st) if len(e.frame) == 1 and len(e.columns) > 6 else table(e.frame, e.columns, st)
    if len(e.frame) > MAX_ROWS:
        body.insert(0, _p(f"First {MAX_ROWS} of {len(e.frame):,} rows; all rows are in csv/{e.key}.csv, "
                          f"parquet/{e.key}.parquet and the sheet {e.key[:31]} of report.xlsx.", st.small))
    return items + body + [Spacer(1, 6)]


def regulatory_flowables(e, report, st: Styles) -> list:
    f = e.frame
    out: list = [_p(
        f"Values cover the report's period {report.start:%Y-%m-%d %H:%M} → {report.end:%Y-%m-%d %H:%M} UTC; "
        "the register and the EU database ask for the previous calendar year, so make the report for "
        "1 January to 31 December to file them. Missing indicators are listed, never left out: the "
        "product has no data for them and the operator must supply them. Indicators and their mapping: "
        "queries/reference/eed_indicators.csv (docs/reference_data.md).", st.body)]
    rows = [[_p(h, st.head) for h in ("indicator", "legal reference", "definition", "value", "status", "figure, basis")]]
    for r in f.to_dict("records"):
        value = regulatory.value_text(r["value"], r["value_unit"]) if r["status"] == regulatory.REPORTED else "–"
        status = r["status"]
        fig = " · ".join(x for x in (r["figure"], r["basis"]) if isinstance(x, str) and x)
        rows.append([
            _p(escape(_safe(r["name"] + (f" ({r['symbol']})" if isinstance(r["symbol"], str) and r["symbol"] else ""),
                            "Cond")) + f"<br/><font size=5.5>{escape(r['indicator_id'])}</font>", st.cell, markup=True),
            _p(r["legal_reference"], st.cell),
            _p(f"{r['definition']} [{r['period']}; unit {r['value_unit']}]", st.cell),
            _p(value, st.head if r["status"] == regulatory.REPORTED else st.cell),
            _p(status, st.cell),
            _p(fig or "–", st.cell),
        ])
    widths = [120, 120, 250, 70, 70, WIDTH - 630]
    t = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf3")),
             ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d0d4dc")),
             ("LEFTPADDING", (0, 0), (-1, -1), 2.5), ("RIGHTPADDING", (0, 0), (-1, -1), 2.5)]
    for i, r in enumerate(f.to_dict("records"), start=1):
        if r["status"] == regulatory.MISSING:
            style.append(("BACKGROUND", (4, i), (4, i), colors.HexColor("#fbe9e7")))
        elif r["status"] == regulatory.NO_DATA:
            style.append(("BACKGROUND", (4, i), (4, i), colors.HexColor("#fff4d6")))
    t.setStyle(TableStyle(style))
    out.append(t)
    out.append(_p("Sources (legal texts) and how each row was checked are in the sheet's source and confidence "
                  "columns (csv/regulatory_indicators.csv, report.xlsx).", st.small))
    return out


def appendix(report, st: Styles) -> list:
    out: list = [_heading("Appendix: how each figure was made", st.h1, "appendix", 0),
                 _p("Every figure is a named query in queries/ run by the figure core (dashboard/figures.py) with the "
                    "parameters below; `aifd query NAME -p k=v` prints the same figure. Settings-only parameters "
                    "(files on this machine) are not printed; manifest.json gives their SHA-256.", st.body)]
    for e in report.entries:
        params = json.dumps(e.params(), default=str, ensure_ascii=False)
        rng = e.data_range
        lines = [f"figure: {e.key} · query: {e.query.name} · section: {e.section} · rows: {len(e.frame):,}",
                 "data range: " + (f"{rng[0]:%Y-%m-%d %H:%M:%S} → {rng[1]:%Y-%m-%d %H:%M:%S} UTC" if rng
                                   else "not bound to the period"),
                 f"parameters: {params}"]
        if e.drill:
            vals = ", ".join(str(v) for v in e.selections[:24]) + (" …" if len(e.selections) > 24 else "")
            lines.append(f"run for each {e.drill.param} of {e.drill.source}.{e.drill.column} "
                         f"({len(e.selections)} of {e.selections_total}): {vals}")
        if e.key == "regulatory_indicators":
            lines.append("made from: " + "; ".join(f"{f.name} {json.dumps(f.shown_params(), default=str)}"
                                                   for f in e.runs))
        block = [_heading(f"{e.key}", st.h2, f"sql-{e.key}", 1)] + [_p(x, st.small) for x in lines]
        out += block
        out.append(Preformatted(_safe(e.query.sql.strip(), "Mono"), st.code, maxLineLength=185, newLineChars="    "))
    out.append(_heading("Definitions applied on every connection", st.h2, "definitions", 1))
    for p in sorted(DEFINITIONS_DIR.glob("*.sql")):
        out.append(_p(f"queries/definitions/{p.name}", st.small))
        out.append(Preformatted(_safe(p.read_text().strip(), "Mono"), st.code, maxLineLength=185, newLineChars="    "))
    out.append(_heading("Ingest loads the figures come from", st.h2, "loads", 1))
    out.append(_p("Each file as the ingest log recorded it, with its SHA-256 at load time (query report_loads).",
                  st.small))
    loads = report.loads
    frame = data.canonical(loads.frame, loads.columns)
    cols = tuple(loads.query.column(c) for c in ("load_id", "source", "kinds", "status", "rows_loaded",
                                                 "data_from", "data_to", "sha256"))
    out += table(frame, cols, st, max_rows=10_000, fixed={"sha256": 250, "source": 200})
    return out


def write(report, path: Path, progress: Callable[[float, str], None] | None = None) -> None:
    st = Styles()
    from .sections import SECTIONS

    story: list = title_page(report, st) + summary_page(report, st)
    total = max(len(report.entries), 1)
    done = 0
    for sec in SECTIONS:
        entries = report.in_section(sec.key)
        if not entries:
            continue
        story.append(_heading(sec.title, st.h1, f"sec-{sec.key}", 0))
        story.append(_p(sec.about, st.body))
        for e in entries:
            if e.key == "regulatory_indicators":
                story += regulatory_flowables(e, report, st)
            else:
                story += entry_flowables(e, report, st)
            done += 1
            if progress:
                progress(0.9 * done / total, f"PDF: charts and table of {e.key}")
        story.append(PageBreak())
    story += appendix(report, st)
    doc = _Doc(str(path), pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
               bottomMargin=MARGIN + 4 * mm, title="AI factory audit report",
               author=f"aifd {report.software.get('aifd', '')}",
               subject=f"{report.start:%Y-%m-%d %H:%M} to {report.end:%Y-%m-%d %H:%M} UTC",
               creator="aifd report (ReportLab)")
    footer = _footer(report)
    if progress:
        progress(0.9, "PDF: laying out the pages")
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
