"""End to end: the real Streamlit server on 127.0.0.1, every page opened in headless Chromium."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from .browser import chromium, open_page, streamlit_server

PAGES = {"": "AI factory at a glance", "sovereignty": "Sovereignty", "context": "The site among its peers",
         "performance": "Performance", "operations": "Operations", "data": "Data", "audit": "Audit",
         "energy": "Energy", "network": "Network"}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(sample_db: Path, tmp_path_factory):
    db = tmp_path_factory.mktemp("browser") / "sample.duckdb"
    shutil.copy(sample_db, db)
    with streamlit_server(db, db.with_suffix(".log")) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server):
    with chromium() as b:
        yield b


@pytest.mark.parametrize("path", list(PAGES))
def test_page_loads_without_errors_and_names_its_queries(browser, server, path):
    page, errors = open_page(browser, f"{server}/{path}")
    try:
        assert page.locator('[data-testid="stException"]').count() == 0, page.locator('[data-testid="stException"]').first.inner_text()
        assert page.get_by_text("Page not found").count() == 0
        assert not errors, errors
        assert page.locator("h1").first.inner_text().startswith(PAGES[path])
        # the page ran inside app.py's navigation (wide layout, grouped menu), not as a bare script
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Executives" in nav and "Auditors" in nav, nav
        assert page.get_by_text("query ", exact=False).count() > 0
        # charts are drawn (Vega embeds a canvas or svg)
        if path in ("", "operations", "performance", "context", "energy", "network"):
            page.wait_for_selector(".vega-embed", timeout=30_000)
    finally:
        page.close()


def test_sql_is_one_click_away(browser, server):
    page, _ = open_page(browser, f"{server}/operations")
    try:
        page.get_by_text("SQL · ops_utilization").click()
        page.get_by_text("time_bucket(to_minutes($bucket_minutes)", exact=False).first.wait_for(timeout=10_000)
        assert page.get_by_text("aifd query ops_utilization", exact=False).count() > 0
    finally:
        page.close()


def _settle(page) -> None:
    time.sleep(0.3)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset?.testScriptState === 'notRunning'",
        timeout=120_000)


def test_performance_drills_down_to_one_gpu(browser, server):
    # tall enough that the drill-down and its open menus are on screen
    page, errors = open_page(browser, f"{server}/performance", height=5200)
    try:
        for label in ("Pod", "Rack", "Node", "GPU"):
            page.get_by_label(label, exact=True).first.click()
            time.sleep(0.5)
            options = page.locator('[role="option"]')
            options.nth(1).wait_for(timeout=10_000)
            options.nth(1).click()  # the first real choice after "(all)"
            _settle(page)
        assert page.locator('[data-testid="stException"]').count() == 0 and not errors
        page.get_by_text("SQL · perf_gpu_series").wait_for(timeout=10_000)
        assert page.get_by_text("gpu_uuid=GPU-", exact=False).count() > 0
    finally:
        page.close()


def test_context_switches_precision_and_keeps_it_in_the_url(browser, server):
    page, errors = open_page(browser, f"{server}/context?compare=fp64/dense/measured", height=3000)
    try:
        page.get_by_text("Among peers: FP64 HPL Rmax (measured)").wait_for(timeout=30_000)
        page.get_by_text("the store holds no HPL run", exact=False).first.wait_for(timeout=10_000)
        assert page.get_by_text("28.9 PFLOPS").count() > 0  # the FP64 nameplate tile
        page.wait_for_selector(".vega-embed", timeout=30_000)
        # switch to FP8 dense peak in the sidebar's picker
        page.get_by_label("Compare at", exact=True).first.click()
        page.locator('[role="option"]', has_text="FP8 dense peak").first.click()
        _settle(page)
        page.get_by_text("Among peers: FP8 dense peak").wait_for(timeout=30_000)
        assert page.locator('[data-testid="stException"]').count() == 0 and not errors, errors
        assert "compare=fp8%2Fdense%2Fpeak" in page.url or "compare=fp8/dense/peak" in page.url, page.url
        assert page.get_by_text("3.71 EFLOPS").count() > 0  # the FP8 nameplate, placed beside the peers
        assert page.get_by_text("9 of 37 peers publish a figure at FP8 dense peak", exact=False).count() == 1
        # the charts are drawn: the peers' chart names a peer by its axis label
        page.wait_for_selector(".vega-embed", timeout=30_000)
        assert page.locator(".vega-embed").count() >= 3
        assert page.locator(".vega-embed", has_text="Colossus 2").count() >= 1
    finally:
        page.close()


def test_switching_the_rule_set_changes_the_verdicts(browser, server):
    page, errors = open_page(browser, f"{server}/energy", height=3000)
    try:
        page.get_by_text("1 pass · 1 at risk · 1 fail").wait_for(timeout=30_000)  # Upcoming, law in force
        assert page.get_by_text("Rule set: EnEfG as in force", exact=False).count() > 0
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name="EnEfG amendment bill 2026 (pending, as if passed)").click()
        _settle(page)
        page.get_by_text("2 pass · 1 fail").wait_for(timeout=30_000)
        assert page.get_by_text("Rule set: EnEfG amendment bill 2026", exact=False).count() > 0
        assert page.get_by_text("rule_set=enefg_amendment_2026_bill", exact=False).count() > 0
        assert page.locator('[data-testid="stException"]').count() == 0 and not errors
    finally:
        page.close()


def test_audit_page_builds_a_report_and_the_zip_downloads(browser, server, sample_db, tmp_path):
    """Sections and formats ticked in the page, progress shown, the zip downloaded through Chromium's
    own download, then unzipped and verified against the same data."""
    import re
    import zipfile

    from dashboard.config import Settings
    from dashboard.reports.verify import verify
    from dashboard.store import connect

    page, errors = open_page(browser, f"{server}/audit", height=3200)
    try:
        for title in ("Performance", "Energy", "Network", "Sovereignty"):  # keep data + regulatory: quick
            page.locator('[data-testid="stCheckbox"]').filter(has_text=re.compile(f"^{title}$")).click()
            _settle(page)
        page.get_by_role("button", name="Build report").click()
        page.get_by_text("done: ", exact=False).wait_for(timeout=180_000)
        assert page.locator('[data-testid="stProgress"]').count() == 1
        button = page.get_by_role("button", name=re.compile(r"^Download aifd-report-.*\.zip"))
        button.wait_for(timeout=30_000)
        with page.expect_download(timeout=60_000) as d:
            button.click()
        download = d.value
        assert re.fullmatch(r"aifd-report-\d{8}T\d{4}-\d{8}T\d{4}\.zip", download.suggested_filename)
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        assert page.locator('[data-testid="stException"]').count() == 0 and not errors, errors
    finally:
        page.close()
    with zipfile.ZipFile(saved) as z:
        names = z.namelist()
        z.extractall(tmp_path / "unzipped")
    root = names[0].split("/")[0]
    assert {f"{root}/manifest.json", f"{root}/report.pdf", f"{root}/report.xlsx",
            f"{root}/csv/regulatory_indicators.csv", f"{root}/parquet/store_contents.parquet"} <= set(names)
    con = connect(sample_db, read_only=True)
    try:
        result = verify(tmp_path / "unzipped" / root, con, Settings())
    finally:
        con.close()
    assert result.ok, result.problems
    assert result.figures >= 8 and result.files == len(names) - 1


def test_network_drills_down_from_the_site_to_a_link(browser, server):
    page, errors = open_page(browser, f"{server}/network", height=3000)
    try:
        page.get_by_text("net_link_series", exact=False).first.wait_for(timeout=30_000)
        assert page.get_by_text("link=uplink", exact=False).count() == 0   # the site, no link chosen
        page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').last.click()
        page.get_by_role("option", name="uplink-fra-1").click()
        _settle(page)
        page.get_by_text("link=uplink-fra-1", exact=False).first.wait_for(timeout=30_000)
        assert page.get_by_text("uplink-fra-1: mean (solid) and peak (dotted)", exact=False).count() > 0
        assert page.locator('[data-testid="stException"]').count() == 0 and not errors
    finally:
        page.close()
