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
