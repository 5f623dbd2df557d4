"""Tests for the synthetic fleet generator (sample_metrics/generate.py). Tiny fleets: fast."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sample_metrics import generate as gen

# 64 GPUs (8 nodes), 6 h from 08:00 UTC (09:00-15:00 in Munich: covers the daily peak), 5 min
ARGS = dict(gpus=64, days=0.25, interval_s=300, seed=7, start="2026-11-16T08:00:00Z")

GPU_COLUMNS = {
    "ts": pa.timestamp("us", tz="UTC"),
    "gpu_uuid": pa.string(),
    "util": pa.float32(),
    "tensor_active": pa.float32(),
    "fp64_active": pa.float32(),
    "sm_active": pa.float32(),
    "sm_clock_mhz": pa.int32(),
    "power_w": pa.float32(),
    "energy_j": pa.int64(),
    "temp_c": pa.float32(),
    "xid": pa.int32(),
}
LINK_COLUMNS = {"ts": pa.timestamp("us", tz="UTC"), "link_id": pa.string(),
                "rx_bytes": pa.int64(), "tx_bytes": pa.int64()}
METER_COLUMNS = {"ts": pa.timestamp("us", tz="UTC"), "meter_id": pa.string(),
                 "power_kw": pa.float32(), "energy_kwh": pa.float64()}


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    d = tmp_path_factory.mktemp("gen")
    msgs: list[str] = []
    files = gen.generate(d, **ARGS, progress=msgs.append)
    assert msgs, "progress callback was not called"
    return d, files


def _read(d: Path, prefix: str) -> pd.DataFrame:
    return pq.read_table(sorted(d.glob(f"{prefix}-*.parquet"))).to_pandas()


@pytest.fixture(scope="module")
def gpu(out) -> pd.DataFrame:
    return _read(out[0], "gpu_samples")


@pytest.fixture(scope="module")
def manifest(out) -> dict:
    return json.loads((out[0] / "manifest.json").read_text())


def test_files_written(out):
    d, files = out
    expected = {"gpus.csv", "links.csv", "meters.csv", "gpu_samples-2026-11-16.parquet",
                "link_samples-2026-11-16.parquet", "meter_samples-2026-11-16.parquet",
                "dcgm_scrape.prom", "vendors.csv", "components.csv", "grid_carbon.csv", "water_samples.csv",
                "manifest.json"}
    assert set(files) == expected
    for name, p in files.items():
        assert p == d / name and p.is_file()


def test_determinism(out, tmp_path):
    d1, f1 = out
    f2 = gen.generate(tmp_path, **ARGS)
    for name in f1:
        if name.endswith((".csv", ".prom", ".json")):
            assert f1[name].read_bytes() == f2[name].read_bytes(), name
        else:
            assert pq.read_table(f1[name]).equals(pq.read_table(f2[name])), name
    f3 = gen.generate(tmp_path / "other", **{**ARGS, "seed": 8})
    assert f1["gpus.csv"].read_bytes() != f3["gpus.csv"].read_bytes()


def test_manifest(out, manifest):
    d, files = out
    p = manifest["params"]
    assert p == {"gpus": 64, "gpus_requested": 64, "days": 0.25, "interval_s": 300, "seed": 7,
                 "start": "2026-11-16T08:00:00Z", "end": "2026-11-16T14:00:00Z",
                 "last_ts": "2026-11-16T13:55:00Z"}
    assert manifest["rows"]["gpu_samples"] == 64 * 72
    assert manifest["rows"]["link_samples"] == 6 * 72
    assert manifest["rows"]["meter_samples"] == 6 * 72
    for name, info in manifest["files"].items():
        assert hashlib.sha256((d / name).read_bytes()).hexdigest() == info["sha256"]
    assert set(manifest["files"]) == set(files) - {"manifest.json"}


def test_inventory_csvs(out):
    d, _ = out
    with open(d / "gpus.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["gpu_uuid", "hostname", "gpu_index", "rack", "pod", "model"]
    assert len(rows) == 64 and len({r["gpu_uuid"] for r in rows}) == 64
    assert all(re.fullmatch(r"GPU-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                            r["gpu_uuid"]) for r in rows)
    assert {r["model"] for r in rows} == {gen.B200, gen.RTX}
    for r in rows:
        assert re.fullmatch(r"p\d\d", r["pod"]) and r["rack"].startswith(r["pod"] + "-r")
        prefix = "dgx-b200" if r["model"] == gen.B200 else "rtx6k"
        assert r["hostname"] == f"{prefix}-{r['rack']}-n{r['hostname'][-2:]}"
        assert 0 <= int(r["gpu_index"]) <= 7
    per_host = pd.DataFrame(rows).groupby("hostname").gpu_index.apply(
        lambda s: sorted(map(int, s)))
    assert all(v == list(range(8)) for v in per_host)
    with open(d / "links.csv", newline="") as f:
        links = list(csv.DictReader(f))
    assert list(links[0]) == ["link_id", "a_end", "b_end", "capacity_gbps", "carrier", "kind"]
    assert {lk["kind"] for lk in links} <= {"uplink", "dci", "spine"}
    assert {"uplink", "dci"} <= {lk["kind"] for lk in links}
    with open(d / "meters.csv", newline="") as f:
        meters = list(csv.DictReader(f))
    assert list(meters[0]) == ["meter_id", "kind", "description"]
    kinds = [m["kind"] for m in meters]
    assert set(kinds) == {"facility", "it", "cooling", "renewable", "reuse"}
    assert kinds.count("renewable") >= 2


def test_gpus_rounded_up_to_multiple_of_8(tmp_path):
    files = gen.generate(tmp_path, gpus=13, days=1 / 24, interval_s=600)
    assert len(pd.read_csv(files["gpus.csv"])) == 16
    assert json.loads(files["manifest.json"].read_text())["params"]["gpus"] == 16


def test_schemas(out):
    d, _ = out
    for prefix, cols in (("gpu_samples", GPU_COLUMNS), ("link_samples", LINK_COLUMNS),
                         ("meter_samples", METER_COLUMNS)):
        for p in d.glob(f"{prefix}-*.parquet"):
            schema = pq.read_schema(p)
            assert schema.names == list(cols), p
            for name, typ in cols.items():
                assert schema.field(name).type == typ, (p, name)
            md = pq.ParquetFile(p).metadata
            assert md.row_group(0).column(0).compression == "ZSTD"


def test_value_ranges(gpu):
    assert gpu.util.between(0, 100).all()
    assert (gpu.util == gpu.util.round()).all()
    for c in ("tensor_active", "fp64_active", "sm_active"):
        v = gpu[c].dropna()
        assert v.between(0, 1).all(), c
    assert (gpu.tensor_active.dropna() <= gpu.sm_active.dropna() + 1e-6).all()
    assert gpu.power_w.gt(0).all() and gpu.power_w.le(1000).all()
    assert gpu.temp_c.between(15, 100).all()
    assert set(gpu.xid.unique()) <= {0, 48, 79, 94, 119}
    busy = gpu[gpu.util > 50]
    # util says a kernel ran; tensor activity is far lower
    assert busy.util.mean() / 100 > 1.5 * busy.tensor_active.mean()
    assert 0.2 <= busy.tensor_active.mean() <= 0.6


def test_power_within_model_limits(out, gpu):
    inv = pd.read_csv(out[0] / "gpus.csv")
    df = gpu.merge(inv, on="gpu_uuid")
    tdp = df.model.map({gen.B200: 1000.0, gen.RTX: 600.0})
    assert (df.power_w <= tdp).all()
    assert (df.power_w >= 0.1 * tdp).all()
    maxc = df.model.map({gen.B200: 1965, gen.RTX: 2617})
    assert (df.sm_clock_mhz <= maxc).all()
    busy = df[(df.util > 50) & (df.temp_c < 85)]
    assert (busy.sm_clock_mhz >= 0.95 * maxc[busy.index]).mean() > 0.99


def test_energy_counter_integrates_power(gpu, manifest):
    g = gpu.sort_values(["gpu_uuid", "ts"])
    de = g.groupby("gpu_uuid").energy_j.diff()
    dt = g.groupby("gpu_uuid").ts.diff().dt.total_seconds()
    ok = de >= 0
    resets = g.gpu_uuid[de < 0]
    assert sorted(resets) == sorted(manifest["design"]["energy_reset_gpus"])  # once each
    assert 2 <= resets.size <= 3
    # after a reset the counter restarts near 0 (driver reload)
    after = g.energy_j[de < 0]
    assert (after < 300 * 1000 + 5000).all()
    # increments equal power x interval (within the 1 J floor)
    err = (de[ok] - g.power_w[ok] * dt[ok]).abs()
    assert (err <= 1.5).all()


def test_idle_share(gpu, manifest):
    per = gpu.groupby("gpu_uuid").agg(mu=("util", "max"), mx=("xid", "max"),
                                      p=("power_w", "mean"))
    idle = per[(per.mu == 0) & (per.mx == 0)]
    share = len(idle) / len(per)
    assert 0.05 <= share <= 0.12, share
    assert len(idle) >= manifest["design"]["idle_gpus"]


def test_unhealthy_and_hot(tmp_path):
    # needs a few hundred GPUs to have several of each; 1 h at 10 min keeps it fast
    files = gen.generate(tmp_path, gpus=512, days=0.5, interval_s=600, seed=3,
                         start="2026-11-16T06:00:00Z")
    df = pq.read_table(files["gpu_samples-2026-11-16.parquet"]).to_pandas()
    xid_gpus = df.gpu_uuid[df.xid > 0].nunique()
    hot = df[df.temp_c > 85]
    assert 1 <= xid_gpus <= 0.025 * 512
    assert hot.gpu_uuid.nunique() >= 1
    assert (df.loc[df.xid > 0, "util"] == 0).all()
    inv = pd.read_csv(files["gpus.csv"]).set_index("gpu_uuid")
    maxc = inv.model.loc[hot.gpu_uuid].map({gen.B200: 1965, gen.RTX: 2617}).to_numpy()
    assert (hot.sm_clock_mhz.to_numpy() < 0.9 * maxc).all()  # throttled
    # HPC nodes: fp64 substantial on a few, tiny elsewhere
    fp = df.groupby("gpu_uuid").fp64_active.max()
    assert 1 <= (fp > 0.2).sum() <= 0.1 * 512


def test_missing_profiling_is_null(out, gpu):
    nulls = gpu[gpu.tensor_active.isna()]
    assert len(nulls) > 0
    missing = set(nulls.gpu_uuid)
    sub = gpu[gpu.gpu_uuid.isin(missing)]
    for c in ("tensor_active", "fp64_active", "sm_active"):
        assert sub[c].isna().all(), c  # missing is NULL, never 0
        assert gpu.loc[~gpu.gpu_uuid.isin(missing), c].notna().all()
    assert sub.util.gt(0).any()  # those GPUs do work; they just do not report DCP counters
    inv = pd.read_csv(out[0] / "gpus.csv").set_index("gpu_uuid")
    hosts = inv.loc[list(missing)]
    assert set(hosts.model) == {gen.RTX}
    assert len(missing) == 8 * hosts.hostname.nunique()  # whole nodes


def test_meters(out):
    m = _read(out[0], "meter_samples")
    p = m.pivot(index="ts", columns="meter_id", values="power_kw")
    assert (p["it"] <= p["facility"]).all()
    assert ((p["pv-roof"] + p["ppa-wind"]) <= p["facility"] + 0.2).all()
    e = m.pivot(index="ts", columns="meter_id", values="energy_kwh")
    assert (e.diff().dropna() >= 0).all().all()
    de = e.iloc[-1] - e.iloc[0]
    pue = de["facility"] / de["it"]
    assert 1.1 <= pue <= 1.5, pue
    assert 0.01 <= de["heat-reuse"] / de["facility"] <= 0.1
    assert 0.1 <= (de["pv-roof"] + de["ppa-wind"]) / de["facility"] <= 1.0
    # IT meter = GPU power + 25-35 % non-GPU IT
    g = _read(out[0], "gpu_samples").groupby("ts").power_w.sum() / 1000
    ratio = p["it"] / g
    assert ratio.between(1.22, 1.38).all()


def test_grid_carbon_and_water(out, manifest):
    d, _ = out
    carbon = pd.read_csv(d / "grid_carbon.csv", parse_dates=["ts"])
    assert len(carbon) == 6 == manifest["rows"]["grid_carbon_samples"]  # hourly over 6 h
    assert carbon["ts"].diff().dropna().eq(pd.Timedelta(hours=1)).all()
    assert carbon["g_co2_per_kwh"].between(80, 900).all()
    water = pd.read_csv(d / "water_samples.csv", parse_dates=["ts"])
    assert set(water["meter"]) == {"water-mains", "water-rain"}
    assert len(water) == 2 * 24 == manifest["rows"]["water_samples"]  # every 15 minutes
    for _, m in water.groupby("meter"):
        assert m["water_m3"].is_monotonic_increasing  # registers
    assert water.set_index("meter")["freshwater"].to_dict() == {"water-mains": True, "water-rain": False}


def test_pv_only_in_daylight(tmp_path):
    files = gen.generate(tmp_path, gpus=8, days=1, interval_s=900)
    m = pq.read_table(files["meter_samples-2026-11-16.parquet"]).to_pandas()
    pv = m[m.meter_id == "pv-roof"].set_index("ts").power_kw
    night = pv[(pv.index.hour < 6) | (pv.index.hour >= 17)]  # UTC; Munich sunset ~15:30 UTC
    assert (night == 0).all()
    assert pv[(pv.index.hour >= 10) & (pv.index.hour < 13)].gt(0).all()


def test_links_counters_and_saturation(out):
    d, _ = out
    lk = _read(d, "link_samples").sort_values(["link_id", "ts"])
    caps = pd.read_csv(d / "links.csv").set_index("link_id").capacity_gbps
    dt = lk.groupby("link_id").ts.diff().dt.total_seconds()
    for col in ("rx_bytes", "tx_bytes"):
        delta = lk.groupby("link_id")[col].diff()
        neg = lk.link_id[delta < 0]
        assert list(neg) == [gen.RESET_LINK], col  # one reset, on one link
        reset_rows = lk[col][delta < 0]
        assert (reset_rows < 100e9 / 8 * 300).all()  # restarted from 0
        rate = delta * 8 / dt / (lk.link_id.map(caps) * 1e9)
        assert (rate[delta >= 0] <= 1.0).all()
    rx = lk.groupby("link_id").rx_bytes.diff()
    util = rx * 8 / dt / (caps[gen.MAIN_UPLINK] * 1e9)
    main = util[lk.link_id == gen.MAIN_UPLINK]
    assert main.max() >= 0.95


def test_traffic_follows_load_cycle(tmp_path):
    files = gen.generate(tmp_path, gpus=16, days=1, interval_s=900)
    lk = pq.read_table(files["link_samples-2026-11-16.parquet"]).to_pandas()
    main = lk[lk.link_id == gen.MAIN_UPLINK].set_index("ts").rx_bytes.diff()
    assert main[main.index.hour.isin([11, 12, 13])].mean() > 2 * main[
        main.index.hour.isin([1, 2, 3])].mean()


def test_daily_load_cycle(tmp_path):
    files = gen.generate(tmp_path, gpus=256, days=1, interval_s=900, seed=5)
    g = pq.read_table(files["gpu_samples-2026-11-16.parquet"]).to_pandas()
    by_h = g.groupby(g.ts.dt.hour).util.mean()
    assert by_h.loc[10:14].mean() > 1.3 * by_h.loc[0:3].mean()


def test_multi_day_continuity(tmp_path):
    files = gen.generate(tmp_path, gpus=16, days=0.5, interval_s=600,
                         start="2026-11-16T18:00:00Z")
    assert {"gpu_samples-2026-11-16.parquet", "gpu_samples-2026-11-17.parquet"} <= set(files)
    g = pq.read_table([files["gpu_samples-2026-11-16.parquet"],
                       files["gpu_samples-2026-11-17.parquet"]]).to_pandas()
    assert g.ts.min() == pd.Timestamp("2026-11-16T18:00:00Z")
    assert g.ts.max() == pd.Timestamp("2026-11-17T05:50:00Z")
    assert g.ts.nunique() == 72
    g = g.sort_values(["gpu_uuid", "ts"])
    de = g.groupby("gpu_uuid").energy_j.diff()
    man = json.loads(files["manifest.json"].read_text())
    assert set(g.gpu_uuid[de < 0]) <= set(man["design"]["energy_reset_gpus"])
    assert (de < 0).sum() == len(man["design"]["energy_reset_gpus"])


PROM_LINE = re.compile(r'^([A-Z_0-9]+)\{([^}]*)\} (\S+)$')


def test_dcgm_scrape_consistent(out, gpu, manifest):
    text = (out[0] / "dcgm_scrape.prom").read_text()
    assert "# EOF" not in text
    series: dict[str, dict[str, float]] = {}
    helps, types = set(), {}
    hosts = set()
    for line in text.splitlines():
        if line.startswith("# HELP "):
            helps.add(line.split()[2])
        elif line.startswith("# TYPE "):
            types[line.split()[2]] = line.split()[3]
        else:
            m = PROM_LINE.match(line)
            assert m, line
            labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
            assert set(labels) == {"gpu", "UUID", "pci_bus_id", "device", "modelName",
                                   "Hostname", "DCGM_FI_DRIVER_VERSION"}
            hosts.add(labels["Hostname"])
            series.setdefault(m.group(1), {})[labels["UUID"]] = float(m.group(3))
    names = {"DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_SM_CLOCK", "DCGM_FI_DEV_GPU_TEMP",
             "DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION",
             "DCGM_FI_DEV_XID_ERRORS", "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE",
             "DCGM_FI_PROF_PIPE_FP64_ACTIVE", "DCGM_FI_PROF_SM_ACTIVE"}
    assert set(series) == names == helps == set(types)
    assert types["DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION"] == "counter"
    assert hosts == {manifest["design"]["scrape_host"]}
    last = gpu[gpu.ts == gpu.ts.max()].set_index("gpu_uuid")
    for name in names:
        assert len(series[name]) == 8
    for uuid, v in series["DCGM_FI_DEV_GPU_UTIL"].items():
        row = last.loc[uuid]
        assert v == row.util
        assert series["DCGM_FI_DEV_POWER_USAGE"][uuid] == pytest.approx(row.power_w, abs=1e-3)
        assert series["DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION"][uuid] == row.energy_j * 1000  # mJ
        assert series["DCGM_FI_DEV_SM_CLOCK"][uuid] == row.sm_clock_mhz
        assert series["DCGM_FI_DEV_GPU_TEMP"][uuid] == row.temp_c
        assert series["DCGM_FI_DEV_XID_ERRORS"][uuid] == row.xid
        assert series["DCGM_FI_PROF_PIPE_TENSOR_ACTIVE"][uuid] == pytest.approx(
            row.tensor_active, abs=1e-6)
        assert series["DCGM_FI_PROF_SM_ACTIVE"][uuid] == pytest.approx(row.sm_active, abs=1e-6)


def test_cli(tmp_path, capsys):
    assert gen.main([str(tmp_path), "--gpus", "8", "--days", "0.05", "--interval", "600",
                     "--seed", "1"]) == 0
    assert (tmp_path / "manifest.json").is_file()
    assert "day 2026-11-16" in capsys.readouterr().err


def test_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError):
        gen.generate(tmp_path, gpus=0)
    with pytest.raises(ValueError):
        gen.generate(tmp_path, days=0)


def test_stack_scaled_to_the_fleet(out, tmp_path):
    """vendors.csv and components.csv: the shipped stack, scaled to this fleet, loadable as is."""
    from dashboard.ingest import ensure_reference, load_path
    from dashboard.store import connect

    d, _ = out
    gpus = pd.read_csv(d / "gpus.csv")
    comps = pd.read_csv(d / "components.csv")
    shipped = pd.read_csv(gen.STACK_DIR / "components.csv")
    assert (d / "vendors.csv").read_bytes() == (gen.STACK_DIR / "vendors.csv").read_bytes()
    assert len(comps) == len(shipped) and list(comps.columns) == list(shipped.columns)
    latest = comps[comps.snapshot_date == comps.snapshot_date.max()].set_index("component_id")
    b200 = int((gpus.model == gen.B200).sum())
    assert latest.loc["gpu-b200", "quantity"] == b200 and latest.loc["dgx-b200", "quantity"] == b200 // 8
    assert latest.loc["gpu-rtxpro6000", "quantity"] == len(gpus) - b200
    # spend follows the quantity at the shipped stack's unit price
    ship = shipped[shipped.snapshot_date == shipped.snapshot_date.max()].set_index("component_id")
    unit = ship.loc["gpu-b200", "annual_spend_eur"] / ship.loc["gpu-b200", "quantity"]
    assert latest.loc["gpu-b200", "annual_spend_eur"] == pytest.approx(unit * b200, abs=1)
    # site-wide items scale with the fleet: 64 of the stack's 10,000 GPUs
    site = shipped.set_index(["snapshot_date", "component_id"]).loc[("2026-02-04", "site-building"), "annual_spend_eur"]
    assert comps.set_index(["snapshot_date", "component_id"]).loc[("2026-02-04", "site-building"),
                                                                   "annual_spend_eur"] == round(site * 64 / 10_000)
    con = connect(tmp_path / "stack.duckdb")
    ensure_reference(con)
    for name in ("vendors.csv", "components.csv"):
        r = load_path(con, d / name)
        assert r.status == "ok", r.summary()
    assert con.execute("SELECT count(*) FROM sov_stack").fetchall()[0][0] > 0
    con.close()


def test_shipped_small_sample_matches_manifest():
    small = Path(__file__).resolve().parents[1] / "sample_metrics" / "small"
    man = json.loads((small / "manifest.json").read_text())
    assert man["params"]["gpus"] == 1024 and man["params"]["interval_s"] == 300
    total = 0
    for name, info in man["files"].items():
        data = (small / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == info["sha256"], name
        total += len(data)
    assert total < 6_000_000
