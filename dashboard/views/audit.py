"""Audit: take a period's figures away as a report (PDF, XLSX, CSV, Parquet, manifest of SHA-256
hashes), see the loads they come from and the EU / German reporting indicators for the period."""
import tempfile
from pathlib import Path

import streamlit as st

from dashboard import ui
from dashboard.figures import Figure
from dashboard.reports import build, regulatory
from dashboard.reports.sections import SECTIONS, plan


def contents(sections: list[str]) -> None:
    planned = plan(sections) if sections else []
    st.caption(f"{len(planned)} figures: " + " · ".join(
        f"**{s.title}** ({sum(p.section == s.key for p in planned)})" for s in SECTIONS if s.key in sections)
        + ". Drill figures are run for every pod, rack and node, and the per-GPU series for each unhealthy GPU.")


def make_report(start, end, sections: list[str], formats: list[str]) -> None:
    bar = st.progress(0.0, text="starting")

    def progress(share: float, what: str) -> None:
        bar.progress(min(max(share, 0.0), 1.0), text=what)

    name = build.folder_name(start, end)
    with tempfile.TemporaryDirectory(prefix="aifd-report-") as tmp, ui.db() as con:
        out = Path(tmp) / name
        doc = build.make(con, ui.settings(), out, start, end, sections, formats, progress=progress)
        data = build.zip_bytes(out, name)
    bar.progress(1.0, text=f"done: {len(doc['figures'])} figures, {len(doc['files'])} files")
    st.session_state["audit_zip"] = (name + ".zip", data, len(doc["files"]))


def loads(start, end) -> None:
    st.subheader("Loads the figures come from")
    fig = ui.run("report_loads", start=start, end=end)
    ui.table(fig, ["load_id", "source", "kinds", "status", "rows_loaded", "data_from", "data_to", "sha256"],
             widths={"sha256": "medium"})
    ui.provenance(fig, "the manifest lists these loads with their file hashes; failed and skipped loads stored nothing")


def indicators(start, end) -> None:
    st.subheader("EU / German reporting indicators")
    st.caption("What EnEfG Anlage 3 and Delegated Regulation (EU) 2024/1364 ask an operator to report, each with "
               "its legal reference and the figure that supplies it. Values cover the selected range; the register "
               "asks for the previous calendar year. Missing indicators are listed, never left out.")
    frame, runs = regulatory.sheet(ui.run, start, end)
    sheet = Figure(regulatory.query(runs[0].query), {}, frame, sum(f.elapsed_ms for f in runs))
    counts = frame["status"].value_counts()
    c1, c2, c3 = st.columns(3)
    ui.tile(c1, "From a figure", f"{counts.get(regulatory.REPORTED, 0)}", *runs)
    ui.tile(c2, "No data in the range", f"{counts.get(regulatory.NO_DATA, 0)}", *runs)
    ui.tile(c3, "Missing (no product data)", f"{counts.get(regulatory.MISSING, 0)}", *runs)
    ui.table(sheet, ["name", "legal_reference", "status", "value", "value_unit", "figure", "definition"],
             widths={"name": "medium", "value": "medium", "definition": "large"}, height=420)
    for fig in runs:
        ui.provenance(fig)


ui.start(__file__)
ui.page_header("Audit", "Take a period's figures away, file them, and prove later that they were not altered "
               "and how they were made.")
_start, _end = ui.time_range()
st.markdown(f"**Period:** {_start:%Y-%m-%d %H:%M} → {_end:%Y-%m-%d %H:%M} UTC (the range picker in the sidebar)")
st.markdown("**Sections**")
_cols = st.columns(4)  # two rows: seven labels fit without being cut
_sections = [s.key for i, s in enumerate(SECTIONS) for c in [_cols[i % 4]]
             if c.checkbox(s.key.capitalize(), value=True, key=f"audit_sec_{s.key}", help=s.about)]
st.markdown("**Formats**")
_cols = st.columns(len(build.FORMATS))
_formats = [f for f, c in zip(build.FORMATS, _cols) if c.checkbox(f.upper(), value=True, key=f"audit_fmt_{f}")]
contents(_sections)
if st.button("Build report", type="primary", disabled=not (_sections and _formats)):
    st.session_state.pop("audit_zip", None)
    make_report(_start, _end, _sections, _formats)
if "audit_zip" in st.session_state:
    _name, _data, _n = st.session_state["audit_zip"]
    st.download_button(f"Download {_name} ({len(_data) / 1e6:,.1f} MB, {_n} files)", _data, file_name=_name,
                       mime="application/zip", type="primary")
    st.caption("Check it later with `aifd report verify FOLDER` (after unzipping): every file is re-hashed "
               "and, given the database, every figure re-run.")
loads(_start, _end)
indicators(_start, _end)
