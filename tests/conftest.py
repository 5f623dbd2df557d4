"""Shared fixtures: real DuckDB files in tmp folders; the shipped sample loaded once per session;
a real Prometheus server over a generated fleet (tests/prometheus_fixture.py)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dashboard.config import SAMPLE_DIR, Settings
from dashboard.demo import load_sample
from dashboard.ingest import ensure_reference
from dashboard.store import connect
from tests.prometheus_fixture import prometheus_sample  # noqa: F401  (session fixture: a real server)


@pytest.fixture(autouse=True)
def hermetic_settings(monkeypatch, tmp_path_factory):
    """No test reads the developer's AIFD_* variables or an aifd.toml in the working folder."""
    import os

    for key in [k for k in os.environ if k.startswith("AIFD_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("AIFD_CONFIG", str(tmp_path_factory.getbasetemp() / "no-aifd.toml"))


@pytest.fixture
def settings() -> Settings:
    """The defaults, as a user without a configuration file has them."""
    return Settings()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture
def con(db_path: Path):
    """An empty store with the shipped reference data, as `aifd ingest` opens it."""
    c = connect(db_path)
    ensure_reference(c)
    yield c
    c.close()


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """A database with the shipped sample loaded (read it with read_only=True, or copy it)."""
    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    c = connect(path)
    reports = list(load_sample(c, SAMPLE_DIR))
    c.close()
    assert all(r.status in ("ok", "partial") for r in reports), [r.summary() for r in reports]
    return path


@pytest.fixture
def sample_copy(sample_db: Path, tmp_path: Path) -> Path:
    """A writable copy of the sample database."""
    dst = tmp_path / "sample.duckdb"
    shutil.copy(sample_db, dst)
    return dst


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def figure(con, name: str, settings: Settings | None = None, **params):
    """A figure as the pages get it: through the figure core, with the default settings."""
    from dashboard import figures

    return figures.run(con, name, settings or Settings(), **params)
