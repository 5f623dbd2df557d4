"""`aifd bench` on a small fleet: it runs end to end, times every figure the pages draw without an
error, and its cached data is reused only while the generator is the same."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from dashboard.benchmark import generator_digest, page_figures
from tests.prometheus_fixture import require_prometheus


def bench(work: Path) -> tuple[str, dict]:
    out = subprocess.run([sys.executable, "-m", "dashboard.cli", "bench", "--gpus", "64", "--days", "0.1",
                          "--repeat", "2", "--no-prometheus", "--no-browser", "--no-formats", "--work", str(work)],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    return out.stdout, json.loads((work / "bench-64-0.1d.json").read_text())


def test_bench_times_every_page_figure_and_regenerates_stale_data(tmp_path):
    text, report = bench(tmp_path)
    assert "generating 64 GPUs" in text
    timed = {f["figure"]: f for f in report["figures"]["1x"]}
    assert set(timed) == set(page_figures())
    assert not [f for f in timed.values() if "error" in f]
    assert all(f["warm_p95_ms"] >= f["warm_p50_ms"] > 0 for f in timed.values())
    (ingest,) = report["ingest"]
    assert ingest["gpu_rows"] == 64 * 144 and ingest["ratio_to_bare"] > 0 and report["memory"]["ingest_peak_mib"] > 0

    marker = tmp_path / "fleet-64-0.1d-60s" / "generator.sha"
    assert marker.read_text().strip() == generator_digest()
    text, _ = bench(tmp_path)
    assert "generating" not in text                      # same generator: the data is reused
    marker.write_text("made-by-another-version\n")
    text, _ = bench(tmp_path)
    assert "generating 64 GPUs" in text                  # another generator: made again


def test_bench_asks_a_real_prometheus_the_same_questions_and_the_answers_agree(tmp_path):
    require_prometheus()
    # 0.1 day ends 24 minutes into its third hour: the bench compares the two whole hours
    out = subprocess.run([sys.executable, "-m", "dashboard.cli", "bench", "--gpus", "64", "--days", "0.1",
                          "--repeat", "1", "--no-browser", "--no-formats", "--work", str(tmp_path)],
                         capture_output=True, text=True, timeout=400)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    report = json.loads((tmp_path / "bench-64-0.1d.json").read_text())
    asked = {q["figure"]: q for q in report["prometheus"]}
    assert set(asked) == {"energy_power", "ops_utilization", "perf_delivered", "perf_pods",
                          "perf_idle_gpus", "perf_unhealthy_gpus", "energy_headline"}
    for q in asked.values():
        assert "error" not in q, q
        assert q["agrees"] is True, q                    # a JSON boolean, not the string "True"
        assert q["promql_p50_ms"] > 0 and q["ratio"] > 0
    assert "DIFFERS" not in out.stdout and "PromQL failed" not in out.stdout


def test_the_text_baseline_copies_exposition_lines_whatever_they_hold(tmp_path):
    """OpenMetrics' bare baseline reads the file as lines: quotes, commas, tabs and '#' must not
    split or reject a line (else the baseline would time less work than the file holds)."""
    from dashboard.benchmark import bare_text_lines

    text = tmp_path / "x.om"
    text.write_text('# HELP m A "quoted", help\tline\n'
                    'DCGM_FI_DEV_GPU_TEMP{gpu="0",UUID="GPU-1",modelName="NVIDIA B200, SXM"} 61 1763251200000\n'
                    'ifHCInOctets{ifDescr="eth0\\"x"} 1e+10\n# EOF\n')
    assert bare_text_lines(text, tmp_path) > 0
    assert not (tmp_path / "bare_text.duckdb").exists()
