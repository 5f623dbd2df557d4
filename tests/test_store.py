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
