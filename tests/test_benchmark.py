"""`aifd bench` on a small fleet: it runs end to end, times every figure the pages draw without an
error, and its cached data is reused only while the generator is the same."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from dashboard.benchmark import generator_digest, page_figures


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
