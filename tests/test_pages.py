"""Each page rendered by Streamlit's own test runner on the shipped sample: no exception, figures named."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.pages import PAGES as PAGES_DECLARED

PAGES = Path(__file__).resolve().parent.parent / "dashboard" / "views"


def render(path: Path, db: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("AIFD_DB", str(db))
    at = AppTest.from_file(str(path), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


@pytest.mark.parametrize("page", PAGES_DECLARED, ids=lambda p: p.script)
def test_page_draws_every_figure_it_declares(page, sample_db, monkeypatch):
    at = render(page.path, sample_db, monkeypatch)
    text = captions(at) + "\n".join(e.label for e in at.expander)
    for q in page.figures:
        assert f"`{q}`" in text and f"SQL · {q}" in text, f"{page.script} does not name {q}"


def test_a_page_cannot_draw_a_figure_it_does_not_declare(sample_db, monkeypatch):
    monkeypatch.setenv("AIFD_DB", str(sample_db))

    def page():
        from dashboard import ui
        ui.start("operations.py")
        ui.run("sov_headline")

    at = AppTest.from_function(page, default_timeout=30).run()
    assert "does not declare it for that page" in str(at.exception[0].value)


def test_overview_headlines(sample_db, monkeypatch):
    at = render(PAGES / "overview.py", sample_db, monkeypatch)
    labels = [m.label for m in at.metric]
    assert "PUE (range)" in labels and "Renewable share (REF)" in labels
    assert any(label.startswith("Delivered (BF16") for label in labels)
    pue = next(m.value for m in at.metric if m.label == "PUE (range)")
    assert 1.1 < float(pue) < 1.5


def test_operations_range_picker_changes_the_figures(sample_db, monkeypatch):
    at = render(PAGES / "operations.py", sample_db, monkeypatch)
    assert "2026-11-16 00:00 → 2026-11-18 00:00 UTC" in captions(at)  # the stored range on whole hours
    at.radio(key="range_preset").set_value("Last 6 h").run()
    assert not at.exception
    assert "2026-11-17 18:00 → 2026-11-18 00:00 UTC" in captions(at)


def test_data_page_lists_every_load(sample_db, monkeypatch):
    at = render(PAGES / "data.py", sample_db, monkeypatch)
    log = at.dataframe[1].value
    assert len(log) >= 11 and set(log["status"]) <= {"ok", "partial", "skipped"}


def test_navigation_opens_the_overview(sample_db, monkeypatch):
    at = render(PAGES.parent / "app.py", sample_db, monkeypatch)
    assert at.title[0].value == "AI factory at a glance"


def test_missing_database_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("AIFD_DB", str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(str(PAGES / "operations.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert "aifd demo" in at.error[0].value


def test_overview_on_a_store_without_telemetry_says_so(db_path, monkeypatch):
    from dashboard.store import connect

    connect(db_path).close()
    at = render(PAGES / "overview.py", db_path, monkeypatch)
    assert "No GPU telemetry in this range" in at.info[0].value
    assert not any("nan" in (m.value + (m.delta or "")) for m in at.metric)


def _verdicts(at: AppTest) -> dict[str, str]:
    law = at.dataframe[0].value
    return dict(zip(law["requirement"], law["verdict"]))


def test_energy_page_judges_against_the_chosen_rule_set(sample_db, monkeypatch):
    at = render(PAGES / "energy.py", sample_db, monkeypatch)
    assert "EnEfG as in force (since 18 Nov 2023)" in "\n".join(m.value for m in at.markdown)
    law = _verdicts(at)
    # the sample: PUE 1.246 and REF 48.6 % in November 2026, an existing site (opened 4 Feb 2026)
    assert law["REF ≥ 50 %"] == "fail" and law["PUE ≤ 1.5"] == "pass" and law["PUE ≤ 1.3"] == "at risk"
    upcoming = next(m for m in at.metric if m.label == "Upcoming")
    assert upcoming.delta == "1 pass · 1 at risk · 1 fail"
    at.selectbox(key="energy_rule_set").set_value("enefg_amendment_2026_bill").run()
    assert not at.exception
    bill = _verdicts(at)
    assert bill["PUE ≤ 1.4"] == "pass" and "PUE ≤ 1.3" not in bill and bill["PUE ≤ 1.6"] == "pass"
    assert next(m for m in at.metric if m.label == "Upcoming").delta == "2 pass · 1 fail"
    assert "EnEfG amendment bill 2026 (pending, as if passed)" in "\n".join(m.value for m in at.markdown)
    labels = {m.label: m.value for m in at.metric}
    assert labels["PUE label (EU 2026)"] == "B" and labels["WUE label (EU 2026)"] == "C"


def test_energy_page_periods(sample_db, monkeypatch):
    at = render(PAGES / "energy.py", sample_db, monkeypatch)
    days = next(d.value for d in at.dataframe if "facility_kwh" in d.value.columns and "meter_source" in d.value.columns)
    assert len(days) == 2 and set(days["meter_source"]) == {"counters"}
    at.radio(key="energy_period").set_value("Year to date").run()
    assert "from 2026-01-01 (year to date)" in captions(at)


def test_network_page_drills_down_to_a_link(sample_db, monkeypatch):
    at = render(PAGES / "network.py", sample_db, monkeypatch)
    ranked = next(d.value for d in at.dataframe if "p95_util_pct" in d.value.columns)
    assert (ranked.iloc[0]["link"], ranked.iloc[0]["direction"]) == ("uplink-fra-1", "in")  # the saturated uplink
    assert "net_link_series" in captions(at) and "link=" not in captions(at)  # the site, no link chosen
    at.selectbox(key="net_link").set_value("uplink-muc-1").run()
    assert not at.exception and "link=uplink-muc-1" in captions(at)


def test_energy_and_network_pages_on_an_empty_store_say_what_is_missing(db_path, monkeypatch):
    from dashboard.store import connect

    connect(db_path).close()  # tables, but no data and no reference rules
    at = render(PAGES / "energy.py", db_path, monkeypatch)
    assert "rule set enefg_2023 has no rules in law_rules" in at.error[0].value
    assert "No meter readings in this range" in at.info[0].value
    assert not any("nan" in (m.value + (m.delta or "")) for m in at.metric)
    at = render(PAGES / "network.py", db_path, monkeypatch)
    assert any("No links in the store" in i.value for i in at.info)


def test_tables_show_ratios_as_percent_numbers_and_energy_values_as_the_law_writes_them(sample_db, monkeypatch):
    from dashboard.store import connect
    from tests.conftest import figure

    at = render(PAGES / "performance.py", sample_db, monkeypatch)
    pods = next(d.value for d in at.dataframe if "mfu" in d.value.columns and "pod" in d.value.columns)
    con = connect(sample_db, read_only=True)
    try:
        stored = figure(con, "perf_pods").frame.set_index("pod")["mfu"]
    finally:
        con.close()
    # the same column as the other percentages: 30.9 under "(%)", not 0.309 drawn as "30.89%"
    assert pods.set_index("pod")["mfu"].round(9).equals((stored * 100).round(9).loc[pods["pod"]].rename("mfu"))

    at = render(PAGES / "energy.py", sample_db, monkeypatch)
    rules = next(d.value for d in at.dataframe if "period_text" in d.value.columns)
    ref = rules[rules["requirement"].str.startswith("REF")].iloc[0]
    assert ref["period_text"].endswith(" %")             # 49.0 %, not the ratio 0.490 beside it
