"""Performance figures (queries/perf_*.sql) against numbers worked out by hand on a tiny fleet.

The fixture fleet (5-minute samples, 2026-01-01 00:00 → 02:00 UTC, two one-hour buckets), all of
catalog model "TEST GPU" (max boost 2000 MHz; dense FP64 10, TF32 100, BF16 200, FP8 400, FP4 800
TFLOPS; FP4 sparse factor 1.5) except g3:

  g1  node n1, rack r1, pod p1: hour 1 tensor 0.5, fp64 0.1 at 1000 MHz (clock factor 0.5);
      hour 2 tensor 0.3, fp64 0.2 at 3000 MHz (factor capped at 1). XID 79 at 01:00, 48 at 01:05.
  g2  node n1, rack r1, pod p1: no profiling counters (tensor, fp64 empty).
  g3  node n2, rack r2, pod p1: model "Mystery GPU", not in the catalog: peak unknown.
  g4  node n3, rack r3, pod p2: idle (tensor 0.01) 00:00-00:55 (12 samples = 60 min), busy (0.8)
      at 01:00, idle again 01:05-01:55 (11 samples = 55 min).
  g5  node n3, rack r3, pod p2: FP64 work only (tensor 0, fp64 0.5 at 2000 MHz); 90 degC 00:10-00:20.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from dashboard import figures, queries
from dashboard.config import REPO_ROOT
from dashboard.ingest import ensure_reference, load_path
from dashboard.config import Settings, Target
from dashboard.pages import page
from dashboard.store import connect

from .conftest import figure

START = datetime(2026, 1, 1, 0, 0)
END = datetime(2026, 1, 1, 2, 0)
STEPS = 24  # 5-minute samples
TEST_MODEL = "TEST GPU"

CATALOG = f"""model,vendor,architecture,form_factor,memory_gb,tdp_w,max_boost_mhz,fp64_tflops,tf32_tflops,bf16_tflops,fp8_tflops,fp4_tflops,fp4_sparse_factor,source,source_date,notes
{TEST_MODEL},Acme,Test,PCIe,10,500,2000,10,100,200,400,800,1.5,hand-made test datasheet,2026-01-01,
"""

INVENTORY = f"""gpu_uuid,hostname,gpu_index,rack,pod,model
GPU-g1,n1,0,r1,p1,{TEST_MODEL}
GPU-g2,n1,1,r1,p1,{TEST_MODEL}
GPU-g3,n2,0,r2,p1,Mystery GPU
GPU-g4,n3,0,r3,p2,{TEST_MODEL}
GPU-g5,n3,1,r3,p2,{TEST_MODEL}
"""


def _row(ts, uuid, util, tensor, fp64, clock, temp=60.0, xid=0):
    def f(v):
        return "" if v is None else str(v)
    return f"{ts:%Y-%m-%dT%H:%M:%S},{uuid},{f(util)},{f(tensor)},{f(fp64)},{f(clock)},300,{temp},{xid}"


def _samples() -> str:
    lines = ["ts,gpu_uuid,util,tensor_active,fp64_active,sm_clock_mhz,power_w,temp_c,xid"]
    for i in range(STEPS):
        ts = START + timedelta(minutes=5 * i)
        first_hour = i < 12
        xid = {12: 79, 13: 48}.get(i, 0)
        lines.append(_row(ts, "GPU-g1", 100, 0.5 if first_hour else 0.3, 0.1 if first_hour else 0.2,
                          1000 if first_hour else 3000, xid=xid))
        lines.append(_row(ts, "GPU-g2", 80, None, None, 2000))
        lines.append(_row(ts, "GPU-g3", 50, 0.5, 0.0, 2000))
        lines.append(_row(ts, "GPU-g4", 30, 0.8 if i == 12 else 0.01, 0.0, 2000))
        lines.append(_row(ts, "GPU-g5", 90, 0.0, 0.5, 2000, temp=90.0 if 2 <= i <= 4 else 60.0))
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tiny")
    db = folder / "tiny.duckdb"
    con = connect(db)
    ensure_reference(con)
    for name, text, kind in (("catalog.csv", CATALOG, "gpu_models"), ("gpus.csv", INVENTORY, "gpus"),
                             ("samples.csv", _samples(), "gpu_samples")):
        path = folder / name
        path.write_text(text)
        report = load_path(con, path, kind=kind)
        assert report.status == "ok", report.summary()
    con.close()
    return db


@pytest.fixture
def tiny(tiny_db):
    con = connect(tiny_db, read_only=True)
    yield con
    con.close()


def run(con, name, **params):
    wanted = {p.name for p in queries.load(name).params}
    return figure(con, name, **{k: v for k, v in params.items() if k in wanted}).frame


RANGE = dict(start=START, end=END)

# Hand arithmetic, per one-hour bucket, BF16 (dense peak 200 TFLOPS):
#   g1: 0.5 × (1000/2000) × 200 = 50          | 0.3 × min(3000/2000, 1) × 200 = 60
#   g4: 0.01 × 1 × 200 = 2                     | (0.8 + 11 × 0.01) / 12 × 200 = 15.1666…
#   g5: 0 (no tensor work)                     | 0
#   g2: no counters, g3: peak unknown: neither counted
BF16_BUCKETS = [50 + 2 + 0, 60 + 0.91 / 12 * 200 + 0]
# FP64 (dense 10): g1 0.1 × 0.5 × 10 = 0.5 | 0.2 × 1 × 10 = 2; g5 0.5 × 1 × 10 = 5 both hours
FP64_BUCKETS = [0.5 + 5, 2 + 5]


@pytest.mark.parametrize("precision, expected, peak", [
    ("bf16", BF16_BUCKETS, 200),
    ("fp64", FP64_BUCKETS, 10),
    ("fp8", [b * 2 for b in BF16_BUCKETS], 400),    # same activity, twice the peak
    ("tf32", [b / 2 for b in BF16_BUCKETS], 100),
    ("fp4", [b * 4 for b in BF16_BUCKETS], 800),
])
def test_delivered_per_bucket_by_hand(tiny, precision, expected, peak):
    f = run(tiny, "perf_delivered", **RANGE, bucket_minutes=60, precision=precision)
    assert list(f["bucket"]) == [pd.Timestamp(START), pd.Timestamp(START + timedelta(hours=1))]
    assert f["delivered_tflops"].tolist() == pytest.approx(expected)
    # counted: g1, g4, g5 (g2 lacks counters, g3 has no peak) → 3 × peak
    assert f["peak_tflops"].tolist() == pytest.approx([3 * peak] * 2)
    assert f["mfu"].tolist() == pytest.approx([e / (3 * peak) for e in expected])
    assert f["gpus_reporting"].tolist() == [5, 5]
    assert f["gpus_without_counters"].tolist() == [1, 1]
    assert f["gpus_peak_unknown"].tolist() == [1, 1]
    # GPU_UTIL is the plain mean over all reporting GPUs, counters or not
    assert f["util_pct"].tolist() == pytest.approx([70.0, 70.0])


def test_delivered_is_mean_per_gpu_then_sum(tiny):
    """Within a bucket each GPU's samples are averaged first: 5-minute buckets are per sample."""
    f = run(tiny, "perf_delivered", **RANGE, bucket_minutes=5, precision="bf16")
    assert len(f) == STEPS
    assert f["delivered_tflops"].iloc[0] == pytest.approx(50 + 2)
    assert f["delivered_tflops"].iloc[12] == pytest.approx(60 + 0.8 * 200)  # g4 busy at 01:00
    assert f["delivered_tflops"].iloc[13] == pytest.approx(60 + 0.01 * 200)


def test_headline_by_hand(tiny):
    h = run(tiny, "perf_headline", **RANGE, precision="bf16", target_tflops=100, bucket_minutes=60,
            idle_threshold=0.05, idle_minutes=60, hot_temp_c=85).iloc[0]
    assert h.gpus_inventory == 5 and h.gpus_reporting == 5
    assert h.gpus_peak_unknown == 1 and h.gpus_without_counters == 1 and h.gpus_counted == 3
    assert h.peak_tflops == pytest.approx(4 * 200)        # inventory GPUs of known peak (g3 excluded)
    assert h.counted_peak_tflops == pytest.approx(3 * 200)
    mean = sum(BF16_BUCKETS) / 2
    assert h.delivered_tflops == pytest.approx(mean)
    assert h.delivered_max_tflops == pytest.approx(max(BF16_BUCKETS))
    assert h.mfu == pytest.approx(mean / 600)
    assert h.nameplate_share == pytest.approx(mean / 800)
    assert h.target_tflops == 100
    assert h.target_share == pytest.approx(mean / 100)
    assert h.util_pct == pytest.approx((100 + 80 + 50 + 30 + 90) / 5)
    g4_tensor = (12 * 0.01 + 0.8 + 11 * 0.01) / 24
    assert h.tensor_active_pct == pytest.approx(100 * (0.4 + 0.5 + g4_tensor + 0.0) / 4)
    # idle: g4 only (one 60-minute stretch = half its 120 observed minutes)
    assert h.idle_gpus == 1 and h.idle_gpus_now == 0
    assert h.idle_peak_tflops == pytest.approx(200)
    assert h.idle_lost_tflops == pytest.approx(100)
    assert h.idle_lost_target_share == pytest.approx(1.0)
    # unhealthy: g1 (2 XID samples of 24), g5 (3 hot samples of 24)
    assert h.unhealthy_gpus == 2
    assert h.unhealthy_peak_tflops == pytest.approx(400)
    assert h.unhealthy_lost_tflops == pytest.approx(200 * 2 / 24 + 200 * 3 / 24)
    assert h.unhealthy_lost_target_share == pytest.approx((200 * 5 / 24) / 100)


def test_headline_matches_the_delivered_series(tiny):
    for precision in ("bf16", "fp64"):
        h = run(tiny, "perf_headline", **RANGE, precision=precision, bucket_minutes=15).iloc[0]
        d = run(tiny, "perf_delivered", **RANGE, precision=precision, bucket_minutes=15)
        assert h.delivered_tflops == pytest.approx(d["delivered_tflops"].mean())
        assert h.delivered_max_tflops == pytest.approx(d["delivered_tflops"].max())


def test_unknown_model_is_flagged_not_dropped(tiny):
    gpus = run(tiny, "perf_gpus", **RANGE, hostname="n2")
    assert gpus["gpu_uuid"].tolist() == ["GPU-g3"]
    g3 = gpus.iloc[0]
    assert g3.status == "peak unknown" and g3.model == "Mystery GPU"
    assert pd.isna(g3.peak_tflops) and pd.isna(g3.delivered_tflops)
    assert g3.util_pct == pytest.approx(50)          # its telemetry is still there
    n1 = run(tiny, "perf_gpus", **RANGE, hostname="n1").set_index("gpu_uuid")
    assert n1.loc["GPU-g2", "status"] == "no profiling counters"
    assert pd.isna(n1.loc["GPU-g2", "delivered_tflops"])  # missing, not zero
    assert n1.loc["GPU-g1", "status"] == "XID"       # XID 79 and 48: not "ok"
    n3 = run(tiny, "perf_gpus", **RANGE, hostname="n3").set_index("gpu_uuid")
    assert n3.loc["GPU-g4", "status"] == "idle stretches"   # one 60-minute idle run, busy at the end
    assert n3.loc["GPU-g5", "status"] == "overheating"
    assert run(tiny, "perf_gpus", **RANGE, hostname="n3", idle_minutes=55).set_index("gpu_uuid").loc[
        "GPU-g4", "status"] == "idle at the end"            # the second, 55-minute run counts too
    assert n1.loc["GPU-g1", "delivered_tflops"] == pytest.approx((0.5 * 0.5 + 0.3 * 1.0) / 2 * 200)
    assert n1.loc["GPU-g1", "clock_factor"] == pytest.approx(0.75)
    assert n1.loc["GPU-g1", "xid_codes"] == "48, 79"


def test_drill_down_levels_add_up(tiny):
    pods = run(tiny, "perf_pods", **RANGE, precision="bf16").set_index("pod")
    # per GPU the range mean, summed: p1 = g1 55; p2 = g4 mean + g5 0
    g4_mean = (12 * 0.01 + 0.8 + 11 * 0.01) / 24 * 200
    assert pods.loc["p1", "delivered_tflops"] == pytest.approx(55)
    assert pods.loc["p2", "delivered_tflops"] == pytest.approx(g4_mean)
    assert pods.loc["p1", "gpus"] == 3 and pods.loc["p1", "gpus_without_counters"] == 1
    assert pods.loc["p1", "gpus_peak_unknown"] == 1
    assert pods.loc["p1", "peak_tflops"] == pytest.approx(400)
    assert pods.loc["p1", "mfu"] == pytest.approx(55 / 200)  # g1 alone is counted in p1
    assert pods.loc["p1", "xid_gpus"] == 1 and pods.loc["p2", "hot_gpus"] == 1
    racks = run(tiny, "perf_racks", **RANGE, pod="p1")
    assert racks["rack"].tolist() == ["r1", "r2"]
    nodes = run(tiny, "perf_nodes", **RANGE, rack="r3")
    assert nodes["hostname"].tolist() == ["n3"]
    assert nodes["delivered_tflops"].iloc[0] == pytest.approx(g4_mean)
    series = run(tiny, "perf_gpu_series", **RANGE, gpu_uuid="GPU-g4", bucket_minutes=5)
    assert len(series) == STEPS
    assert series["delivered_tflops"].iloc[12] == pytest.approx(160)
    assert series["xid"].max() == 0
    g1 = run(tiny, "perf_gpu_series", **RANGE, gpu_uuid="GPU-g1", bucket_minutes=60)
    assert g1["xid"].tolist() == [0, 79]
    assert g1["clock_factor"].tolist() == pytest.approx([0.5, 1.0])


def test_heatmap_per_rack_and_bucket(tiny):
    f = run(tiny, "perf_rack_heatmap", **RANGE, bucket_minutes=60)
    assert sorted(f["rack"].unique()) == ["r1", "r2", "r3"]
    r1 = f[f.rack == "r1"].sort_values("bucket")
    assert r1["util_pct"].tolist() == pytest.approx([90, 90])            # (100 + 80) / 2
    assert r1["tensor_active_pct"].tolist() == pytest.approx([50, 30])   # g2 has no counter
    assert r1["delivered_tflops"].tolist() == pytest.approx([50, 60])
    assert (r1["bucket_end"] - r1["bucket"]).eq(pd.Timedelta(hours=1)).all()
    only_p2 = run(tiny, "perf_rack_heatmap", **RANGE, bucket_minutes=60, pod="p2")
    assert only_p2["rack"].unique().tolist() == ["r3"]


def test_claim_check_by_hand(tiny):
    f = run(tiny, "perf_claim_check", target_tflops=1000, precision="bf16")
    fleet = f[f.scope == "fleet"].set_index("precision")
    assert fleet.index.tolist() == ["fp64", "tf32", "bf16", "fp8", "fp4"]
    assert fleet["gpus"].tolist() == [5] * 5
    assert fleet["gpus_peak_unknown"].tolist() == [1] * 5       # the Mystery GPU
    assert fleet["is_target_precision"].tolist() == [False, False, True, False, False]
    bf16 = fleet.loc["bf16"]
    assert bf16.peak_dense_tflops == 800 and bf16.peak_sparse_tflops == 1600
    assert not bf16.met_dense and bf16.met_sparse
    assert bf16.gpus_needed_dense == 5 and bf16.gpus_needed_sparse == 3   # ceil(1000/200), ceil(1000/400)
    fp64 = fleet.loc["fp64"]
    assert fp64.peak_dense_tflops == 40 and pd.isna(fp64.peak_sparse_tflops)  # FP64 has no sparse
    assert pd.isna(fp64.met_sparse) and fp64.gpus_needed_dense == 100
    fp4 = fleet.loc["fp4"]
    assert fp4.peak_dense_tflops == 3200 and fp4.peak_sparse_tflops == pytest.approx(4800)  # × 1.5
    assert fp4.met_dense and fp4.gpus_needed_dense == 2 and fp4.gpus_needed_sparse == 1
    models = f[f.scope == "model"].set_index(["precision", "model"])
    test = models.loc[("bf16", TEST_MODEL)]
    assert test.gpus == 4 and test.per_gpu_dense_tflops == 200 and test.gpus_needed_dense == 5
    assert pd.isna(test.met_dense)  # met is a fleet statement
    b200 = models.loc[("bf16", "NVIDIA B200")]  # shipped catalog, none in this fleet
    assert b200.gpus == 0 and b200.gpus_needed_dense == math.ceil(1000 / 2250)
    b300 = models.loc[("fp4", "NVIDIA B300")]   # Blackwell Ultra: FP4 sparse only 4/3 of dense
    assert b300.per_gpu_sparse_tflops == pytest.approx(18000, rel=1e-4)
    h100 = models.loc[("fp4", "NVIDIA H100 80GB HBM3")]
    assert pd.isna(h100.per_gpu_dense_tflops) and pd.isna(h100.gpus_needed_dense)  # no FP4 on Hopper


def _idle(con, minutes, threshold=0.05):
    return run(con, "perf_idle_gpus", **RANGE, precision="bf16", target_tflops=100,
               idle_threshold=threshold, idle_minutes=minutes)


def test_idle_rule_island_just_long_enough(tiny):
    f = _idle(tiny, 60)
    assert f["gpu_uuid"].tolist() == ["GPU-g4"]   # g5 runs FP64 work: not idle; g2 cannot be judged
    g4 = f.iloc[0]
    assert g4.idle_stretches == 1                 # the 55-minute stretch does not count
    assert g4.idle_minutes_total == pytest.approx(60) and g4.longest_idle_minutes == pytest.approx(60)
    assert g4.idle_from == pd.Timestamp("2026-01-01 00:00") and g4.idle_until == pd.Timestamp("2026-01-01 01:00")
    assert not g4.idle_now
    assert g4.idle_share == pytest.approx(0.5)
    assert g4.peak_tflops == 200 and g4.peak_target_share == pytest.approx(2.0)
    assert g4.lost_tflops == pytest.approx(100) and g4.lost_target_share == pytest.approx(1.0)


def test_idle_rule_island_too_short(tiny):
    assert _idle(tiny, 61).empty                  # 60 minutes is not 61


def test_idle_rule_counts_every_long_enough_island(tiny):
    g4 = _idle(tiny, 55).iloc[0]
    assert g4.idle_stretches == 2
    assert g4.idle_minutes_total == pytest.approx(115)
    assert g4.idle_now                            # the second stretch runs to the last sample
    assert g4.idle_until == pd.Timestamp("2026-01-01 02:00")


def test_idle_rule_threshold_and_fp64(tiny):
    # below 0.9 tensor activity g4 is idle all along (0.8 < 0.9): 120 minutes; g1 hour 2 has
    # tensor 0.3 but FP64 0.2, so max(…) < 0.9 everywhere: g1 idle too; g3 (0.5) also.
    f = _idle(tiny, 60, threshold=0.9).set_index("gpu_uuid")
    assert f.loc["GPU-g4", "idle_minutes_total"] == pytest.approx(120)
    assert "GPU-g5" in f.index and "GPU-g2" not in f.index   # no counters: never idle
    assert pd.isna(f.loc["GPU-g3", "peak_tflops"])          # peak unknown, still listed


def test_idle_gap_in_samples_breaks_a_stretch(tmp_path):
    """Two 40-minute idle runs with 30 minutes of missing samples between them are not 80 minutes idle."""
    con = connect(tmp_path / "gap.duckdb")
    (tmp_path / "cat.csv").write_text(CATALOG)
    (tmp_path / "gpus.csv").write_text(INVENTORY)
    lines = ["ts,gpu_uuid,util,tensor_active,fp64_active,sm_clock_mhz,power_w,temp_c,xid"]
    for i in list(range(8)) + list(range(14, 22)):
        lines.append(_row(START + timedelta(minutes=5 * i), "GPU-g4", 0, 0.0, 0.0, 2000))
    (tmp_path / "s.csv").write_text("\n".join(lines) + "\n")
    for name, kind in (("cat.csv", "gpu_models"), ("gpus.csv", "gpus"), ("s.csv", "gpu_samples")):
        assert load_path(con, tmp_path / name, kind=kind).status == "ok"
    f = _idle(con, 60)
    assert f.empty
    g4 = _idle(con, 40).iloc[0]
    assert g4.idle_stretches == 2 and g4.idle_minutes_total == pytest.approx(80)
    con.close()


def test_unhealthy_by_hand(tiny):
    f = run(tiny, "perf_unhealthy_gpus", **RANGE, precision="bf16", target_tflops=100, hot_temp_c=85)
    assert f["gpu_uuid"].tolist() == ["GPU-g1", "GPU-g5"]   # XID GPUs first
    g1, g5 = f.iloc[0], f.iloc[1]
    assert g1.problem == "xid" and g1.xid_samples == 2
    assert g1.xid_codes == "48 double-bit ECC error (1 samples); 79 GPU has fallen off the bus (1 samples)"
    assert g1.first_xid == pd.Timestamp("2026-01-01 01:00") and g1.last_xid == pd.Timestamp("2026-01-01 01:05")
    assert g1.affected_minutes == pytest.approx(10) and g1.affected_share == pytest.approx(2 / 24)
    assert g1.lost_tflops == pytest.approx(200 * 2 / 24)
    assert g5.problem == "hot" and g5.hot_samples == 3 and g5.max_temp_c == 90
    assert g5.peak_target_share == pytest.approx(2.0)
    assert g5.lost_target_share == pytest.approx(200 * 3 / 24 / 100)
    # a higher limit: g5 is no longer hot
    f95 = run(tiny, "perf_unhealthy_gpus", **RANGE, hot_temp_c=95)
    assert f95["gpu_uuid"].tolist() == ["GPU-g1"]


def test_bad_precision_is_a_clear_error(tiny):
    with pytest.raises(queries.QueryError, match="precision must be one of"):
        run(tiny, "perf_delivered", **RANGE, precision="int8")


def test_the_figure_core_fills_settings_and_the_caller_overrides_them(tiny):
    fp64 = Settings(target=Target(exaflops=1e-4, precision="fp64"), idle_minutes=55)
    r = figures.run(tiny, "perf_headline", fp64, start=START, end=END, bucket_minutes=60)
    assert r.params["precision"] == "fp64" and r.params["idle_minutes"] == 55
    assert r.params["target_tflops"] == pytest.approx(100)
    assert r.value("delivered_tflops") == pytest.approx(sum(FP64_BUCKETS) / 2)
    r = figures.run(tiny, "perf_headline", fp64, start=START, end=END, bucket_minutes=60, precision="bf16")
    assert r.value("delivered_tflops") == pytest.approx(sum(BF16_BUCKETS) / 2)
    with pytest.raises(queries.QueryError, match="has no parameter pod"):
        figures.run(tiny, "perf_headline", fp64, start=START, end=END, pod="p1")


def test_cli_prints_the_same_headline(tiny_db, tiny):
    params = dict(start="2026-01-01T00:00:00", end="2026-01-01T02:00:00", precision="fp64",
                  target_tflops="100", bucket_minutes="60", idle_threshold="0.05", idle_minutes="60",
                  hot_temp_c="85")
    args = [sys.executable, "-m", "dashboard.cli", "--db", str(tiny_db), "query", "perf_headline",
            "--format", "json"]
    for k, v in params.items():
        args += ["--param", f"{k}={v}"]
    out = subprocess.run(args, capture_output=True, text=True, cwd=REPO_ROOT, check=True)
    cli = json.loads(out.stdout)[0]
    page = figure(tiny, "perf_headline", **params).frame.iloc[0]
    assert set(cli) == set(page.index)
    for k, v in cli.items():
        assert v == pytest.approx(float(page[k])), k
    assert cli["delivered_tflops"] == pytest.approx(sum(FP64_BUCKETS) / 2)


# ------------------------------------------------------------------ the shipped sample

@pytest.fixture(scope="module")
def sample(sample_db):
    con = connect(sample_db, read_only=True)
    yield con
    con.close()


def test_sample_designed_faults_are_found(sample):
    manifest = json.loads((REPO_ROOT / "sample_metrics" / "small" / "manifest.json").read_text())
    design = manifest["design"]
    p = manifest["params"]
    rng = dict(start=p["start"], end=p["end"])
    h = run(sample, "perf_headline", **rng, bucket_minutes=60).iloc[0]
    assert h.gpus_inventory == manifest["rows"]["gpus"]
    assert h.gpus_without_counters == design["no_profiling_gpus"]
    assert h.unhealthy_gpus == design["xid_gpus"] + design["hot_gpus"]
    idle = run(sample, "perf_idle_gpus", **rng)
    assert (idle["idle_share"] == 1.0).sum() == design["idle_gpus"]   # idle all along
    assert h.idle_gpus == len(idle)
    bad = run(sample, "perf_unhealthy_gpus", **rng)
    assert (bad["problem"].str.contains("xid")).sum() == design["xid_gpus"]
    assert len(bad) == h.unhealthy_gpus
    d = run(sample, "perf_delivered", **rng, bucket_minutes=60)
    assert h.delivered_tflops == pytest.approx(d["delivered_tflops"].mean())
    assert 0 < h.mfu < 1 and h.util_pct > h.tensor_active_pct   # busy is more than useful


def test_the_page_declares_every_perf_query():
    declared = set(page("performance.py").all_figures)
    # and the fleet counts every page shares (idle, unhealthy: ops_attention_counts)
    assert {p.stem for p in (REPO_ROOT / "queries").glob("perf_*.sql")} | {"ops_attention_counts"} == declared


def test_performance_page_renders(sample_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("AIFD_DB", str(sample_db))
    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "views" / "performance.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    headers = [h.value for h in at.header]
    assert any("Claim check" in h for h in headers)
    assert any("Drill-down" in h for h in headers)
    assert len(at.get("vega_lite_chart")) >= 4
    assert any("perf_claim_check" in c.value for c in at.caption)
    # drill down to one GPU: its time series appear
    at.selectbox(key="perf_pod").set_value("p01").run()
    at.selectbox(key="perf_rack").set_value("p01-r01").run()
    at.selectbox(key="perf_node").set_value("dgx-b200-p01-r01-n01").run()
    at.selectbox(key="perf_gpu").select_index(1).run()
    assert not at.exception, at.exception
    assert any("perf_gpu_series" in c.value for c in at.caption)


# ------------------------------------------------------------------ the shared rules as macros

MACRO_FILE = REPO_ROOT / "queries" / "definitions" / "010_performance.sql"
PERF_QUERIES = sorted(p.stem for p in (REPO_ROOT / "queries").glob("perf_*.sql"))


def _macros() -> list[str]:
    import re
    return re.findall(r"CREATE OR REPLACE TEMP MACRO (\w+)\(", MACRO_FILE.read_text())


def test_macros_are_defined_on_every_connection_and_not_stored(tiny, tiny_db):
    expected = set(_macros())  # every macro of the definitions file
    assert {"perf_precision", "gpu_peaks", "gpu_activity", "gpu_idle", "gpu_health", "gpu_sampling", "is_xid",
            "is_hot", "gpu_levels", "gpu_totals", "gpu_fleet_intervals", "gpu_span", "gpu_hours"} <= expected
    found = {r[0] for r in tiny.execute(
        "SELECT function_name FROM duckdb_functions() WHERE function_type IN ('macro', 'table_macro')"
    ).fetchall()}
    assert expected <= found
    import duckdb
    bare = duckdb.connect(str(tiny_db), read_only=True)  # the file alone holds no stale copy
    stored = {r[0] for r in bare.execute(
        "SELECT function_name FROM duckdb_functions() WHERE function_type IN ('macro', 'table_macro')").fetchall()}
    bare.close()
    assert not expected & stored


@pytest.mark.parametrize("name", PERF_QUERIES)
def test_perf_query_header_names_the_macros_it_uses(name):
    import re
    q = queries.load(name)
    body = "\n".join(l for l in q.sql.splitlines() if not l.lstrip().startswith("--"))
    called = {m for m in _macros() if re.search(rf"\b{m}\(", body)}
    if name == "perf_claim_check":   # nameplate at every precision per model: no per-GPU macro applies
        assert not called and "uses" not in q.meta
        return
    assert called, f"{name} should use the performance macros"
    uses = q.meta.get("uses", "")
    assert uses.endswith("(queries/definitions/010_performance.sql)"), uses
    named = {s.strip() for s in uses.rsplit("(", 1)[0].split(",")}
    assert named == called, f"{name}: header names {sorted(named)}, SQL calls {sorted(called)}"
    # the formulas live in the macros only
    for formula in ("max_boost_mhz", "sm_clock_mhz /", "fp64_tflops", "error(", "lag("):
        assert formula not in body, (name, formula)


@pytest.mark.parametrize("name", [n for n in PERF_QUERIES if n != "perf_claim_check"])
def test_unknown_precision_is_a_clear_error_in_every_perf_query(tiny, name):
    extra = dict(pod="p1", rack="r1", hostname="n1", gpu_uuid="GPU-g1")
    with pytest.raises(queries.QueryError, match="precision must be one of fp64, tf32, bf16, fp8, fp4, not int8"):
        run(tiny, name, **RANGE, **extra, precision="int8")


def test_macros_by_hand(tiny):
    peaks = tiny.execute("SELECT gpu_uuid, peak, max_boost_mhz FROM gpu_peaks('FP8') ORDER BY gpu_uuid").fetchall()
    assert peaks == [("GPU-g1", 400, 2000), ("GPU-g2", 400, 2000), ("GPU-g3", None, None),
                     ("GPU-g4", 400, 2000), ("GPU-g5", 400, 2000)]
    with pytest.raises(Exception, match="precision must be one of"):
        tiny.execute("SELECT * FROM gpu_peaks('int8')").fetchall()
    g1 = tiny.execute(
        "SELECT a.act, a.clock_factor, a.act_eff, a.xid FROM gpu_activity($s, $e, 'fp64') a "
        "JOIN gpus USING (gpu_id) WHERE gpu_uuid = 'GPU-g1' ORDER BY ts", {"s": START, "e": END}).fetchall()
    assert len(g1) == STEPS
    assert g1[0] == pytest.approx((0.1, 0.5, 0.05, 0))             # 1000 / 2000 MHz
    assert g1[12] == pytest.approx((0.2, 1.0, 0.2, 79))             # 3000 / 2000 MHz, capped at 1
    g2 = tiny.execute("SELECT count(*), count(a.act) FROM gpu_activity($s, $e, 'bf16') a JOIN gpus USING (gpu_id) "
                      "WHERE gpu_uuid = 'GPU-g2'", {"s": START, "e": END}).fetchall()
    assert g2 == [(STEPS, 0)]                                       # no counter: NULL, not zero
    idle = tiny.execute("SELECT gpu_id, idle_stretches, idle_minutes_total FROM gpu_idle($s, $e, 0.05, 55)",
                        {"s": START, "e": END}).fetchall()
    assert [(n, m) for _, n, m in idle] == [(2, pytest.approx(115))]
    health = tiny.execute("SELECT gpus.gpu_uuid, xid_samples, hot_samples, affected_share FROM gpu_health($s, $e, 85) "
                          "JOIN gpus USING (gpu_id) WHERE affected > 0 ORDER BY 1", {"s": START, "e": END}).fetchall()
    assert health == [("GPU-g1", 2, 0, pytest.approx(2 / 24)), ("GPU-g5", 0, 3, pytest.approx(3 / 24))]


def test_provenance_shows_the_macro_definitions():
    from streamlit.testing.v1 import AppTest

    def page():
        import pandas as pd
        from dashboard import queries, ui
        from dashboard.figures import Figure
        ui.provenance(Figure(queries.load("perf_delivered"), {}, pd.DataFrame(), 0.0))
        ui.provenance(Figure(queries.load("perf_claim_check"), {}, pd.DataFrame(), 0.0))

    at = AppTest.from_function(page, default_timeout=30).run()
    assert not at.exception, at.exception
    codes = [c.value for c in at.code]
    assert sum("CREATE OR REPLACE TEMP MACRO gpu_fleet_intervals" in c for c in codes) == 1  # perf_delivered only
    assert any("Definitions used: gpu_fleet_intervals" in c.value for c in at.caption)


def test_overview_shows_the_hand_computed_figures(tiny_db, monkeypatch):
    """The Overview's tiles, read off the rendered page, equal the arithmetic above."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("AIFD_DB", str(tiny_db))
    monkeypatch.setenv("AIFD_TARGET_EXAFLOPS", "0.0001")  # 100 TFLOPS
    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "views" / "overview.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    tiles = {m.label: m for m in at.metric}
    delivered = sum(BF16_BUCKETS) / 2                               # 72.58 TFLOPS
    assert tiles["Delivered (BF16, estimate)"].value == f"{delivered:.1f} TFLOPS"
    assert tiles["Delivered (BF16, estimate)"].delta == f"{delivered:.1f} % of the 0.0001 EF target"
    assert tiles["Nameplate peak (BF16 dense)"].value == "800 TFLOPS"   # 4 catalogued GPUs × 200
    mfu = delivered / (3 * 200)                                     # g2 has no counters: not counted
    assert tiles["MFU, est."].value == f"{100 * mfu:.1f} %"
