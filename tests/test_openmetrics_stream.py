"""The OpenMetrics reader streams (issue 17, "Scale"): a file is read in blocks of lines and its
samples appended to DuckDB in chunks, so the rules that need the whole file (duplicates, conflicts,
the last line, `# EOF`, info series after the interfaces) are checked in SQL. Real DuckDB files;
the block, chunk and cache sizes are made tiny here so that every boundary is crossed. Peak memory
is measured by a command (docs/performance.md, "OpenMetrics ingest"), not here.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from dashboard.ingest import ensure_reference, load_path, load_paths
from dashboard.ingest import openmetrics as om
from dashboard.store import connect

from .conftest import write

T0 = datetime(2026, 11, 16)
EPOCH_T0 = 1794787200
H = 'modelName="NVIDIA H100 80GB HBM3",Hostname="hgx-01"'


def _gpu(i: int, extra: str = "") -> str:
    return f'gpu="{i}",UUID="GPU-s{i}",{H}{extra}'


# Every rule at once, in Prometheus text format (ms timestamps): good samples, a duplicate series far
# from its first line, the same series with its labels in another order (a duplicate too), a
# conflicting pair that differs in the pod label, NaN, a value past a limit, a timestamp in µs, a
# label given twice, an exemplar, CRLF lines, interfaces before the node_uname_info that names
# their host, a comment run, and a last line without its line break.
def _mixed() -> str:
    lines = ["# HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).", "# TYPE DCGM_FI_DEV_POWER_USAGE gauge"]
    for minute in range(30):
        ms = (EPOCH_T0 + 60 * minute) * 1000
        lines += [f"DCGM_FI_DEV_POWER_USAGE{{{_gpu(i)}}} {500 + i + minute} {ms}" for i in range(4)]
        lines.append(f"DCGM_FI_DEV_GPU_TEMP{{{_gpu(0)}}} {50 + minute % 3} {ms}\r")
    ms0 = EPOCH_T0 * 1000
    lines += [
        f"DCGM_FI_DEV_POWER_USAGE{{{_gpu(1)}}} 501 {ms0}",                              # duplicate of line 4
        f'DCGM_FI_DEV_POWER_USAGE{{Hostname="hgx-01",modelName="NVIDIA H100 80GB HBM3",UUID="GPU-s2",gpu="2"}} 502 {ms0}',
        f"DCGM_FI_DEV_GPU_UTIL{{{_gpu(5)}}} 40 {ms0}",
        f'DCGM_FI_DEV_GPU_UTIL{{{_gpu(5, ",pod=" + chr(34) + "trainer-0" + chr(34))}}} 41 {ms0}',
        f"DCGM_FI_DEV_GPU_UTIL{{{_gpu(6)}}} NaN {ms0}",
        f"DCGM_FI_DEV_GPU_UTIL{{{_gpu(7)}}} 400 {ms0}",
        f"DCGM_FI_DEV_GPU_UTIL{{{_gpu(8)}}} 4 {ms0 * 1000}",
        f'DCGM_FI_DEV_GPU_UTIL{{gpu="9",gpu="9",UUID="GPU-s9"}} 4 {ms0}',
        f'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_total{{{_gpu(0)}}} 1000 {ms0} # {{trace_id="a"}} 1',
        "# a comment", "", "# another",
        'node_network_receive_bytes_total{device="eth0"} 1e9',
        'node_network_transmit_bytes_total{device="lo"} 5',
        'node_uname_info{nodename="gpu-node-07",sysname="Linux"} 1',
        f"DCGM_FI_DEV_GPU_TEMP{{{_gpu(3)}}} 60",
    ]
    return "\n".join(lines)  # no line break after the last line


def _stored(con) -> dict[str, list]:
    return {
        "gpu": con.execute("SELECT g.gpu_uuid, s.* EXCLUDE (gpu_id, load_id) FROM gpu_samples s "
                           "JOIN gpus g USING (gpu_id) ORDER BY ALL").fetchall(),
        "link": con.execute("SELECT l.link_name, s.* EXCLUDE (link_id, load_id) FROM link_samples s "
                            "JOIN links l USING (link_id) ORDER BY ALL").fetchall(),
        "rejects": con.execute("SELECT line, series, reason, raw FROM rejects ORDER BY ALL").fetchall(),
    }


def _load(tmp_path: Path, name: str, text: str, **kw):
    con = connect(tmp_path / f"{name}.duckdb")
    ensure_reference(con)
    report = load_path(con, write(tmp_path / name, text), at=T0, **kw)
    out = _stored(con), report
    con.close()
    return out


def test_every_rule_holds_across_block_chunk_and_cache_boundaries(tmp_path, monkeypatch):
    text = _mixed()
    whole, report = _load(tmp_path, "whole.prom", text)
    assert report.status == "partial", report.summary()
    reasons = {line: reason for line, _s, reason, _r in whole["rejects"]}
    raws = {line: raw for line, _s, _r, raw in whole["rejects"]}
    n = len(text.split("\n"))
    first_extra = 3 + 30 * 5
    assert reasons[first_extra] == "duplicate series (first at line 4)"
    assert raws[first_extra] == text.split("\n")[first_extra - 1]        # the line itself, read again
    assert reasons[first_extra + 1] == "duplicate series (first at line 5)"  # labels in another order
    assert reasons[first_extra + 2] == reasons[first_extra + 3] and "differ in label pod" in reasons[first_extra + 2]
    assert reasons[first_extra + 4] == "DCGM_FI_DEV_GPU_UTIL value NaN is not a number"
    assert reasons[first_extra + 5] == "DCGM_FI_DEV_GPU_UTIL: util 400.0 is outside 0..100 %"
    assert "microseconds given?" in reasons[first_extra + 6]
    assert reasons[first_extra + 7] == "DCGM_FI_DEV_GPU_UTIL: label gpu given twice"
    assert reasons[n].startswith("truncated last line")
    assert len(whole["rejects"]) == 9
    assert len(whole["gpu"]) == 30 * 4 and len(whole["link"]) == 2   # temperature and energy join power
    temps = [r[9] for r in whole["gpu"] if r[0] == "GPU-s0"]               # read from CRLF lines
    assert temps == [50 + m % 3 for m in range(30)]
    assert "nodename gpu-node-07 taken as the host" in report.summary()  # uname after the interfaces

    # The same file read 37 bytes at a time, 7 samples to a chunk, 3 label sets and timestamps
    # remembered: nothing changes.
    monkeypatch.setattr(om, "BLOCK_BYTES", 37)
    monkeypatch.setattr(om, "CHUNK_SAMPLES", 7)
    monkeypatch.setattr(om, "CACHE_ENTRIES", 3)
    small, small_report = _load(tmp_path, "small.prom", text)
    assert small == whole
    assert small_report.summary().split("\n")[1:] == report.summary().split("\n")[1:]


@pytest.mark.parametrize("block", [1 << 22, 29])
def test_openmetrics_end_rules_across_blocks(tmp_path, monkeypatch, block):
    monkeypatch.setattr(om, "BLOCK_BYTES", block)
    body = "".join(f'DCGM_FI_DEV_GPU_TEMP{{{_gpu(0)}}} {50 + m % 5} {EPOCH_T0 + 60 * m}\n' for m in range(20))
    comments = "# TYPE x gauge\n" * 5
    stored, r = _load(tmp_path, "eof.om", body + comments + "# EOF\n" + body)       # lines after # EOF
    assert len(stored["gpu"]) == 20 and {x[2] for x in stored["rejects"]} == {
        "after # EOF: an OpenMetrics exposition ends there"} and len(stored["rejects"]) == 20
    stored, r = _load(tmp_path, "cut.om", body + comments)                          # no # EOF
    assert [x[:1] for x in stored["rejects"]] == [(20,)] and len(stored["gpu"]) == 19
    assert "OpenMetrics without `# EOF`" in r.summary()
    stored, r = _load(tmp_path, "noeol.om", body + "# EOF")                         # # EOF without \n
    assert stored["rejects"] == [] and len(stored["gpu"]) == 20


def test_prom_file_that_declares_units_deep_inside_is_read_as_openmetrics(tmp_path, monkeypatch):
    monkeypatch.setattr(om, "BLOCK_BYTES", 64)  # the declaration lies blocks away from both ends
    lines = [f'DCGM_FI_DEV_GPU_TEMP{{{_gpu(0)}}} 50 {EPOCH_T0 + 60 * m}' for m in range(10)]
    text = "\n".join(lines[:5] + ["# UNIT DCGM_FI_DEV_GPU_TEMP celsius"] + lines[5:]) + "\n# TYPE x gauge\n" * 3
    stored, r = _load(tmp_path, "units.prom", text)
    assert stored["gpu"][0][1] == T0    # seconds, as OpenMetrics has them (no "milliseconds" reject)
    assert len(stored["gpu"]) == 9 and "OpenMetrics without `# EOF`" in r.summary()


def test_text_that_is_not_utf8_names_its_line_in_a_later_block(tmp_path, monkeypatch):
    monkeypatch.setattr(om, "BLOCK_BYTES", 50)
    path = tmp_path / "bad.prom"
    good = f'DCGM_FI_DEV_GPU_TEMP{{{_gpu(0)}}} 50\n'.encode()
    path.write_bytes(good * 7 + b'DCGM_FI_DEV_GPU_TEMP{UUID="\xff"} 1\n' + good)
    con = connect(tmp_path / "u.duckdb")
    ensure_reference(con)
    r = load_path(con, path, at=T0)
    assert r.status == "failed" and r.message == f"{path}: not UTF-8 text (line 8: invalid start byte)"
    assert con.execute("SELECT count(*) FROM gpu_samples").fetchall() == [(0,)]


def test_a_line_longer_than_the_reader_holds_fails_the_file_by_its_number(tmp_path, monkeypatch):
    monkeypatch.setattr(om, "BLOCK_BYTES", 16)
    monkeypatch.setattr(om, "MAX_LINE_BYTES", 120)
    text = f'DCGM_FI_DEV_GPU_TEMP{{{_gpu(0)}}} 50\n' + "x" * 150 + "\n"
    stored, r = _load(tmp_path, "long.prom", text)
    assert r.status == "failed" and "line 2 is longer than" in r.message and stored["gpu"] == []


def test_a_file_of_whitespace_is_empty(tmp_path):
    _stored_, r = _load(tmp_path, "blank.prom", " \n\t\n")
    assert r.status == "failed" and r.message.endswith("empty file")


def test_parse_exposition_reads_what_the_file_reader_reads(tmp_path):
    """The in-memory reader runs the same scanner: same samples and line rejects."""
    text = _mixed()
    parsed = om.parse_exposition(text, T0, openmetrics=False)
    assert [r[0] for r in parsed.rejects] == [3 + 30 * 5 + 6, 3 + 30 * 5 + 7, len(text.split("\n"))]
    assert len(parsed.rows) == len(text.split("\n")) - 2 - 3 - 3   # headers, comments/blank, rejects
    row = next(r for r in parsed.rows if r.line == 3 + 30 * 5 + 8)
    assert row.metric == "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_total" and row.value == 1000.0
    assert row.ts == T0 and row.labels["UUID"] == "GPU-s0" and row.raw == text.split("\n")[row.line - 1]


# ---------------------------------------------------------------- a real-format round trip

def test_a_fleet_written_as_openmetrics_stores_the_rows_of_its_parquet(tmp_path):
    """64 GPUs × 1 day every minute (820,800 samples, 132 MB) written by sample_metrics.openmetrics
    as promtool back-fills it, streamed in: the stored GPU and link rows are those of the same
    fleet's Parquet, value for value."""
    from sample_metrics.generate import generate
    from sample_metrics.openmetrics import write_openmetrics

    fleet = tmp_path / "fleet"
    generate(fleet, gpus=64, days=1, interval_s=60)
    rep = write_openmetrics(fleet, tmp_path / "fleet.om", links=("snmp",), meters=False)
    assert rep.total_samples > 800_000
    stored = {}
    inventory = [fleet / "gpus.csv", fleet / "links.csv"]
    parquet = sorted(fleet.glob("gpu_samples-*.parquet")) + sorted(fleet.glob("link_samples-*.parquet"))
    for name, paths in (("parquet", inventory + parquet), ("openmetrics", inventory + [tmp_path / "fleet.om"])):
        con = connect(tmp_path / f"{name}.duckdb")
        ensure_reference(con)
        reports = list(load_paths(con, paths))
        assert all(r.status in ("ok", "skipped") for r in reports), [r.summary() for r in reports]
        stored[name] = {
            "gpu": con.execute("SELECT g.gpu_uuid, s.* EXCLUDE (gpu_id, load_id) FROM gpu_samples s "
                               "JOIN gpus g USING (gpu_id) ORDER BY g.gpu_uuid, s.ts").fetchall(),
            "link": con.execute("SELECT l.link_name, s.ts, s.rx_bytes, s.tx_bytes FROM link_samples s "
                                "JOIN links l USING (link_id) ORDER BY 1, 2").fetchall()}
        con.close()
    p, o = stored["parquet"], stored["openmetrics"]
    assert len(o["gpu"]) == len(p["gpu"]) == rep.gpu_rows
    # energy_j: J written as mJ (dcgm-exporter's unit) and read back × 0.001 in floating point
    energy = 8
    assert [r[:energy] + r[energy + 1:] for r in o["gpu"]] == [r[:energy] + r[energy + 1:] for r in p["gpu"]]
    assert all(a[energy] == pytest.approx(b[energy], rel=1e-12) for a, b in zip(o["gpu"], p["gpu"]))
    assert o["link"] == p["link"] and len(o["link"]) > 0
