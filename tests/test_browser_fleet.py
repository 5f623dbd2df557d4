"""End to end on a generated fleet large enough that the capped lists overflow: `aifd demo --gpus 2000`
(one day at 300 s steps), the real Streamlit server, headless Chromium. The tiles must say what the
counting query says for the whole fleet, the capped list must say "first N of M", and the
Sovereignty page must not be empty after the README's command."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.config import Settings
from dashboard.figures import run
from dashboard.metrics.claim import verdict
from dashboard.store import connect

from .browser import chromium, open_page, streamlit_server

pytestmark = pytest.mark.browser
GPUS = 2000
LIST_LIMIT = 200  # dashboard/views/operations.py


@pytest.fixture(scope="module")
def fleet_db(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("fleet")
    db = d / "fleet.duckdb"
    out = subprocess.run([sys.executable, "-m", "dashboard.cli", "--db", str(db), "demo", "--gpus", str(GPUS),
                          "--days", "1", "--interval", "300", "--out", str(d / "gen")],
                         capture_output=True, text=True, cwd=d, env=dict(os.environ), timeout=600)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "components: " in out.stdout and "vendors: " in out.stdout   # the stack is generated and loaded
    return db


@pytest.fixture(scope="module")
def truth(fleet_db) -> dict:
    """What the counting queries say, read straight from the store (the pages must agree)."""
    con = connect(fleet_db, read_only=True)
    try:
        s = Settings()
        counts = run(con, "ops_attention_counts", s).frame.set_index("issue_key")["gpus"].to_dict()
        claim = verdict(run(con, "perf_claim_check", s).frame)
        sov = run(con, "sov_headline", s).frame
    finally:
        con.close()
    return {"counts": counts, "verdict": claim, "sov_components": int(sov.components.iloc[0])}


@pytest.fixture(scope="module")
def server(fleet_db, tmp_path_factory):
    with streamlit_server(fleet_db, tmp_path_factory.mktemp("fleet-server") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser(server):
    with chromium() as b:
        yield b


def tiles(page) -> dict[str, str]:
    """Every metric tile on the page: label → value, as the browser shows them."""
    out = {}
    page.locator('[data-testid="stMetric"]').first.wait_for(timeout=120_000)
    for m in page.locator('[data-testid="stMetric"]').all():
        label = m.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        out[label] = m.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return out


def no_errors(page, errors) -> None:
    exc = page.locator('[data-testid="stException"]')
    assert exc.count() == 0, exc.first.inner_text()
    assert not errors, errors


def test_operations_tiles_count_the_whole_fleet(browser, server, truth):
    c = truth["counts"]
    assert c["attention"] > LIST_LIMIT, "the fleet is too small to overflow the list"
    page, errors = open_page(browser, f"{server}/operations", height=3400)
    try:
        no_errors(page, errors)
        t = tiles(page)
        assert t["Needing attention"] == f"{c['attention']:,}"
        assert t["Unhealthy"] == f"{c['unhealthy']:,}" and t["XID errors"] == f"{c['xid']:,}"
        assert t["Overheating"] == f"{c['hot']:,}"
        assert t["Idle (≥ 1 idle run)"] == f"{c['idle']:,}" and t["Idle at the end"] == f"{c['idle_now']:,}"
        assert t["No profiling counters"] == f"{c['no_counters']:,}"
        assert c["no_counters"] > 0 and c["idle_all_range"] > 0
        # every XID code seen is named with its fleet count, whether or not the list shows it
        for key, n in c.items():
            if key.startswith("xid_"):
                assert page.get_by_text(f"XID {key[4:]} (", exact=False).count() > 0, key
        page.get_by_text(f"First {LIST_LIMIT} of {c['attention']:,} GPUs", exact=False).wait_for(timeout=10_000)
        assert page.get_by_text(f"-p limit={c['attention']}", exact=False).count() > 0
    finally:
        page.close()


def test_performance_and_overview_say_the_same_numbers(browser, server, truth):
    c = truth["counts"]
    page, errors = open_page(browser, f"{server}/performance", height=7000)
    try:
        no_errors(page, errors)
        t = tiles(page)
        assert t["Idle / unhealthy GPUs"] == f"{c['idle']:,} / {c['unhealthy']:,}"
        assert t["Idle GPUs (≥ 1 idle run)"] == f"{c['idle']:,}" and t["Unhealthy GPUs"] == f"{c['unhealthy']:,}"
        assert page.get_by_text(truth["verdict"][:80], exact=False).count() > 0
    finally:
        page.close()
    page, errors = open_page(browser, f"{server}/", height=3000)
    try:
        no_errors(page, errors)
        assert page.get_by_text(f"{c['idle']:,} idle · {c['unhealthy']:,} unhealthy", exact=False).count() > 0
        assert page.get_by_text(f"On {GPUS:,} GPUs", exact=False).count() > 0
        assert page.get_by_text("No vendor-dependency records", exact=False).count() == 0
    finally:
        page.close()


def test_sovereignty_is_filled_by_the_generated_stack(browser, server, truth):
    assert truth["sov_components"] > 40
    page, errors = open_page(browser, f"{server}/sovereignty", height=3400)
    try:
        no_errors(page, errors)
        assert page.get_by_text("No vendor-dependency records", exact=False).count() == 0
        assert page.get_by_text(f"{truth['sov_components']} components", exact=False).count() > 0
        assert "US share (criticality)" in tiles(page)
    finally:
        page.close()
