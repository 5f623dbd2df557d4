"""The Prometheus harness really holds the generated fleet: PromQL answers (prometheus-api-client
against the real server of ``prometheus_sample``) equal DuckDB over the generated Parquet."""
from __future__ import annotations

import csv
import json
import math
import shutil
import socket
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from prometheus_api_client import PrometheusConnect

from sample_metrics.generate import generate
from sample_metrics.openmetrics import link_ports, write_openmetrics
from sample_metrics.promserver import (PrometheusError, PrometheusNotFound, PrometheusServer,
                                       backfill, blocks)
from tests.prometheus_fixture import require_prometheus


@pytest.fixture(scope="module")
def prom(prometheus_sample) -> PrometheusConnect:
    return PrometheusConnect(prometheus_sample.url, disable_ssl=True)


@pytest.fixture(scope="module")
def db(prometheus_sample):
    con = duckdb.connect()
    d = prometheus_sample.folder
    for kind in ("gpu", "link", "meter"):
        con.execute(f"CREATE VIEW {kind}_samples AS SELECT * FROM read_parquet('{d}/{kind}_samples-*.parquet')")
    con.execute(f"CREATE VIEW gpus AS SELECT * FROM read_csv('{d}/gpus.csv', all_varchar=true)")
    yield con
    con.close()


def at(prom: PrometheusConnect, query: str, t) -> list[dict]:
    return prom.custom_query(query, params={"time": t.timestamp()})


def scalar(prom: PrometheusConnect, query: str, t) -> float:
    res = at(prom, query, t)
    assert len(res) == 1, (query, res)
    return float(res[0]["value"][1])


def mid(s):
    """A sample timestamp in the middle of the day (Munich business hours: GPUs busy)."""
    return s.start + timedelta(hours=11)


def test_blocks_hold_every_sample_written(prometheus_sample):
    om = prometheus_sample.openmetrics.read_text().splitlines()
    n = sum(1 for line in om if line and not line.startswith("#"))
    assert sum(b.samples for b in blocks(prometheus_sample.tsdb)) == n  # none dropped as out of order


def test_power_series_count(prom, db, prometheus_sample):
    s = prometheus_sample
    reporting = db.execute("SELECT count(DISTINCT gpu_uuid) FROM gpu_samples WHERE power_w IS NOT NULL").fetchone()[0]
    assert reporting == 64
    assert scalar(prom, "count(count_over_time(DCGM_FI_DEV_POWER_USAGE[1d]))", s.end) == reporting
    assert scalar(prom, "count(DCGM_FI_DEV_POWER_USAGE)", mid(s)) == reporting


def test_missing_profiling_counters_are_absent_not_nan(prom, db, prometheus_sample):
    t = mid(prometheus_sample)
    with_prof = db.execute("SELECT count(*) FROM gpu_samples WHERE ts = $t AND tensor_active IS NOT NULL",
                           {"t": t}).fetchone()[0]
    assert 0 < with_prof < 64  # the fleet has GPUs without profiling counters
    assert scalar(prom, "count(DCGM_FI_PROF_PIPE_TENSOR_ACTIVE)", t) == with_prof
    assert at(prom, "DCGM_FI_PROF_SM_ACTIVE != DCGM_FI_PROF_SM_ACTIVE", t) == []  # no NaN stored


def test_sum_of_power_over_the_whole_day(prom, db, prometheus_sample):
    s = prometheus_sample
    res = prom.custom_query_range("sum(DCGM_FI_DEV_POWER_USAGE)", s.start, s.end, f"{s.interval_s}s")
    got = {int(t): float(v) for t, v in res[0]["values"]}
    want = dict(db.execute("SELECT epoch(ts)::BIGINT, sum(power_w::DOUBLE) FROM gpu_samples "
                           "GROUP BY ALL").fetchall())
    assert len(got) == len(want) == 1440
    for t, v in want.items():
        assert got[t] == pytest.approx(v, rel=1e-6), t


def test_labels_and_values_per_gpu(prom, db, prometheus_sample):
    t = mid(prometheus_sample)
    res = at(prom, "DCGM_FI_DEV_GPU_TEMP", t)
    got = {tuple(sorted(r["metric"].items())): float(r["value"][1]) for r in res}
    rows = db.execute("SELECT g.gpu_index, s.gpu_uuid, g.model, g.hostname, s.temp_c FROM gpu_samples s "
                      "JOIN gpus g USING (gpu_uuid) WHERE s.ts = $t", {"t": t}).fetchall()
    want = {tuple(sorted({"__name__": "DCGM_FI_DEV_GPU_TEMP", "gpu": i, "UUID": u, "modelName": m,
                          "Hostname": h}.items())): float(v) for i, u, m, h, v in rows}
    assert got == want


def test_energy_counter_raw_samples_closed_range(prom, db, prometheus_sample):
    """x[1h] at t holds the samples in [t - 1h, t]: both ends (Prometheus 2.x)."""
    t = mid(prometheus_sample)
    uuid = db.execute("SELECT min(gpu_uuid) FROM gpu_samples").fetchone()[0]
    res = at(prom, f'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_total{{UUID="{uuid}"}}[1h]', t)
    got = [(int(ts), float(v)) for ts, v in res[0]["values"]]
    want = db.execute("SELECT epoch(ts)::BIGINT, energy_j * 1000 FROM gpu_samples WHERE gpu_uuid = $u "
                      "AND ts BETWEEN $t - INTERVAL 1 HOUR AND $t ORDER BY ts", {"u": uuid, "t": t}).fetchall()
    assert len(got) == 61
    assert got == [(ts, float(v)) for ts, v in want]


def test_increase_across_a_counter_reset(prom, db, prometheus_sample):
    """increase() over a window with samples on both ends is exact, and handles the reset as the
    product does: a decrease means the new value is the increase since the reset."""
    s = prometheus_sample
    reset_uuids = json.loads((s.folder / "manifest.json").read_text())["design"]["energy_reset_gpus"]
    uuid = reset_uuids[0]
    reset_ts = db.execute("SELECT ts FROM (SELECT ts, energy_j - lag(energy_j) OVER (ORDER BY ts) AS d "
                          "FROM gpu_samples WHERE gpu_uuid = $u) WHERE d < 0", {"u": uuid}).fetchall()
    assert len(reset_ts) == 1
    t = reset_ts[0][0] + timedelta(minutes=30)
    sql = ("SELECT gpu_uuid, sum(CASE WHEN d >= 0 THEN d ELSE e END) FILTER (WHERE d IS NOT NULL) * 1000 FROM ("
           " SELECT gpu_uuid, ts, energy_j AS e, energy_j - lag(energy_j) OVER (PARTITION BY gpu_uuid ORDER BY ts) AS d"
           " FROM gpu_samples WHERE ts BETWEEN $t - INTERVAL 1 HOUR AND $t) GROUP BY gpu_uuid")
    want = dict(db.execute(sql, {"t": t}).fetchall())
    got = {r["metric"]["UUID"]: float(r["value"][1])
           for r in at(prom, "increase(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_total[1h])", t)}
    assert set(got) == set(want)
    for u, v in want.items():
        assert got[u] == pytest.approx(float(v), rel=1e-9), u
    naive = at(prom, f'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_total{{UUID="{uuid}"}} - '
                     f'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_total{{UUID="{uuid}"}} offset 1h', t)
    assert float(naive[0]["value"][1]) < 0 < got[uuid]  # the reset is inside the window


def test_link_counters_snmp_and_node(prom, db, prometheus_sample):
    s = prometheus_sample
    t = mid(s)
    ports = link_ports(s.folder)
    rows = db.execute("SELECT link_id, rx_bytes, tx_bytes FROM link_samples WHERE ts = $t", {"t": t}).fetchall()
    assert len(rows) == len(ports) == 6
    snmp_rx = {r["metric"]["ifAlias"]: float(r["value"][1]) for r in at(prom, "ifHCInOctets_total", t)}
    node_tx = {(r["metric"]["instance"], r["metric"]["device"]): float(r["value"][1])
               for r in at(prom, "node_network_transmit_bytes_total", t)}
    for link, rx, tx in rows:
        p = ports[link]
        assert snmp_rx[link] == float(rx)  # counters above 2**53 are rounded to float64 alike
        assert node_tx[(f"{p.host}:9100", p.if_name)] == float(tx)
    speed = {r["metric"]["ifAlias"]: float(r["value"][1]) for r in at(prom, "ifHighSpeed", t)}
    assert speed == {l: p.capacity_gbps * 1000 for l, p in ports.items()}


def test_facility_meters(prom, db, prometheus_sample):
    s = prometheus_sample
    res = prom.custom_query_range('facility_power_kw{meter="facility"}', s.start, s.end, "5m")
    got = {int(t): float(v) for t, v in res[0]["values"]}
    want = dict(db.execute("SELECT epoch(ts)::BIGINT, power_kw::DOUBLE FROM meter_samples "
                           "WHERE meter_id = 'facility' AND minute(ts) % 5 = 0").fetchall())
    assert len(got) == len(want) == 288
    for t, v in want.items():
        assert got[t] == pytest.approx(v, rel=1e-6)
    kwh = scalar(prom, 'increase(facility_energy_kwh_total{meter="it",kind="it"}[1h])', mid(s))
    want_kwh = db.execute("SELECT max(energy_kwh) - min(energy_kwh) FROM meter_samples WHERE meter_id = 'it' "
                          "AND ts BETWEEN $t - INTERVAL 1 HOUR AND $t", {"t": mid(s)}).fetchone()[0]
    assert kwh == pytest.approx(want_kwh, rel=1e-9)


def test_lookback_without_staleness_markers(prom, prometheus_sample):
    """Back-filled series have no staleness markers: they answer up to the 5 min lookback after
    their last sample, then vanish."""
    end = prometheus_sample.end
    assert scalar(prom, "count(DCGM_FI_DEV_POWER_USAGE)", end + timedelta(minutes=5)) == 64
    assert at(prom, "count(DCGM_FI_DEV_POWER_USAGE)", end + timedelta(minutes=5, seconds=1)) == []


def test_openmetrics_file_follows_the_spec(prometheus_sample):
    """Families and series not interleaved, timestamps increasing per series, no NaN, # EOF last,
    counter samples named <family>_total."""
    types, done_families = {}, set()
    current_family, last_ts, done_series, current_series = None, {}, set(), None
    lines = prometheus_sample.openmetrics.read_text().split("\n")
    assert lines[-2:] == ["# EOF", ""]
    for line in lines[:-2]:
        if line.startswith("# TYPE "):
            _, _, fam, typ = line.split(" ")
            assert fam not in done_families
            if current_family:
                done_families.add(current_family)
            current_family, types[fam] = fam, typ
            continue
        if line.startswith("#"):
            assert line.startswith("# HELP ")
            continue
        series, value, ts = line.rsplit(" ", 2)
        name = series.split("{")[0]
        assert name == current_family + ("_total" if types[current_family] == "counter" else "")
        assert not math.isnan(float(value))
        if series != current_series:
            assert series not in done_series, f"series interleaved: {series}"
            if current_series:
                done_series.add(current_series)
            current_series = series
        else:
            assert float(ts) > last_ts[series]
        last_ts[series] = float(ts)
    assert types["DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION"] == "counter"


# --------------------------------------------------------------------------------------------
# options, errors and the server's life cycle (own tiny fleet)
# --------------------------------------------------------------------------------------------
TINY = dict(gpus=16, days=0.25, interval_s=300, seed=5, start="2026-11-16T08:00:00Z")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("tiny") / "fleet"
    generate(d, **TINY)
    return d


def test_scrape_names_and_peaks_served(tiny, tmp_path):
    require_prometheus()
    om = tmp_path / "tiny.om"
    rep = write_openmetrics(tiny, om, links=("snmp",), counters="scrape", peak_precisions=("bf16",))
    text = om.read_text()
    assert "# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION unknown\n" in text
    assert "# TYPE ifHCInOctets unknown\n" in text and "node_network" not in text
    assert rep.samples["DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION"] == rep.gpu_rows == 16 * 72
    created = backfill(om, tmp_path / "tsdb")
    assert sum(b.samples for b in created) == rep.total_samples
    with PrometheusServer(tmp_path / "tsdb", lookback_delta="10m") as server:
        prom = PrometheusConnect(server.url, disable_ssl=True)
        proc, port = server.proc, server.port
        con = duckdb.connect()
        t = rep.start + timedelta(hours=3, seconds=150)  # between two 300 s samples
        want = con.execute(
            f"SELECT sum(s.tensor_active::DOUBLE * CASE g.model WHEN 'NVIDIA B200' THEN 2250 ELSE 500 END) "
            f"FROM read_parquet('{tiny}/gpu_samples-*.parquet') s JOIN read_csv('{tiny}/gpus.csv') g "
            f"USING (gpu_uuid) WHERE s.ts = $t", {"t": t - timedelta(seconds=150)}).fetchone()[0]
        got = scalar(prom, 'sum(DCGM_FI_PROF_PIPE_TENSOR_ACTIVE * on(UUID) '
                           'aifd_gpu_peak_tflops{precision="bf16"})', t)
        assert got == pytest.approx(want, rel=1e-6)
        assert scalar(prom, "count(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION)", t) == 16
        assert scalar(prom, "count(aifd_gpu_max_boost_mhz)", t) == 16
    assert server.proc is None and proc.returncode == 0 and server.last_log  # SIGTERM: clean exit
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_missing_binaries_are_named(tmp_path):
    with pytest.raises(PrometheusNotFound, match="no-such-prometheus"):
        PrometheusServer(tmp_path, binary="no-such-prometheus").start()
    (tmp_path / "x.om").write_text("# EOF\n")
    with pytest.raises(PrometheusNotFound, match="/nonexistent/promtool"):
        backfill(tmp_path / "x.om", tmp_path / "tsdb", promtool="/nonexistent/promtool")


def test_backfill_error_names_the_file(tmp_path):
    require_prometheus()
    bad = tmp_path / "bad.om"
    bad.write_text('# TYPE g gauge\ng{a="b"} 1 1763251200\n')  # no # EOF
    with pytest.raises(PrometheusError, match=r"bad\.om.*EOF"):
        backfill(bad, tmp_path / "tsdb")


def test_duplicate_day_file_is_refused(tiny, tmp_path):
    d = tmp_path / "fleet"
    shutil.copytree(tiny, d)
    shutil.copy(d / "gpu_samples-2026-11-16.parquet", d / "gpu_samples-2026-11-17.parquet")
    with pytest.raises(ValueError, match=r"GPU GPU-[0-9a-f-]+ has two samples .* 2026-11-16 08:00:00 UTC"):
        write_openmetrics(d, tmp_path / "x.om")
    assert not (tmp_path / "x.om").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # parts removed


def test_gpu_missing_from_inventory_is_named(tiny, tmp_path):
    d = tmp_path / "fleet"
    shutil.copytree(tiny, d)
    with open(d / "gpus.csv", newline="") as f:
        rows = list(csv.reader(f))
    with open(d / "gpus.csv", "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows[:1] + rows[2:])
    with pytest.raises(ValueError, match=rf"gpu_samples-2026-11-16\.parquet: row 1: GPU {rows[1][0]} is not in gpus.csv"):
        write_openmetrics(d, tmp_path / "x.om")


def test_missing_binaries_skip_locally_and_fail_in_ci(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: neither binary is found
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="prometheus and promtool not installed"):
        require_prometheus()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="prometheus and promtool not installed"):
        require_prometheus()
