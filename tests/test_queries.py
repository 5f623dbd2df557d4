"""Named queries against values computed by hand on a tiny fixture; the query loader's rules."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dashboard import figures, queries
from dashboard.config import QUERIES_DIR
from dashboard.ingest import ensure_reference, load_path
from dashboard.store import connect

from .conftest import figure, write

T0 = datetime(2026, 11, 16, 0, 0)
T1, T2 = T0 + timedelta(minutes=10), T0 + timedelta(minutes=20)
END = T2 + timedelta(seconds=1)


def iso(t: datetime) -> str:
    return t.isoformat() + "Z"


@pytest.fixture
def tiny(db_path: Path, tmp_path: Path) -> Path:
    con = connect(db_path)
    ensure_reference(con)
    files = {
        "gpus.csv": "gpu_uuid,hostname,gpu_index,rack,pod,model\n"
                    "GPU-a,n1,0,r1,p1,NVIDIA B200\nGPU-b,n1,1,r1,p1,NVIDIA B200\n"
                    "GPU-c,n2,0,r2,p2,NVIDIA B200\nGPU-d,n2,1,r2,p2,NVIDIA B200\n",
        "meters.csv": "meter_id,kind,description\nfac,facility,site\nit,it,IT\nren,renewable,PPA\nheat,reuse,district heat\n",
        "links.csv": "link_id,a_end,b_end,capacity_gbps,carrier,kind\nup,a,b,10,DT,uplink\n",
        # it resets at T2: its 5 kWh are the energy since the reset
        "meter_samples.csv": "ts,meter_id,power_kw,energy_kwh\n" + "".join(
            f"{iso(t)},{m},{p},{e}\n" for m, vals in {
                "fac": [(700, 100), (720, 112), (740, 124)], "it": [(400, 50), (420, 60), (440, 5)],
                "ren": [(300, 0), (300, 6), (300, 12)], "heat": [(10, 0), (10, 1.2), (10, 2.4)]}.items()
            for t, (p, e) in zip((T0, T1, T2), vals)),
        # 7.5e11 bytes in 600 s = 10 Gbit/s; then a reset: 3.75e11 bytes since = 5 Gbit/s
        "link_samples.csv": f"ts,link_id,rx_bytes,tx_bytes\n{iso(T0)},up,0,0\n{iso(T1)},up,750000000000,0\n"
                            f"{iso(T2)},up,375000000000,0\n",
        "gpu_samples.csv": "ts,gpu_uuid,util,tensor_active,power_w,energy_j,temp_c,xid\n" + "".join(
            f"{iso(t)},{g},{u},{ta},{p},{e},{tc},{x}\n" for g, rows in {
                "GPU-a": [(90, 0.5, 800, 0, 60, 0), (90, 0.5, 800, 3.6e6, 60, 79), (90, 0.5, 800, 7.2e6, 60, 0)],
                "GPU-b": [(80, 0.4, 700, 3.6e6, 90, 0), (80, 0.4, 700, 1.8e6, 91, 0), (80, 0.4, 700, 5.4e6, 88, 0)],
                "GPU-c": [(30, 0.01, 200, 0, 40, 0)] * 3,
                "GPU-d": [(60, 0.3, 600, 0, 50, 0)] * 3}.items()
            for t, (u, ta, p, e, tc, x) in zip((T0, T1, T2), rows)),
    }
    for name in ("gpus.csv", "meters.csv", "links.csv", "meter_samples.csv", "link_samples.csv", "gpu_samples.csv"):
        r = load_path(con, write(tmp_path / name, files[name]))
        assert r.status == "ok", r.summary()
    con.close()
    return db_path


def run(db: Path, name: str, **params):
    con = connect(db, read_only=True)
    try:
        return figure(con, name, **params).frame
    finally:
        con.close()


def test_energy_kpis_from_counters_with_resets(tiny):
    e = run(tiny, "energy_headline", start=T0, end=END).iloc[0]
    assert e.facility_kwh == pytest.approx(24)
    assert e.it_kwh == pytest.approx(15)          # 10, then 5 after the reset (not -55)
    assert e.pue == pytest.approx(1.6)
    assert e.ref == pytest.approx(0.5)
    assert e.erf == pytest.approx(0.1)
    assert e.gpu_kwh == pytest.approx(3.5)        # GPU-a 2 kWh, GPU-b 0.5 after its reset + 1
    assert e.counter_resets == 2
    assert e.facility_kw_avg == pytest.approx(720) and e.facility_kw_peak == pytest.approx(740)


def test_energy_over_adjacent_ranges_adds_up(tiny):
    whole = run(tiny, "energy_headline", start=T0, end=END).iloc[0].facility_kwh
    a = run(tiny, "energy_headline", start=T0, end=T1 + timedelta(seconds=1)).iloc[0].facility_kwh
    b = run(tiny, "energy_headline", start=T1 + timedelta(seconds=1), end=END).iloc[0].facility_kwh
    assert (a, b) == (pytest.approx(12), pytest.approx(12)) and a + b == pytest.approx(whole)


def test_link_rates_treat_a_counter_reset_as_a_restart(tiny):
    f = run(tiny, "net_link_utilization", start=T0, end=END, bucket_minutes=10)
    assert f["bucket"].tolist() == [T1, T2]
    assert f["rx_gbps"].tolist() == [pytest.approx(10), pytest.approx(5)]
    assert f["util_pct"].tolist() == [pytest.approx(100), pytest.approx(50)]
    assert f["resets"].tolist() == [0, 1]
    s = run(tiny, "net_link_summary", start=T0, end=END).iloc[0]
    assert s.rx_gbps_avg == pytest.approx(7.5) and s.peak_util_pct == pytest.approx(100)
    assert s.minutes_above_90pct == pytest.approx(10) and s.rx_tb == pytest.approx(1.125) and s.resets == 1


def test_power_by_kind_sums_gpus_once_per_bucket(tiny):
    f = run(tiny, "energy_power", start=T0, end=END, bucket_minutes=60)
    kw = dict(zip(f["series"], f["kw"]))
    assert kw["gpus"] == pytest.approx((800 + 700 + 200 + 600) / 1000)
    assert kw["facility"] == pytest.approx(720) and kw["it"] == pytest.approx(420)


def test_utilization_by_pod(tiny):
    f = run(tiny, "ops_utilization", start=T0, end=END, bucket_minutes=60)
    fleet = f[f.line == "fleet"].iloc[0]
    assert fleet.util_pct == pytest.approx((85 * 6 + 45 * 6) / 12)      # over all samples
    assert (fleet.util_pct_min, fleet.util_pct_max) == (pytest.approx(45), pytest.approx(85))
    assert fleet.pods == 2 and fleet.gpus == 4
    assert f[f.line != "fleet"].pod_rank.tolist() == [1, 2]             # p2 has the least tensor activity
    assert f[f.line != "fleet"].pod.tolist() == ["p2", "p1"]
    assert run(tiny, "ops_utilization", start=T0, end=END, bucket_minutes=60, worst=1).line.tolist() == ["fleet", "p2"]
    by_pod = f[f.line != "fleet"].set_index("pod")
    assert by_pod.loc["p1", "util_pct"] == pytest.approx(85)
    assert by_pod.loc["p1", "tensor_active_pct"] == pytest.approx(45)
    assert by_pod.loc["p2", "tensor_active_pct"] == pytest.approx(15.5)
    assert by_pod.loc["p2", "gpus"] == 2


def test_gpus_needing_attention_named_and_ordered(tiny):
    # GPU-c idles 3 samples 10 minutes apart: a 30-minute run, idle by a 30-minute rule only
    f = run(tiny, "ops_worst_gpus", start=T0, end=END, hot_temp_c=85, idle_threshold=0.05, idle_minutes=30,
            limit=10)
    assert f[["gpu_uuid", "issue"]].values.tolist() == [
        ["GPU-a", "XID 79 (GPU has fallen off the bus)"],
        ["GPU-b", "overheating (91.0 degC)"],
        ["GPU-c", "idle the whole range"],
    ]
    f60 = run(tiny, "ops_worst_gpus", start=T0, end=END, hot_temp_c=85, idle_threshold=0.05, idle_minutes=60,
              limit=10)
    assert f60["gpu_uuid"].tolist() == ["GPU-a", "GPU-b"]
    counts = run(tiny, "ops_attention_counts", start=T0, end=END, hot_temp_c=85, idle_threshold=0.05,
                 idle_minutes=30).set_index("issue_key")["gpus"]
    assert counts["attention"] == len(f) and counts["idle_all_range"] == 1 and counts["xid_79"] == 1


def test_store_contents_and_inventory(tiny):
    c = run(tiny, "store_contents").set_index("table_name")
    assert c.loc["gpu_samples", "rows"] == 12 and c.loc["gpu_samples", "entities"] == 4
    derived = {n.removesuffix(" (derived)") for n in c.index if n.endswith(" (derived)")}
    assert derived == figures.DERIVED_TABLES   # every derived table, as the provenance lines name them
    assert c.loc["gpu_daily (derived)", "entities"] == 4 and c.loc["gpu_steps (derived)", "rows"] == 4
    inv = run(tiny, "fleet_inventory")
    assert inv[["model", "in_catalog", "gpus", "nodes"]].values.tolist() == [["NVIDIA B200", True, 4, 2]]


def helper_query_files() -> list[str]:
    return sorted(str(p.relative_to(QUERIES_DIR).with_suffix("")) for p in QUERIES_DIR.glob("*/*.sql")
                  if p.parent.name not in ("schema", "definitions"))


@pytest.mark.parametrize("name", helper_query_files())
def test_every_helper_query_loads(name):
    assert queries.load(name).title


DRILL = {"pod": "p01", "rack": "p01-r01", "hostname": "dgx-b200-p01-r01-n01"}


@pytest.mark.parametrize("name", queries.names())
def test_every_figure_returns_its_declared_columns_on_the_sample(name, sample_db):
    """figures.run compares the frame with the header's `-- column:` lines; every figure runs here."""
    con = connect(sample_db, read_only=True)
    try:
        q = queries.load(name)
        params = {k: v for k, v in DRILL.items() if any(p.name == k for p in q.params)}
        if any(p.name == "gpu_uuid" for p in q.params):
            params["gpu_uuid"] = con.execute("SELECT min(gpu_uuid) FROM gpus").fetchall()[0][0]
        f = figure(con, name, **params)
    finally:
        con.close()
    assert [c.name for c in f.columns] == list(f.frame.columns)
    assert all(c.label for c in f.columns)
    assert all(p.doc for p in q.params), f"{name}: every parameter says what it is"


def test_a_column_the_header_does_not_declare_is_refused(tmp_path, tiny):
    write(tmp_path / "extra.sql", "-- title: t\n-- returns: one row\n-- column: a count: A\nSELECT 1 AS a, 2 AS b\n")
    q = queries.load("extra", root=tmp_path)
    with pytest.raises(queries.QueryError, match="undeclared: b"):
        q.check_columns(["a", "b"])
    write(tmp_path / "unit.sql", "-- title: t\n-- returns: one row\n-- column: a furlongs: A\nSELECT 1 AS a\n")
    with pytest.raises(queries.QueryError, match="unknown unit 'furlongs'"):
        queries.load("unit", root=tmp_path)
    write(tmp_path / "none.sql", "-- title: t\n-- returns: one row\nSELECT 1 AS a\n")
    with pytest.raises(queries.QueryError, match="declares its columns"):
        queries.load("none", root=tmp_path)


def test_undeclared_parameter_is_refused(tmp_path):
    write(tmp_path / "bad.sql", "-- title: t\n-- returns: r\nSELECT $x\n")
    with pytest.raises(queries.QueryError, match="declared"):
        queries.load("bad", root=tmp_path)


def test_missing_required_parameter_is_named(tiny):
    con = connect(tiny, read_only=True)
    with pytest.raises(queries.QueryError, match="parameter pod"):
        figure(con, "perf_racks", start=T0, end=END)


def test_a_range_not_given_is_the_whole_stored_range(tiny):
    con = connect(tiny, read_only=True)
    f = figure(con, "energy_headline")
    assert f.data_range == (T0, T0 + timedelta(hours=1))  # on whole hours: the same samples
    assert f.value("pue") == pytest.approx(figure(con, "energy_headline", start=T0, end=END).value("pue"))


def test_cli_prints_the_same_figure_as_the_core(tiny):
    out = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "--db", str(tiny), "query", "energy_headline",
         "-p", f"start={iso(T0)}", "-p", f"end={END.isoformat()}", "--format", "json"],
        capture_output=True, text=True, check=True)
    cli = json.loads(out.stdout)[0]
    core = run(tiny, "energy_headline", start=T0, end=END).iloc[0]
    assert cli["pue"] == pytest.approx(core.pue) and cli["it_kwh"] == pytest.approx(core.it_kwh)
    assert "query `energy_headline`" in out.stderr


def test_cli_finds_the_rubric_from_any_folder(sample_db, tmp_path):
    out = subprocess.run([sys.executable, "-m", "dashboard.cli", "--db", str(sample_db), "query", "sov_framework",
                          "--format", "csv"], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("SOV-") == 8


def test_xid_meanings_come_from_the_reference_table_and_can_be_revised(tiny, tmp_path):
    con = connect(tiny)
    assert con.execute("SELECT meaning FROM xid_codes WHERE code = 79").fetchall() == [("GPU has fallen off the bus",)]
    r = load_path(con, write(tmp_path / "xid.csv", "code,meaning,source\n79,GPU lost from the PCIe bus,site runbook\n"))
    assert r.status == "ok" and r.domains[0].updated == 1
    con.close()
    f = run(tiny, "ops_worst_gpus", start=T0, end=END, hot_temp_c=85, limit=1)
    assert f["issue"].tolist() == ["XID 79 (GPU lost from the PCIe bus)"]
