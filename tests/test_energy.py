"""Energy figures against values computed by hand: PUE over a period where the IT load varies (a ratio
of energies, not a mean of ratios), counters and integrated power agreeing within the sampling
error, a counter reset, CUE and WUE, verdicts under the law in force and under the bill, labels,
and the law as revisable reference data."""
from __future__ import annotations

import csv
import math
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from dashboard import derive
from dashboard.config import Settings, load_settings
from dashboard.ingest import ensure_reference, load_path
from dashboard.queries import QueryError
from dashboard.store import connect

from .conftest import figure, write

T0 = datetime(2026, 11, 16, 0, 0)


def iso(t: datetime) -> str:
    return t.isoformat() + "Z"


def run(db: Path, name: str, settings: Settings | None = None, **params):
    con = connect(db, read_only=True)
    try:
        return figure(con, name, settings, **params).frame
    finally:
        con.close()


def load(con, folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        r = load_path(con, write(folder / name, text))
        assert r.status == "ok", r.summary()


# ---------------------------------------------------------------- a site with a varying IT load

# Samples every 15 minutes for two hours. The four intervals ending at 15, 30, 45 and 60 minutes run at
# IT 100 kW and facility 150 kW (PUE 1.5); the four ending at 75..120 at IT 300 kW and facility 360 kW
# (PUE 1.2). Energy: IT 4 × 25 + 4 × 75 = 400 kWh, facility 4 × 37.5 + 4 × 90 = 510 kWh:
# PUE 510 / 400 = 1.275, where the mean of the two PUEs would be 1.35.
STEPS = range(0, 9)  # minute 0, 15, ..., 120
IT_KW = {k: 100.0 if k <= 4 else 300.0 for k in STEPS}
FAC_KW = {k: 150.0 if k <= 4 else 360.0 for k in STEPS}
REN_SHARE, REUSE_SHARE = 0.65, 0.12
END = T0 + timedelta(minutes=121)


def _counter(kw: dict[int, float], start: float = 1000.0) -> dict[int, float]:
    out, e = {}, start
    for k in STEPS:
        if k:
            e += kw[k] * 0.25  # the interval ending at step k ran at kw[k]
        out[k] = e
    return out


def _meter_csv() -> str:
    fac, it = _counter(FAC_KW), _counter(IT_KW)
    ren = _counter({k: v * REN_SHARE for k, v in FAC_KW.items()}, 0.0)
    reuse = _counter({k: v * REUSE_SHARE for k, v in FAC_KW.items()}, 0.0)
    rows = []
    for k in STEPS:
        t = iso(T0 + timedelta(minutes=15 * k))
        rows += [f"{t},fac,{FAC_KW[k]},{fac[k]}", f"{t},it,{IT_KW[k]},{it[k]}", f"{t},ren,,{ren[k]}",
                 f"{t},heat,,{reuse[k]}"]
    return "ts,meter_id,power_kw,energy_kwh\n" + "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("energy")
    db = folder / "site.duckdb"
    con = connect(db)
    ensure_reference(con)
    load(con, folder, {
        "meters.csv": "meter_id,kind,description\nfac,facility,grid\nit,it,PDUs\nren,renewable,PPA\n"
                      "heat,reuse,district heat\n",
        "meter_samples.csv": _meter_csv(),
        # grid intensity for hours 0 and 1; hour 2 has none
        "grid_carbon.csv": f"ts,g_co2_per_kwh\n{iso(T0)},400\n{iso(T0 + timedelta(hours=1))},200\n",
        # 40 L then 60 L of mains water; rainwater (not freshwater input) is left out of WUE
        "water.csv": "ts,meter,water_m3,freshwater\n"
                     f"{iso(T0)},mains,10.000,true\n{iso(T0 + timedelta(hours=1))},mains,10.040,true\n"
                     f"{iso(T0 + timedelta(hours=2))},mains,10.100,true\n"
                     f"{iso(T0)},rain,5.000,false\n{iso(T0 + timedelta(hours=2))},rain,5.050,false\n",
    })
    con.close()
    return db


def test_pue_is_a_ratio_of_energies_over_a_varying_load(site):
    e = run(site, "energy_periods", start=T0, end=END, period="day").iloc[0]
    assert (e.facility_kwh, e.it_kwh) == (pytest.approx(510), pytest.approx(400))
    assert e.pue == pytest.approx(1.275)
    assert e.pue != pytest.approx((1.5 + 1.2) / 2)
    assert e.meter_source == "counters" and e.hours == pytest.approx(2)
    hours = run(site, "energy_periods", start=T0, end=END, period="hour")
    # intervals count at their end: hour 0 gets those ending 15, 30, 45; hour 1 those ending 60..105;
    # hour 2 the one ending at 120
    assert hours["pue"].tolist() == [pytest.approx(1.5), pytest.approx(307.5 / 250), pytest.approx(1.2)]
    assert hours["facility_kwh"].sum() == pytest.approx(510) and hours["it_kwh"].sum() == pytest.approx(400)


def test_pue_leaves_out_hours_the_it_meter_missed(site, tmp_path):
    db = tmp_path / "gap.duckdb"
    db.write_bytes(site.read_bytes())
    con = connect(db)
    con.execute("DELETE FROM meter_samples WHERE meter_id = (SELECT meter_id FROM meters WHERE meter_name = 'it') "
                "AND ts >= ? AND ts <= ?", [T0 + timedelta(minutes=105), T0 + timedelta(minutes=120)])
    derive.rebuild_meters(con)  # samples changed behind the loader's back: the rollups follow them
    con.close()
    e = run(db, "energy_periods", start=T0, end=END, period="day").iloc[0]
    # IT lost its intervals ending at 105 and 120 minutes (75 kWh each): the facility's 90 kWh of those
    # two intervals are left out of PUE as well, (510 - 2 × 90) / (400 - 2 × 75); counting them would
    # give 510 / 250 = 2.04
    assert e.it_kwh == pytest.approx(250)
    assert e.pue == pytest.approx(330 / 250)


def test_ref_erf_cue_and_wue_by_hand(site):
    e = run(site, "energy_periods", start=T0, end=END, period="day").iloc[0]
    assert e.ref == pytest.approx(REN_SHARE) and e.erf == pytest.approx(REUSE_SHARE)
    # hour 0: 112.5 kWh × 400 g; hour 1: 307.5 kWh × 200 g; hour 2 has no intensity: left out
    assert e.co2_kg == pytest.approx(112.5 * 0.4 + 307.5 * 0.2)
    assert e.cue == pytest.approx((112.5 * 0.4 + 307.5 * 0.2) / (75 + 250))
    assert e.carbon_coverage == pytest.approx(420 / 510)
    assert e.fresh_l == pytest.approx(100) and e.wue == pytest.approx(100 / 400)


def test_a_meter_counter_reset_is_neither_negative_nor_doubled(con, tmp_path):
    # counter 1000, 1010, 1020, then reset: 5 kWh since, then 15: intervals 10, 10, 5, 10 = 35 kWh
    load(con, tmp_path, {
        "meters.csv": "meter_id,kind\nfac,facility\n",
        "m.csv": "ts,meter_id,power_kw,energy_kwh\n" + "".join(
            f"{iso(T0 + timedelta(minutes=15 * k))},fac,40,{e}\n" for k, e in enumerate([1000, 1010, 1020, 5, 15])),
    })
    f = figure(con, "energy_periods", start=T0, end=T0 + timedelta(hours=2), period="day").frame.iloc[0]
    assert f.facility_kwh == pytest.approx(35) and f.resets == 1 and f.meter_source == "counters"


# ---------------------------------------------------------------- counters and power agree

P_MEAN, P_AMP, PERIOD_H = 500.0, 200.0, 6.0  # kW: a load swinging ±200 kW every 6 hours
W = 2 * math.pi / (PERIOD_H * 3600)


def _p(t: float, mean: float = P_MEAN, amp: float = P_AMP) -> float:
    return mean + amp * math.sin(W * t)


def _e(t: float, mean: float = P_MEAN, amp: float = P_AMP) -> float:
    """The exact integral of _p from 0 to t, in kW·s."""
    return mean * t + amp / W * (1 - math.cos(W * t))


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, Path]:
    """One day sampled every minute: one store whose meter and GPU carry energy counters only, one whose
    meter and GPU carry power only (the same load)."""
    folder = tmp_path_factory.mktemp("generated")
    times = [60 * k for k in range(24 * 60 + 1)]
    stores = []
    for kind in ("counter", "power"):
        db = folder / f"{kind}.duckdb"
        con = connect(db)
        ensure_reference(con)
        meter = "ts,meter_id,power_kw,energy_kwh\n" + "".join(
            f"{iso(T0 + timedelta(seconds=t))},fac," + (f",{_e(t) / 3600:.9f}" if kind == "counter" else f"{_p(t):.6f},")
            + "\n" for t in times)
        # a GPU at 600 W ± 300 W; DCGM's counter in J
        gpu = "ts,gpu_uuid,model," + ("energy_j" if kind == "counter" else "power_w") + "\n" + "".join(
            f"{iso(T0 + timedelta(seconds=t))},GPU-g,NVIDIA B200,"
            + (f"{_e(t, 600, 300):.3f}" if kind == "counter" else f"{_p(t, 600, 300):.4f}") + "\n" for t in times)
        load(con, folder / kind if (folder / kind).mkdir() is None else folder, {
            "meters.csv": "meter_id,kind\nfac,facility\n", "meter.csv": meter, "gpu.csv": gpu})
        con.close()
        stores.append(db)
    return stores[0], stores[1]


def test_energy_from_power_and_from_counters_agree_within_the_sampling_error(generated):
    by_counter, by_power = generated
    span = 20 * 3600  # 3⅓ periods of the load: sampling errors do not cancel over whole periods
    end = T0 + timedelta(seconds=span, minutes=1)
    c = run(by_counter, "energy_periods", start=T0, end=end, period="year").iloc[0]
    p = run(by_power, "energy_periods", start=T0, end=end, period="year").iloc[0]
    assert (c.meter_source, p.meter_source) == ("counters", "power samples")
    assert (c.gpu_source, p.gpu_source) == ("counters", "power samples")
    exact = _e(span) / 3600  # kWh
    assert c.facility_kwh == pytest.approx(exact, abs=1e-6)
    # trapezoid rule: |error| ≤ (b - a) h² max|P''| / 12, with P'' = amp ω²
    h = 60.0
    bound = span * h**2 * P_AMP * W**2 / 12 / 3600
    assert 0 < abs(p.facility_kwh - c.facility_kwh) <= bound
    # GPU: the counter gives the 1,200 intervals between the samples; the power samples stand for one
    # step each (1,201 of them): the two differ by at most one step's energy plus the rectangle rule's
    # error, (b - a) h max|P'| / 2
    gpu_exact = _e(span, 600, 300) / 3.6e6
    assert c.gpu_kwh == pytest.approx(gpu_exact, rel=1e-9)
    step_energy = 900 * h / 3.6e6
    rect = span * h * 300 * W / 2 / 3.6e6
    assert abs(p.gpu_kwh - c.gpu_kwh) <= step_energy + rect
    assert abs(p.gpu_kwh - c.gpu_kwh) / c.gpu_kwh < 0.01


# ---------------------------------------------------------------- the law

def verdicts(db: Path, **params) -> dict[str, tuple[str, str]]:
    f = run(db, "energy_compliance", start=params.pop("start", T0), end=params.pop("end", END), **params)
    return {r.rule_id: (r.verdict, r.timing) for r in f.itertuples()}


def test_verdicts_under_the_law_in_force_and_under_the_bill(site):
    # the site: PUE 1.275, REF 65 %, ERF 12 %, commissioned 4 Feb 2026 (before 1 Jul 2026: an existing site)
    law = verdicts(site)
    assert law["enefg_renewable_2024"] == ("pass", "in force")       # 65 % ≥ 50 %, more than 10 points above
    assert law["enefg_pue_existing_2027"] == ("pass", "upcoming")    # 1.275 ≤ 1.5
    assert law["enefg_pue_existing_2030"] == ("at risk", "upcoming")  # 1.275 ≤ 1.3, by less than 0.1
    assert law["enefg_renewable_2027"] == ("fail", "upcoming")       # 65 % < 100 %
    assert "enefg_pue_new" not in law and "enefg_erf_new_2026" not in law  # for sites opened from July 2026
    assert law["enefg_scope_300kw"][0] == "in scope" and law["eed_scope_500kw"][0] == "check rated power"
    bill = verdicts(site, rule_set="enefg_amendment_2026_bill")
    assert bill["bill_renewable_50"] == ("pass", "in force")
    assert bill["bill_pue_existing_2030"] == ("pass", "upcoming")    # 1.275 ≤ 1.4: the verdict changes
    assert bill["bill_renewable_100"] == ("fail", "upcoming")
    assert "enefg_pue_existing_2030" not in bill and "enefg_renewable_2024" not in bill  # replaced
    assert bill["enefg_register_report"][0] == "duty"                 # kept: the bill does not amend it
    rows = run(site, "energy_compliance", start=T0, end=END, rule_set="enefg_amendment_2026_bill")
    r = rows[rows.rule_id == "bill_renewable_100"].iloc[0]
    assert r.due_from == pd.Timestamp(2030, 1, 1) and r.projected_value == pytest.approx(0.65) and r.threshold_value == 1.0
    assert r.requirement == "REF ≥ 100 %" and r.value_text == "65.0 %" and r.status == "pending bill"


def test_the_commissioning_date_decides_the_thresholds_and_their_grace(site):
    law = run(site, "energy_compliance", start=T0, end=END, commissioned=date(2026, 8, 1))
    pue = law[law.rule_id == "enefg_pue_new"].iloc[0]
    assert pue.due_from == pd.Timestamp(2028, 8, 1) and pue.verdict == "fail"  # within two years: 1.275 > 1.2
    erf = law[law.rule_id == "enefg_erf_new_2026"].iloc[0]
    assert erf.due_from == pd.Timestamp(2028, 8, 1) and erf.verdict == "at risk"  # 12 % ≥ 10 %, by 2 points
    bill = run(site, "energy_compliance", start=T0, end=END, commissioned=date(2026, 8, 1),
               rule_set="enefg_amendment_2026_bill")
    pue = bill[bill.rule_id == "bill_pue_new"].iloc[0]
    assert pue.due_from == pd.Timestamp(2030, 8, 1) and pue.verdict == "at risk"  # four years; 1.275 ≤ 1.3
    # the configured date reaches the figure through the settings
    configured = load_settings(env={"AIFD_SITE_COMMISSIONED": "2026-08-01", "AIFD_CONFIG": "/nonexistent"})
    assert "enefg_pue_new" in set(run(site, "energy_compliance", configured, start=T0, end=END).rule_id)


def test_a_period_that_misses_its_threshold_puts_a_passing_year_at_risk(con, tmp_path):
    # IT 100 kW all along; facility 120 kW for the first four intervals, 150 kW for the last four: the
    # year so far has PUE (4 × 30 + 4 × 37.5) / (8 × 25) = 1.35, the last hour alone 1.5
    fac = _counter({k: 120.0 if k <= 4 else 150.0 for k in STEPS})
    it = _counter({k: 100.0 for k in STEPS})
    load(con, tmp_path, {
        "meters.csv": "meter_id,kind\nfac,facility\nit,it\n",
        "m.csv": "ts,meter_id,energy_kwh\n" + "".join(
            f"{iso(T0 + timedelta(minutes=15 * k))},fac,{fac[k]}\n{iso(T0 + timedelta(minutes=15 * k))},it,{it[k]}\n"
            for k in STEPS)})

    def bill_2030(start):
        f = figure(con, "energy_compliance", start=start, end=END, rule_set="enefg_amendment_2026_bill",
                   at_risk_margin=0.0).frame
        return f[f.rule_id == "bill_pue_existing_2030"].iloc[0]

    whole, last_hour = bill_2030(T0), bill_2030(T0 + timedelta(minutes=61))
    assert whole.projected_value == pytest.approx(1.35) and whole.verdict == "pass"      # ≤ 1.4
    assert last_hour.period_value == pytest.approx(1.5) and last_hour.projected_value == pytest.approx(1.35)
    assert last_hour.verdict == "at risk"


def test_without_meter_data_every_rule_still_shows_with_no_data(con):
    # a store with GPU telemetry but no facility meters yet: the law's rules are listed, not hidden
    f = figure(con, "energy_compliance", start=T0, end=END).frame
    assert {"enefg_pue_existing_2027", "enefg_renewable_2024", "enefg_scope_300kw"} <= set(f.rule_id)
    numeric = f[f.kpi.isin(["pue", "erf", "ref", "scope"])]
    assert len(numeric) and set(numeric.verdict) == {"no data"} and numeric.projected_value.isna().all()
    assert set(f[f.kpi == "pue"].value_text) == {"no data"}


def test_an_unknown_rule_set_is_named(site):
    with pytest.raises(QueryError, match="rule set enefg_2031 has no rules in law_rules .known: enefg_2023, "
                                         "enefg_amendment_2026_bill, eu_eed_2024_1364, eu_labels_2026"):
        run(site, "energy_compliance", start=T0, end=END, rule_set="enefg_2031")


def test_labels_the_site_would_get(site, tmp_path):
    labels = run(site, "energy_labels", start=T0, end=END).set_index("indicator")
    assert labels.loc["PUE", "value"] == pytest.approx(1.275)
    assert (labels.loc["PUE", "label"], labels.loc["PUE", "band"]) == ("C", "1.25 < PUE ≤ 1.35")
    assert labels.loc["PUE", "confidence"] == "inferred"  # class C's bounds follow from B and D
    assert (labels.loc["WUE", "label"], labels.loc["WUE", "band"]) == ("C", "0.2 < WUE ≤ 0.4")
    # between D (1.5) and G (above 1.9) the E/F bound is not verified: both classes are named
    db = tmp_path / "hot.duckdb"
    db.write_bytes(site.read_bytes())
    con = connect(db)
    con.execute("UPDATE meter_samples SET energy_kwh = energy_kwh * 1.4 WHERE meter_id = "
                "(SELECT meter_id FROM meters WHERE meter_name = 'fac')")
    derive.rebuild_meters(con)  # samples changed behind the loader's back: the rollups follow them
    con.close()
    hot = run(db, "energy_labels", start=T0, end=END).set_index("indicator")
    assert hot.loc["PUE", "value"] == pytest.approx(1.785)
    assert (hot.loc["PUE", "label"], hot.loc["PUE", "band"], hot.loc["PUE", "confidence"]) == (
        "E or F", "1.5 < PUE ≤ 1.9", "unverified")


def test_the_law_is_revisable_reference_data(site, tmp_path):
    db = tmp_path / "revised.duckdb"
    db.write_bytes(site.read_bytes())
    src = Path(__file__).resolve().parent.parent / "queries" / "reference" / "law_rules.csv"
    with src.open(newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    for r in rows:
        if r["rule_id"] == "enefg_pue_existing_2030":
            r["threshold"] = "1.25"  # a user's revision (say, the text of a later amendment)
    revised = tmp_path / "law_rules.csv"
    with revised.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    con = connect(db)
    report = load_path(con, revised)
    assert report.status == "ok" and report.total("updated") == 1, report.summary()
    by = con.execute("SELECT loaded_by FROM law_rules WHERE rule_id = 'enefg_pue_existing_2030'").fetchall()[0][0]
    assert by == report.load_id
    assert con.execute("SELECT kinds FROM ingest_log WHERE load_id = ?", [report.load_id]).fetchall()[0][0] == "law_rules"
    con.close()
    assert verdicts(db)["enefg_pue_existing_2030"] == ("fail", "upcoming")  # 1.275 > 1.25
    sets = run(db, "energy_rule_sets").set_index("rule_set")
    assert sets.loc["enefg_2023", "loaded_by"] == report.load_id
    assert sets.loc["enefg_amendment_2026_bill", "amends"] == "enefg_2023"


def test_a_bad_rule_is_rejected_with_its_line_and_reason(con, tmp_path):
    header = (Path(__file__).resolve().parent.parent / "queries" / "reference" / "law_rules.csv").read_text().splitlines()[0]
    n = len(header.split(","))
    good = ["x_set", "x_pue", "pue", "<=", "1.4"] + [""] * (n - 5)
    cols = header.split(",")
    def row(**kw):
        r = dict(zip(cols, good))
        r.update(legal_reference="§1", source="https://example.org/law")
        r.update(kw)
        return ",".join(r[c] for c in cols)
    text = "\n".join([header, row(), row(rule_id="x_bad", comparator="=<"), row(rule_id="x_nothr", threshold=""),
                      row(rule_id="x_src", source="the gazette"), row(rule_id="x_rep", replaces="no_such_rule")]) + "\n"
    r = load_path(con, write(tmp_path / "rules.csv", text))
    reasons = {series: reason for _, series, reason in r.domains[0].first_rejects}
    assert r.total("loaded") == 1 and r.total("rejected") == 4
    assert "is not one of <=, >=, <, >, duty, info" in reasons["x_bad"]
    assert "needs a threshold" in reasons["x_nothr"]
    assert "not an http(s) URL" in reasons["x_src"]
    assert "replaces no_such_rule: no such rule in another rule set" in reasons["x_rep"]


def test_grid_carbon_from_an_electricity_maps_export(con, tmp_path):
    text = ("Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO₂eq/kWh (direct),"
            "Carbon Intensity gCO₂eq/kWh (life cycle assessment),Low Carbon Percentage,Renewable Percentage,"
            "Data Source,Data Estimated,Data Estimation Method\n"
            "2026-11-16 00:00:00,Germany,Germany,DE,412.5,480.1,55.2,50.1,entsoe.eu,false,\n"
            "2026-11-16 01:00:00,Germany,Germany,DE,-3,470.0,55.2,50.1,entsoe.eu,false,\n"
            "2026-11-16 02:00:00,Germany,Germany,DE,3500,470.0,55.2,50.1,entsoe.eu,false,\n")
    r = load_path(con, write(tmp_path / "DE_2026_hourly.csv", text))
    assert r.domains[0].domain == "grid_carbon_samples" and r.total("loaded") == 1 and r.total("rejected") == 2
    reasons = [reason for _, _, reason in r.domains[0].first_rejects]
    assert "negative carbon intensity" in reasons[0] and "implausible" in reasons[1]
    assert con.execute("SELECT ts, g_co2_per_kwh FROM grid_carbon_samples").fetchall() == [(T0, 412.5)]
    again = load_path(con, tmp_path / "DE_2026_hourly.csv", force=True)
    assert again.total("loaded") == 0  # idempotent


# ---------------------------------------------------------------- what the product adds

@pytest.fixture(scope="module")
def fleet(tmp_path_factory) -> Path:
    """Two B200s for two hours, sampled every 5 minutes: GPU-a at tensor activity 0.5 and full clock,
    1,000 W; GPU-b idle (tensor 0) at 200 W. Facility 3 kW, IT 2.4 kW flat."""
    folder = tmp_path_factory.mktemp("fleet")
    db = folder / "fleet.duckdb"
    con = connect(db)
    ensure_reference(con)
    times = [T0 + timedelta(minutes=5 * k) for k in range(25)]
    gpu = "ts,gpu_uuid,model,tensor_active,sm_clock_mhz,power_w\n" + "".join(
        f"{iso(t)},GPU-a,NVIDIA B200,0.5,1965,1000\n{iso(t)},GPU-b,NVIDIA B200,0.0,1965,200\n" for t in times)
    meters = "ts,meter_id,power_kw\n" + "".join(f"{iso(t)},fac,3\n{iso(t)},it,2.4\n" for t in times)
    load(con, folder, {"meters.csv": "meter_id,kind\nfac,facility\nit,it\n", "gpu.csv": gpu, "m.csv": meters,
                       "carbon.csv": f"ts,g_co2_per_kwh\n{iso(T0)},300\n{iso(T0 + timedelta(hours=1))},300\n"})
    con.close()
    return db


def test_energy_per_delivered_exaflop_hour_and_gflops_per_watt(fleet):
    e = run(fleet, "energy_efficiency", start=T0, end=T0 + timedelta(hours=2)).iloc[0]
    peak = 2250.0  # B200 BF16 dense TFLOPS (gpu_models.csv)
    assert e.delivered_tflops == pytest.approx(0.5 * peak)
    assert e.delivered_efh == pytest.approx(0.5 * peak * 2 / 1e6)            # 24 intervals of 5 minutes
    # meters by the trapezoid: intervals ending in the range (the first sample has no interval): 23 × 5 min
    assert e.facility_kwh == pytest.approx(3 * 23 * 5 / 60)
    assert e.kwh_per_efh == pytest.approx(e.facility_kwh / e.delivered_efh)
    assert e.gflops_per_w == pytest.approx(e.delivered_efh * 1e6 / e.facility_kwh)
    assert e.gflops_per_w_it == pytest.approx(e.delivered_efh * 1e6 / e.it_kwh)
    # FP64 nameplate of the two GPUs reporting (2 × 37 TFLOPS) over the mean IT power (2.4 kW)
    assert e.fp64_ceiling_gflops_per_w == pytest.approx(2 * 37 / 2.4)
    assert (e.green500_system, e.green500_gflops_per_w) == ("Kairos", pytest.approx(73.282))
    # idle GPU-b: 200 W by the trapezoid, as the meters: 23 intervals of 5 minutes end in the range
    # (the first sample has none); idle all along
    assert e.idle_gpus == 1 and e.idle_gpu_kwh == pytest.approx(0.2 * 23 * 5 / 60)
    pue = 3 / 2.4
    assert e.idle_facility_kwh == pytest.approx(e.idle_gpu_kwh * pue)
    assert e.idle_co2_kg == pytest.approx(e.idle_gpu_kwh * pue * 0.3)
    assert e.unhealthy_gpus == 0
    assert e.cue == pytest.approx(0.3 * pue)


def test_green500_beside_the_site(fleet):
    g = run(fleet, "energy_green500", start=T0, end=T0 + timedelta(hours=2))
    site = g[g.is_site]
    assert len(site) == 3 and len(g) == 15
    assert g.gflops_per_watt.is_monotonic_decreasing
    assert set(g[~g.is_site].precision) == {"fp64"}


def test_site_settings_reach_the_figures(tmp_path):
    cfg = tmp_path / "aifd.toml"
    cfg.write_text('[site]\ncommissioned = "2026-08-01"\nrule_set = "enefg_amendment_2026_bill"\n')
    s = load_settings(cfg, env={})
    assert (s.site_commissioned, s.rule_set) == (date(2026, 8, 1), "enefg_amendment_2026_bill")
    s = load_settings(cfg, env={"AIFD_RULE_SET": "enefg_2023", "AIFD_SITE_COMMISSIONED": "2026-02-04"})
    assert (s.site_commissioned, s.rule_set) == (date(2026, 2, 4), "enefg_2023")
    defaults = Settings()
    assert (defaults.site_commissioned, defaults.rule_set) == (date(2026, 2, 4), "enefg_2023")
    with pytest.raises(ValueError, match="AIFD_SITE_COMMISSIONED .4 Feb 2026. is not a date"):
        load_settings(cfg, env={"AIFD_SITE_COMMISSIONED": "4 Feb 2026"})
