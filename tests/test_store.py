"""The store while another process writes: a clear message, never a traceback."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.store import StoreBusy, connect

HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); time.sleep(60)"


@pytest.fixture
def locked(sample_copy: Path):
    """The sample database with a write lock held by another process, as during `aifd ingest`."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(sample_copy)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    yield sample_copy
    proc.kill()
    proc.wait()


def test_read_while_a_load_writes_names_the_reason(locked):
    with pytest.raises(StoreBusy, match="in use by another process .*PID"):
        connect(locked, read_only=True)


def test_cli_says_the_store_is_busy(locked):
    out = subprocess.run([sys.executable, "-m", "dashboard.cli", "--db", str(locked), "query", "store_contents"],
                         capture_output=True, text=True)
    assert out.returncode == 2 and "in use by another process" in out.stderr and "Traceback" not in out.stderr


def test_page_waits_then_says_the_store_is_busy(locked, monkeypatch):
    monkeypatch.setenv("AIFD_DB", str(locked))
    monkeypatch.setattr("dashboard.ui.BUSY_WAIT_S", 0.5)
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "dashboard" / "views" / "data.py"),
                           default_timeout=60)
    t = time.monotonic()
    at.run()
    assert not at.exception
    assert "store is busy" in at.warning[0].value
    assert time.monotonic() - t >= 0.5


def test_a_writer_waits_for_a_short_lock_to_pass(sample_copy):
    brief = HOLD.replace("time.sleep(60)", "time.sleep(1.5)")
    proc = subprocess.Popen([sys.executable, "-c", brief, str(sample_copy)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    with pytest.raises(StoreBusy):
        connect(sample_copy, wait_s=0)
    con = connect(sample_copy, wait_s=20)  # what `aifd ingest` does
    assert con.execute("SELECT count(*) FROM gpus").fetchall()[0][0] > 0
    con.close()
    proc.wait()


# ------------------------------------------------------------------ migrations and definitions

def _copy_tree(src: Path, dst: Path) -> Path:
    import shutil

    shutil.copytree(src, dst)
    return dst


def test_an_edited_definition_takes_effect_on_the_next_connection(sample_copy, tmp_path):
    from dashboard.store import DEFINITIONS_DIR

    defs = _copy_tree(DEFINITIONS_DIR, tmp_path / "definitions")
    con = connect(sample_copy, read_only=True, definitions_dir=defs)
    before = con.execute("SELECT count(*) FILTER (WHERE is_hot(temp_c, 85)) FROM gpu_samples").fetchall()[0][0]
    con.close()
    perf = defs / "010_performance.sql"
    perf.write_text(perf.read_text().replace(
        "CREATE OR REPLACE TEMP MACRO is_hot(temp, hot_temp_c) AS temp > hot_temp_c;",
        "CREATE OR REPLACE TEMP MACRO is_hot(temp, hot_temp_c) AS temp > hot_temp_c - 10;"))
    con = connect(sample_copy, read_only=True, definitions_dir=defs)  # the same, existing database
    after = con.execute("SELECT count(*) FILTER (WHERE is_hot(temp_c, 85)) FROM gpu_samples").fetchall()[0][0]
    by_hand = con.execute("SELECT count(*) FILTER (WHERE temp_c > 75) FROM gpu_samples").fetchall()[0][0]
    con.close()
    assert before > 0 and after == by_hand > before


def test_an_edited_applied_migration_is_refused(db_path, tmp_path):
    from dashboard.store import SCHEMA_DIR, MigrationError

    schema = _copy_tree(SCHEMA_DIR, tmp_path / "schema")
    connect(db_path, schema_dir=schema).close()
    first = schema / "001_init.sql"
    first.write_text(first.read_text().replace("hot_temp", "hot_temp") + "\nCREATE TABLE sneaky (x INTEGER);\n")
    with pytest.raises(MigrationError, match="001_init.sql was changed after this database applied it"):
        connect(db_path, schema_dir=schema)
    with pytest.raises(MigrationError, match="changed after"):
        connect(db_path, read_only=True, schema_dir=schema)
    # a new migration instead is applied
    first.write_text((SCHEMA_DIR / "001_init.sql").read_text())
    (schema / "099_more.sql").write_text("CREATE TABLE more (x INTEGER);\n")
    con = connect(db_path, schema_dir=schema)
    assert con.execute("SELECT max(version) FROM schema_migrations").fetchall() == [(99,)]
    con.close()


def test_a_database_from_a_newer_version_is_refused(db_path):
    from dashboard.store import MigrationError

    con = connect(db_path)
    con.execute("INSERT INTO schema_migrations VALUES (900, 'future', 'x', now()::TIMESTAMP)")
    con.close()
    with pytest.raises(MigrationError, match="newer version"):
        connect(db_path)
