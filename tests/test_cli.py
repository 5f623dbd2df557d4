"""The `aifd` command as a user runs it: demo with a generated fleet, ingest exit codes, log and rejects."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dashboard.store import connect

from .conftest import write


def aifd(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_demo_generates_and_loads_a_fleet(tmp_path):
    db = tmp_path / "demo.duckdb"
    out = aifd("--db", str(db), "demo", "--gpus", "16", "--days", "0.25", "--interval", "300",
               "--out", str(tmp_path / "gen"))
    assert out.returncode == 0, out.stderr
    assert "generating 16 GPUs" in out.stdout and "failed" not in out.stdout
    con = connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM gpus").fetchall()[0][0] == 16
    assert con.execute("SELECT count(*) FROM gpu_samples").fetchall()[0][0] == 16 * 72
    con.close()
    again = aifd("--db", str(db), "demo", "--source", str(tmp_path / "gen"))
    assert again.returncode == 0 and again.stdout.count(": skipped") >= 6


def test_ingest_exit_codes_and_the_log(tmp_path):
    db = tmp_path / "x.duckdb"
    good = write(tmp_path / "gpus.csv", "gpu_uuid,hostname,model\nGPU-1,h1,NVIDIA B200\n")
    bad = write(tmp_path / "bad.csv", "what,is,this\n1,2,3\n")
    assert aifd("--db", str(db), "ingest", str(good)).returncode == 0
    r = aifd("--db", str(db), "ingest", str(bad))
    assert r.returncode == 1 and "cannot tell what these columns hold" in r.stdout
    log = aifd("--db", str(db), "loads")
    assert log.returncode == 0 and "failed" in log.stdout and "gpus.csv" in log.stdout


def test_rejects_command_lists_line_and_reason(tmp_path):
    db = tmp_path / "x.duckdb"
    write(tmp_path / "gpus.csv", "gpu_uuid,hostname,model\nGPU-1,h1,NVIDIA B200\n")
    write(tmp_path / "s.csv", "ts,gpu_uuid,power_w\n2026-11-16T00:00:00Z,GPU-1,-4\n")
    assert aifd("--db", str(db), "ingest", str(tmp_path)).returncode == 0
    r = aifd("--db", str(db), "rejects")
    assert r.returncode == 0 and "negative power -4.0 W" in r.stdout and "s.csv" in r.stdout


def test_unknown_query_and_bad_parameter_are_named(tmp_path, sample_db):
    r = aifd("--db", str(sample_db), "query", "no_such_query")
    assert r.returncode == 2 and "no query named 'no_such_query'" in r.stderr
    r = aifd("--db", str(sample_db), "query", "energy_power", "-p", "bucket_minutes=abc")
    assert r.returncode == 2 and "energy_power.bucket_minutes" in r.stderr and "Traceback" not in r.stderr
