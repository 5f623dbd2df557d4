"""Derived tables (rollups, runs, XID events) give exactly the figures the raw samples give.

The fixture has what breaks naive rollups: an energy-counter reset, a gap in one GPU's samples, an
idle run that crosses hour and 5-minute boundaries, a link counter reset, meters with a counter
reset, a gap, power samples only and a gap longer than an hour, and late files (GPU and meter) that
land inside hours already rolled up. Three ways to the same numbers are compared: the store that took the
files one by one (incremental), a store that took all the data in one file, and the derived rows
recomputed from the samples by the macros that define them.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from dashboard import derive, store
from dashboard.ingest import ensure_reference, load_path
from dashboard.store import connect

from .conftest import figure

T0 = datetime(2026, 3, 1, 0, 0)
MINUTES = 180  # 1-minute samples, 00:00 .. 02:59
GPUS = ("GPU-a", "GPU-b", "GPU-c")
LATE = range(70, 100)  # GPU-a's samples 01:10 .. 01:39 arrive in a second, late file
GAP = range(40, 52)    # GPU-b reports nothing 00:40 .. 00:51 (a 12-minute gap)


def _gpu_row(i: int, uuid: str) -> str:
    ts = T0 + timedelta(minutes=i)
    if uuid == "GPU-a":   # idle 00:50 .. 02:09 (crosses 01:00 and 02:00), busy otherwise
        tensor = 0.01 if 50 <= i < 130 else 0.6
        energy = (i * 600.0) if i < 95 else (i - 95) * 600.0   # counter restarts at 01:35
    elif uuid == "GPU-b":
        tensor = 0.3 + 0.001 * i
        energy = 1e6 + i * 500.0
    else:                  # no profiling counters: never idle, never counted
        tensor = None
        energy = 2e6 + i * 400.0
    t = "" if tensor is None else f"{tensor}"
    temp = 90 if uuid == "GPU-b" and 100 <= i < 103 else 60
    xid = 79 if uuid == "GPU-a" and i == 20 else 0
    return f"{ts:%Y-%m-%dT%H:%M:%S},{uuid},{50 + i % 7},{t},,{1500 + i},{400 + i % 11},{energy},{temp},{xid}"


HEADER = "ts,gpu_uuid,util,tensor_active,fp64_active,sm_clock_mhz,power_w,energy_j,temp_c,xid"
INVENTORY = ("gpu_uuid,hostname,gpu_index,rack,pod,model\n"
             "GPU-a,n1,0,r1,p1,NVIDIA B200\nGPU-b,n1,1,r1,p1,NVIDIA B200\nGPU-c,n2,0,r2,p1,NVIDIA B200\n")
LINKS = "link_id,a_end,b_end,capacity_gbps,carrier,kind\nup,a,b,10,DT,uplink\n"


def _links(minutes) -> str:
    rows = ["ts,link_id,rx_bytes,tx_bytes"]
    for i in minutes:
        rx = (i * 6e10) if i < 120 else (i - 120) * 3e10   # reset at 02:00
        rows.append(f"{T0 + timedelta(minutes=i):%Y-%m-%dT%H:%M:%S},up,{int(rx)},{int(i * 1e9)}")
    return "\n".join(rows) + "\n"


METERS = "meter_id,kind\nfac,facility\nit1,it\nit2,it\nsolar,renewable\n"
SOLAR_GAP = range(30, 101)  # no solar samples 00:30 .. 01:40: 71 minutes, longer than an hour


def _meters(keep) -> str:
    """fac: a 120 kW counter that restarts at 01:35; it1: a 60 kW counter with GPU-b's gap; it2: power
    only, every other minute; solar: power only, with a gap of more than an hour."""
    rows = ["ts,meter_id,power_kw,energy_kwh"]
    for i in range(MINUTES):
        ts = f"{T0 + timedelta(minutes=i):%Y-%m-%dT%H:%M:%S}"
        for m, power, energy in (
                ("fac", 120 + i % 5, i * 2.0 if i < 95 else (i - 95) * 2.0),
                ("it1", 60, None if i in GAP else i * 1.0),
                ("it2", 30 + i % 3, None),
                ("solar", 10 + i % 2, None)):
            if (m == "it1" and i in GAP) or (m == "it2" and i % 2) or (m == "solar" and i in SOLAR_GAP):
                continue
            if keep(i, m):
                rows.append(f"{ts},{m},{power},{'' if energy is None else energy}")
    return "\n".join(rows) + "\n"


def _samples(keep) -> str:
    rows = [HEADER]
    for i in range(MINUTES):
        for g in GPUS:
            if g == "GPU-b" and i in GAP:
                continue
            if keep(i, g):
                rows.append(_gpu_row(i, g))
    return "\n".join(rows) + "\n"


def _store(path: Path, folder: Path, files: list[tuple[str, str]]) -> Path:
    con = connect(path)
    ensure_reference(con)
    for name, text in files:
        f = folder / name
        f.write_text(text)
        r = load_path(con, f)
        assert r.status == "ok", r.summary()
    con.close()
    return path


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    folder = tmp_path_factory.mktemp("derived")
    inventory = [("gpus.csv", INVENTORY), ("links.csv", LINKS), ("meters.csv", METERS)]
    incremental = _store(folder / "incremental.duckdb", folder, inventory + [
        ("early.csv", _samples(lambda i, g: not (g == "GPU-a" and i in LATE))),
        ("links1.csv", _links(range(0, 90))),
        ("links2.csv", _links(range(90, MINUTES))),
        ("meters1.csv", _meters(lambda i, m: i < 120 and not (m == "fac" and i in LATE))),
        ("meters2.csv", _meters(lambda i, m: i >= 120)),
        ("late.csv", _samples(lambda i, g: g == "GPU-a" and i in LATE)),   # inside rolled-up hours
        ("meters_late.csv", _meters(lambda i, m: m == "fac" and i in LATE)),
    ])
    whole = _store(folder / "whole.duckdb", folder, inventory + [
        ("all.csv", _samples(lambda i, g: True)), ("links_all.csv", _links(range(0, MINUTES))),
        ("meters_all.csv", _meters(lambda i, m: True))])
    return incremental, whole


DERIVED = {  # table -> the macro that computes its rows from the samples
    "gpu_hourly": "gpu_hour_rows", "gpu_groups_5m": "gpu_interval_rows", "link_5m": "link_interval_rows",
    "meter_5m": "meter_interval_rows", "meter_kind_5m": "meter_kind_interval_rows"}
END = T0 + timedelta(minutes=MINUTES)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


@pytest.mark.parametrize("table", sorted(DERIVED))
def test_stored_rollups_equal_the_rows_computed_from_the_samples(stores, table):
    for db in stores:
        con = connect(db, read_only=True)
        stored = _sorted(con.execute(f"SELECT * FROM {table}").df())
        computed = _sorted(con.execute(f"SELECT * FROM {DERIVED[table]}(?, ?)",
                                       [T0, END + timedelta(hours=1)]).df()[list(stored.columns)])
        con.close()
        pd.testing.assert_frame_equal(stored, computed, check_dtype=False)


@pytest.mark.parametrize("table", ["gpu_runs", "gpu_steps", "gpu_xid_events", "gpu_daily", "gpu_pods_5m",
                                   *sorted(DERIVED)])
def test_a_late_file_leaves_the_same_derived_rows_as_one_whole_file(stores, table):
    frames = []
    for db in stores:
        con = connect(db, read_only=True)
        frames.append(_sorted(con.execute(f"SELECT * FROM {table}").df()))
        con.close()
    pd.testing.assert_frame_equal(*frames, check_dtype=False)


def test_daily_and_pod_rows_are_the_sums_of_the_finer_ones(stores):
    con = connect(stores[0], read_only=True)
    try:
        days = con.execute("SELECT time_bucket(INTERVAL 1 DAY, bucket), gpu_id, sum(n), sum(energy_j), sum(tensor_eff_sum),"
                           " max(temp_max) FROM gpu_hourly GROUP BY ALL ORDER BY 1, 2").fetchall()
        stored = con.execute("SELECT bucket, gpu_id, n, energy_j, tensor_eff_sum, temp_max FROM gpu_daily"
                             " ORDER BY 1, 2").fetchall()
        assert stored == [tuple(pytest.approx(v) if isinstance(v, float) else v for v in r) for r in days]
        pods = con.execute("SELECT bucket, pod, model, sum(gpus), count(DISTINCT rack), sum(power_mean_sum) "
                           "FROM gpu_groups_5m GROUP BY ALL ORDER BY 1, 2, 3").fetchall()
        stored = con.execute("SELECT bucket, pod, model, gpus, racks, power_mean_sum FROM gpu_pods_5m "
                             "ORDER BY 1, 2, 3").fetchall()
        assert stored == [tuple(pytest.approx(v) if isinstance(v, float) else v for v in r) for r in pods]
    finally:
        con.close()


def test_runs_by_hand(stores):
    con = connect(stores[0], read_only=True)
    runs = con.execute("SELECT g.gpu_uuid, r.state, r.first_ts, r.last_ts, r.samples FROM gpu_runs r "
                       "JOIN gpus g USING (gpu_id) ORDER BY 1, 3").fetchall()
    con.close()
    at = lambda m: T0 + timedelta(minutes=m)  # noqa: E731
    assert [r for r in runs if r[0] == "GPU-a"] == [
        ("GPU-a", "busy", at(0), at(49), 50), ("GPU-a", "idle", at(50), at(129), 80),
        ("GPU-a", "busy", at(130), at(179), 50)]
    # GPU-b: the 12-minute gap (more than two 1-minute steps) splits its busy run
    assert [r[2:] for r in runs if r[0] == "GPU-b"] == [(at(0), at(39), 40), (at(52), at(179), 128)]
    assert {r[1] for r in runs if r[0] == "GPU-c"} == {"unknown"}


RANGES = [  # whole hours (read from the tables), and edges that cut hours and 5-minute intervals
    (T0, END), (T0 + timedelta(minutes=17, seconds=30), T0 + timedelta(minutes=143)),
    (T0 + timedelta(minutes=61), T0 + timedelta(minutes=64)),
]
FIGURES = ["perf_headline", "perf_delivered", "perf_pods", "perf_idle_gpus", "perf_unhealthy_gpus",
           "ops_utilization", "ops_worst_gpus", "energy_headline", "energy_power", "energy_periods",
           "energy_efficiency", "energy_compliance", "net_link_utilization", "net_link_summary",
           "perf_rack_heatmap"]


@pytest.mark.parametrize("start, end", RANGES)
def test_every_figure_is_the_same_from_both_stores(stores, start, end):
    for name in FIGURES:
        frames = []
        for db in stores:
            con = connect(db, read_only=True)
            f = figure(con, name, start=start, end=end, **({"bucket_minutes": 15} if name in (
                "perf_delivered", "ops_utilization", "energy_power", "net_link_utilization",
                "perf_rack_heatmap", "perf_headline") else {}))
            con.close()
            frames.append(f.frame.drop(columns=[c for c in ("load_id",) if c in f.frame]))
        pd.testing.assert_frame_equal(*frames, check_dtype=False, obj=name)


def test_figures_over_adjacent_ranges_add_up(stores):
    """Energy and traffic are attributed to one interval each, so [a, b) + [b, c) = [a, c)."""
    con = connect(stores[0], read_only=True)
    cut = T0 + timedelta(minutes=93, seconds=20)   # inside an hour, inside a 5-minute interval
    whole = figure(con, "energy_headline", start=T0, end=END)
    parts = [figure(con, "energy_headline", start=a, end=b) for a, b in ((T0, cut), (cut, END))]
    assert whole.value("gpu_kwh") == pytest.approx(sum(p.value("gpu_kwh") for p in parts), rel=1e-12)
    links = [figure(con, "net_link_summary", start=a, end=b).frame.iloc[0] for a, b in ((T0, cut), (cut, END))]
    total = figure(con, "net_link_summary", start=T0, end=END).frame.iloc[0]
    assert total.rx_tb == pytest.approx(links[0].rx_tb + links[1].rx_tb, rel=1e-12)
    assert total.resets == links[0].resets + links[1].resets == 1
    con.close()


def test_energy_and_traffic_by_hand(stores):
    con = connect(stores[0], read_only=True)
    e = figure(con, "energy_headline", start=T0, end=END)
    # GPU-a: 600 J a minute, restarting at 01:35 (its value then, 0 J, is the increase): 178 steps
    # of 600 J and the reset step adds 0; GPU-b: 500 J a minute, 166 one-minute steps and one step
    # of 13 minutes over its gap (no longer than an hour, so counted); GPU-c: 179 steps of 400 J.
    a = 178 * 600.0
    b = 166 * 500.0 + 13 * 500.0
    c = 179 * 400.0
    assert e.value("gpu_kwh") == pytest.approx((a + b + c) / 3.6e6, rel=1e-12)
    assert e.value("counter_resets") == 2   # GPU-a's and the facility meter's (test_meter_energy_and_power_by_hand)
    s = figure(con, "net_link_summary", start=T0, end=END).frame.iloc[0]
    # rx: 6e10 B a minute for 119 minutes, then restart: 0 at 02:00, 3e10 B a minute after
    assert s.rx_tb == pytest.approx((119 * 6e10 + 0 + 59 * 3e10) / 1e12)
    assert s.resets == 1
    con.close()


def test_meter_energy_and_power_by_hand(stores):
    con = connect(stores[0], read_only=True)
    try:
        h = figure(con, "energy_headline", start=T0, end=END)
        day = figure(con, "energy_periods", start=T0, end=END, period="day").frame.iloc[0]
        minute = figure(con, "energy_power", start=T0, end=T0 + timedelta(minutes=10), bucket_minutes=1).frame
        peaks = con.execute("SELECT facility_kw_peak, it_kw_peak FROM energy_over(?, ?, 'all', false)",
                            [T0, END]).fetchall()[0]
    finally:
        con.close()
    # fac: 2 kWh a minute, restarting at 01:35 (its value then, 0 kWh, is the increase): 94 + 84 steps
    assert h.value("facility_kwh") == pytest.approx((94 + 84) * 2.0, rel=1e-12)
    # it1: 1 kWh a minute, 179 minutes including the 13-minute step over its gap (under an hour);
    # the headline counts counters only, so it2 (power only) adds nothing there
    assert h.value("it_kwh") == pytest.approx(179.0, rel=1e-12)
    assert h.value("counter_resets") == 2                       # GPU-a's and fac's
    assert h.value("facility_kw_peak") == 124                   # 120 + i % 5
    assert h.value("facility_kw_avg") == pytest.approx(122.0)
    it_power = [60.0] * (MINUTES - len(GAP)) + [30.0 + i % 3 for i in range(0, MINUTES, 2)]
    assert h.value("it_kw_avg") == pytest.approx(sum(it_power) / len(it_power))
    # per period: it2's power integrated (trapezoid over its 2-minute intervals) joins it1's counter;
    # solar's 71-minute gap is not bridged: 29 + 78 one-minute intervals of (10 + 11) / 2 kW
    it2 = sum((30 + (i - 2) % 3 + 30 + i % 3) / 2 * 2 / 60 for i in range(2, MINUTES, 2))
    assert day.it_kwh == pytest.approx(179.0 + it2, rel=1e-12)
    assert day.renewable_kwh == pytest.approx((29 + 78) * 10.5 / 60, rel=1e-12)
    assert day.pue == pytest.approx(356.0 / (179.0 + it2), rel=1e-12)
    assert day.hours == pytest.approx(179 / 60, rel=1e-12)     # fac's intervals: every minute after the first
    assert day.resets == 2
    # the law's kW peak: the busiest timestamp's energy, the kind's meters summed, over its longest
    # interval; IT peaks at 00:52, where it1's 13-minute step over its gap ends beside an it2 step
    it_at = {}
    for i in range(1, MINUTES):
        if i not in GAP:
            dt = 60 * (13 if i == 52 else 1)
            it_at.setdefault(i, []).append((1.0 * dt / 60, dt))
        if i % 2 == 0:
            it_at.setdefault(i, []).append(((30 + (i - 2) % 3 + 30 + i % 3) / 2 * 2 / 60, 120))
    it_peak = max(sum(k for k, _ in v) / max(d for _, d in v) * 3600 for v in it_at.values())
    assert peaks == (pytest.approx(120.0), pytest.approx(it_peak)) and it_peak == pytest.approx(14.05 / 780 * 3600)
    # a range of minutes reads the samples (1-minute buckets are finer than the rollups)
    fac = minute[minute.series == "facility"]
    assert fac.kw.tolist() == [120.0 + i % 5 for i in range(10)]


def test_meter_figures_from_the_samples_until_the_rollups_are_built(stores, tmp_path):
    """A store from before migration 014 (meters_built 0, empty rollups) reads the meters' samples,
    with the same results, until its next writer builds the rollups."""
    import shutil

    db = tmp_path / "unbuilt.duckdb"
    shutil.copy(stores[0], db)
    names = ("energy_headline", "energy_periods", "energy_power", "energy_efficiency")
    ranges = ((T0, END), (T0 + timedelta(minutes=17, seconds=30), T0 + timedelta(minutes=143)))

    def frames(con):
        return [figure(con, n, start=a, end=b).frame for n in names for a, b in ranges]

    con = connect(db)
    built = frames(con)
    con.execute("UPDATE derived_config SET value = 0 WHERE key = 'meters_built'")
    con.execute("DELETE FROM meter_kind_5m")
    con.execute("DELETE FROM meter_5m")
    con.close()
    con = connect(db, read_only=True)
    try:
        from_samples = frames(con)
    finally:
        con.close()
    for a, b in zip(built, from_samples):
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
    con = connect(db)
    try:
        assert derive.ensure(con, idle_threshold=0.05, hot_temp_c=85)    # the writer builds them
        assert derive.config(con)["meters_built"] == 1
        assert con.execute("SELECT count(*) FROM meter_kind_5m").fetchall()[0][0] > 0
        for a, b in zip(built, frames(con)):
            pd.testing.assert_frame_equal(a, b, check_dtype=False)
    finally:
        con.close()


def test_a_meter_that_changes_kind_rebuilds_the_kind_rollups(stores, tmp_path):
    import shutil

    db = tmp_path / "kind.duckdb"
    shutil.copy(stores[0], db)
    con = connect(db)
    try:
        f = tmp_path / "meters.csv"
        f.write_text(METERS.replace("solar,renewable", "solar,reuse"))
        r = load_path(con, f)
        assert r.status == "ok" and r.total("updated") == 1, r.summary()
        stored = _sorted(con.execute("SELECT * FROM meter_kind_5m").df())
        computed = _sorted(con.execute("SELECT * FROM meter_kind_interval_rows(?, ?)",
                                       [T0, END + timedelta(hours=1)]).df()[list(stored.columns)])
        assert set(stored.kind) == {"facility", "it", "reuse"}
    finally:
        con.close()
    pd.testing.assert_frame_equal(stored, computed, check_dtype=False)


def test_idle_from_the_runs_equals_idle_from_the_samples(stores):
    """The stored runs (built for the configured threshold) and the runs computed from the samples
    (any other threshold) give the same idle figures."""
    con = connect(stores[0])
    try:
        stored = figure(con, "perf_idle_gpus", start=T0 + timedelta(minutes=17), end=END).frame
        assert stored.gpu_uuid.tolist() == ["GPU-a"] and stored.idle_minutes_total.iloc[0] == pytest.approx(80)
        con.begin()
        con.execute("UPDATE derived_config SET value = 0.5 WHERE key = 'idle_threshold'")  # pretend: built for 0.5
        store.note_derived_state(con)
        from_samples = figure(con, "perf_idle_gpus", start=T0 + timedelta(minutes=17), end=END).frame
        con.rollback()
    finally:
        con.close()
    pd.testing.assert_frame_equal(stored, from_samples, check_dtype=False)


def test_changed_settings_rebuild_the_derived_tables(stores, tmp_path):
    import shutil

    db = tmp_path / "copy.duckdb"
    shutil.copy(stores[1], db)
    con = connect(db)
    assert derive.ensure(con, idle_threshold=0.05, hot_temp_c=85)       # never marked as built: rebuilt
    assert not derive.ensure(con, idle_threshold=0.05, hot_temp_c=85)   # now it is
    assert derive.ensure(con, idle_threshold=0.5, hot_temp_c=89)
    assert derive.config(con)["idle_threshold"] == 0.5
    f = figure(con, "perf_unhealthy_gpus", start=T0, end=END, hot_temp_c=89).frame
    assert f.gpu_uuid.tolist() == ["GPU-a", "GPU-b"] and f.hot_samples.tolist() == [0, 3]
    con.close()


@pytest.mark.parametrize("start, end", [
    ("2026-11-16 00:00", "2026-11-18 00:00"),          # two whole days: read from gpu_daily
    ("2026-11-16 05:17:30", "2026-11-17 22:03:00"),    # partial hours, whole hours and a whole day between
])
def test_totals_over_days_equal_totals_over_hours(sample_db, start, end):
    """gpu_span (daily rows where whole days fit) gives every GPU the same totals as gpu_hours."""
    con = connect(sample_db, read_only=True)
    try:
        q = ("SELECT gpu_id, sum(n), sum(util_sum), sum(tensor_eff_sum), sum(energy_j), sum(xid_n), max(temp_max), "
             "max(last_ts) FROM {}(CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP)) GROUP BY gpu_id ORDER BY gpu_id")
        by_day = con.execute(q.format("gpu_span"), [start, end]).fetchall()
        by_hour = con.execute(q.format("gpu_hours"), [start, end]).fetchall()
        days_read = con.execute("SELECT count(*) FROM gpu_daily WHERE bucket >= CAST(? AS TIMESTAMP) "
                                "AND bucket < CAST(? AS TIMESTAMP)", [start, end]).fetchall()[0][0]
    finally:
        con.close()
    assert len(by_day) == 1024 and days_read > 0
    assert by_day == [tuple(pytest.approx(v, rel=1e-9) if isinstance(v, float) else v for v in r) for r in by_hour]


# The figure that reads raw samples on purpose: the Data page's count of what the store holds. (One
# GPU's drill-down reads its samples for buckets under an hour, the rollups for hours and longer.)
READS_SAMPLES = {"store_contents"}
RAW = ("gpu_samples", "link_samples", "meter_samples")


def test_on_whole_hours_the_page_figures_read_only_derived_tables(sample_db):
    """Pages pick whole hours: every figure they draw then reads the derived tables, never the GPU,
    link or meter samples (the provenance says what was read, from DuckDB's profile of the run);
    here with hour-wide chart buckets, as the pages draw ranges longer than about four days."""
    from dashboard import benchmark, queries
    from dashboard import figures as core

    con = connect(sample_db, read_only=True)
    try:
        start, end = core.whole_hours(*core.data_range(con))
        params = {"start": start, "end": end, "bucket_minutes": 60, **benchmark.selections(con)}
        read = {}
        for name in benchmark.page_figures():
            q = queries.load(name)
            f = figure(con, name, **{p.name: params[p.name] for p in q.params if p.name in params})
            read[name] = f.telemetry_read()
        cut = figure(con, "energy_headline", start=start + timedelta(minutes=7), end=end)
    finally:
        con.close()
    assert {n for n, r in read.items() if any(t in r for t in RAW)} == READS_SAMPLES
    assert set(read["perf_headline"]) <= {"gpu_daily", "gpu_runs", "gpu_steps", "gpu_xid_events", "gpu_pods_5m"}
    assert read["energy_headline"].keys() == {"gpu_daily", "meter_kind_5m"}
    # a range that cuts an hour reads that hour's samples, and says so
    assert {"gpu_samples", "meter_samples"} <= cut.telemetry_read().keys()
    assert "meter_samples (" in cut.provenance() and "gpu_samples (" in cut.provenance()


@pytest.mark.parametrize("start, end", RANGES[:2])
@pytest.mark.parametrize("uuid", ["GPU-a", "GPU-b"])
def test_one_gpu_over_hours_from_the_rollups_equals_the_samples(stores, start, end, uuid):
    """perf_gpu_series sums buckets of whole hours from gpu_hours (the partial hours of a cut range
    from the samples) and XID codes from gpu_xid_events; pandas over the GPU's samples agrees."""
    con = connect(stores[0], read_only=True)
    try:
        f = figure(con, "perf_gpu_series", start=start, end=end, bucket_minutes=60, gpu_uuid=uuid)
        raw = con.execute("SELECT a.* FROM gpu_activity(?, ?, 'bf16') a JOIN gpus g USING (gpu_id) "
                          "WHERE g.gpu_uuid = ? ORDER BY ts", [start, end, uuid]).df()
    finally:
        con.close()
    assert "gpu_hourly" in f.telemetry_read() and ("gpu_samples" in f.telemetry_read()) == (start.minute != 0)
    by_hour = raw.groupby(raw.ts.dt.floor("60min"))
    expected = pd.DataFrame({
        "bucket": list(by_hour.groups), "mfu": by_hour.act_eff.mean().values,
        "util_pct": by_hour.util.mean().values, "tensor_active_pct": 100 * by_hour.tensor_active.mean().values,
        "sm_clock_mhz": by_hour.sm_clock_mhz.mean().values, "clock_factor": by_hour.clock_factor.mean().values,
        "power_w": by_hour.power_w.mean().values, "temp_c": by_hour.temp_c.max().values,
        "xid": by_hour.xid.max().values, "samples": by_hour.size().values})
    got = f.frame[list(expected.columns)].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-9)
    assert (f.frame.xid > 0).sum() == (1 if uuid == "GPU-a" else 0)   # GPU-a's XID 79 at 00:20


def test_energy_per_day_from_the_daily_rollups_equals_the_sum_of_its_hours(sample_db):
    """energy_periods by day, month or the whole range reads the GPUs' whole days from gpu_daily;
    by hour it reads gpu_hourly: the same energy, period by period."""
    con = connect(sample_db, read_only=True)
    try:
        start, end = T0.replace(2026, 11, 16), T0.replace(2026, 11, 18)
        days = figure(con, "energy_periods", start=start, end=end, period="day")
        hours = figure(con, "energy_periods", start=start, end=end, period="hour")
        cut = figure(con, "energy_periods", start=start + timedelta(hours=5, minutes=17), end=end, period="day")
        cut_hours = figure(con, "energy_periods", start=start + timedelta(hours=5, minutes=17), end=end, period="hour")
    finally:
        con.close()
    assert "gpu_daily" in days.telemetry_read() and "gpu_daily" not in hours.telemetry_read()
    per_day = hours.frame.groupby(hours.frame.period.dt.floor("D")).agg(
        gpu_kwh=("gpu_kwh", "sum"), facility_kwh=("facility_kwh", "sum"), resets=("resets", "sum")).reset_index()
    assert len(days.frame) == 2 and days.frame.gpu_kwh.min() > 0
    pd.testing.assert_frame_equal(days.frame[["period", "gpu_kwh", "facility_kwh", "resets"]], per_day,
                                  check_dtype=False, rtol=1e-12)
    assert cut.frame.gpu_kwh.sum() == pytest.approx(cut_hours.frame.gpu_kwh.sum(), rel=1e-12)
    assert (cut.frame.gpu_source == cut_hours.frame.groupby(cut_hours.frame.period.dt.floor("D")).gpu_source.first().values).all()
