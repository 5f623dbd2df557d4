"""Energy: the site against the law in force (or a pending bill), energy per period, what the
delivered work cost in energy and carbon, and where idle and unhealthy GPUs spent it.

Draws only: every number comes from a named query in ``queries/energy_*.sql`` run through
``ui.run``; the page reshapes frames for charts and counts verdicts, nothing more.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.figures import Figure
from dashboard.queries import QueryError

# Rule sets that hold whatever national set is chosen (EU reporting) or give labels, not verdicts.
EU_SETS = ("eu_eed_2024_1364", "eu_labels_2026")
RULE_SET_NAMES = {
    "enefg_2023": "EnEfG as in force (since 18 Nov 2023)",
    "enefg_amendment_2026_bill": "EnEfG amendment bill 2026 (pending, as if passed)",
}
PERIODS = {"Day": "day", "Month": "month", "Year to date": "year", "Hour": "hour"}
SEVERITY = ("fail", "at risk", "no data", "pass")  # the worst verdict first
NUMERIC = ("pue", "erf", "ref")


def rule_set_name(rule_set: str) -> str:
    return RULE_SET_NAMES.get(rule_set, rule_set)


def choose_rule_set() -> str:
    """The national rule set to judge against: the configured one unless the user picks another."""
    sets = ui.run("energy_rule_sets")
    configured = ui.settings().rule_set
    options = [r for r in sets.frame["rule_set"] if r not in EU_SETS] or [configured]
    if configured not in options:
        options.insert(0, configured)
    with st.sidebar:
        st.markdown("**Law to judge against**")
        chosen = st.selectbox("Rule set", options, index=options.index(configured), key="energy_rule_set",
                              format_func=rule_set_name, label_visibility="collapsed",
                              help="The setting `[site] rule_set` (AIFD_RULE_SET) chooses the default. A bill "
                                   "is judged as if passed: its rules replace the ones they amend, the rest "
                                   "of the law stays.")
    return chosen


def verdict_counts(frame: pd.DataFrame) -> str:
    counts = frame["verdict"].value_counts()
    return " · ".join(f"{counts[v]} {v}" for v in ("pass", "at risk", "fail", "no data") if counts.get(v)) or "none"


def worst(frame: pd.DataFrame) -> str:
    present = set(frame["verdict"])
    return next((v for v in SEVERITY if v in present), "none")


def dates(frame: pd.DataFrame, *cols: str) -> pd.DataFrame:
    """Missing dates as NaT, so that tables show an empty cell rather than None."""
    return frame.assign(**{c: pd.to_datetime(frame[c]) for c in cols})


def law(start, end, rule_set: str) -> None:
    s = ui.settings()
    st.header("Against the law")
    try:
        fig = ui.run("energy_compliance", start=start, end=end, rule_set=rule_set)
    except QueryError as e:  # a rule set the store does not hold (a typo in the setting, an old store)
        st.error(str(e).split("Invalid Input Error: ", 1)[-1])
        return
    f = fig.frame
    year = (end - pd.Timedelta(microseconds=1)).year
    st.markdown(f"**Rule set: {rule_set_name(rule_set)}** (`{rule_set}`), with the EU reporting rules "
                f"(`eu_eed_2024_1364`). Site commissioned **{s.site_commissioned:%d %b %Y}** "
                "(setting `[site] commissioned`).")
    numeric = f[f["kpi"].isin(NUMERIC)]
    now, later = numeric[numeric["timing"] == "in force"], numeric[numeric["timing"] == "upcoming"]
    labels = ui.run("energy_labels", start=start, end=end)
    c = st.columns(4)
    ui.tile(c[0], "In force now", worst(now), fig, note=verdict_counts(now),
            help="The worst verdict of the PUE, ERF and REF rules in force on the range's last day, judged on "
                 "the projected annual value (the calendar year to date).")
    ui.tile(c[1], "Upcoming", worst(later), fig, note=verdict_counts(later),
            help="The worst verdict of the rules that start later, judged as if the site kept this year's "
                 "performance.")
    for col, indicator in zip(c[2:], ("PUE", "WUE")):
        row = labels.frame[labels.frame["indicator"] == indicator]
        i = int(row.index[0]) if len(row) else 0
        label = labels.text("label", i) if len(row) else "no data"
        ui.tile(col, f"{indicator} label (EU 2026)", label, labels,
                help="Class of the A–G label the European database would give for the projected annual "
                     "value (rating act C(2026) 3472; labels from 15 Aug 2027). Two classes where a band's "
                     "bound is not verified.",
                note=f"{labels.text('value', i, digits=4)} · {labels.text('confidence', i)}" if len(row) else None)
    ui.table(Figure(fig.query, fig.params, dates(numeric, "due_from", "due_until"), fig.elapsed_ms), ["requirement", "verdict", "value_text", "timing", "due_from", "due_until",
                         "period_text", "legal_reference", "rule_set", "confidence", "deadline"])
    coverage = fig.value("year_coverage")
    ui.provenance(fig, f"the year judged is {year}; {ui.pct(coverage)} of it is metered, so the projected "
                       "annual value is this part of the year taken as the whole" if coverage is not None else None)
    if coverage is not None and coverage < 0.5:
        st.caption(f"Less than half of {year} is metered: the projection misses the seasons not seen (cooling "
                   "in summer raises PUE). A value within the at-risk margin of its limit is marked at risk.")
    with st.expander("Duties and scope (no number to meet)", expanded=False):
        duties = f[~f["kpi"].isin(NUMERIC)]
        ui.table(Figure(fig.query, fig.params, dates(duties, "due_from", "due_until"), fig.elapsed_ms),
                 ["requirement", "verdict", "value_text", "timing", "due_from", "description", "legal_reference",
                  "deadline", "rule_set", "confidence", "source"])
        st.caption("Scope and size limits are compared with the measured peak power: the rated power the "
                   "laws name is at least the peak drawn, so a peak above the limit puts the site in scope; "
                   "below it, check the rated power.")
    st.subheader("A–G labels the site would get")
    ui.table(labels)
    ui.provenance(labels, "E and F bounds are not verified in the sources read: a value between D and G is "
                          "named as 'E or F' (docs/reference_data.md)")
    with st.expander("Rule sets stored (revisable: ingest a CSV with the same columns)", expanded=False):
        sets = ui.run("energy_rule_sets")
        ui.table(sets)
        ui.provenance(sets)


def periods(start, end) -> None:
    st.header("Energy per period")
    choice = st.radio("Period", list(PERIODS), horizontal=True, key="energy_period")
    period = PERIODS[choice]
    last = end - timedelta(microseconds=1)
    p_start = start
    if period == "month":  # whole months: from the first of the range's first month
        p_start = datetime(start.year, start.month, 1)
    elif period == "year":  # year to date: from 1 January of the year of the range's end
        p_start = datetime(last.year, 1, 1)
    fig = ui.run("energy_periods", start=p_start, end=end, period=period)
    f = fig.frame
    if f.empty:
        st.info("No meter readings in this range: load meter samples with `aifd ingest FILE`.")
        ui.provenance(fig)
        return
    long = f.melt(id_vars=["period"], value_vars=["facility_kwh", "it_kwh", "gpu_kwh", "cooling_kwh"],
                  var_name="energy", value_name="kwh").dropna()
    long["energy"] = long["energy"].map({"facility_kwh": "facility", "it_kwh": "IT", "cooling_kwh": "cooling",
                                         "gpu_kwh": "GPUs"})
    long["mwh"] = long["kwh"] / 1000
    fmt = {"hour": "%Y-%m-%d %H:%M", "day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y (to date)"}[period]
    long["when"] = pd.to_datetime(long["period"]).dt.strftime(fmt)
    order = ["facility", "IT", "GPUs", "cooling"]
    if len(f) <= 31:
        chart = alt.Chart(long).mark_bar().encode(
            x=alt.X("when:N", title=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("energy:N", sort=order),
            y=alt.Y("mwh:Q", title="energy (MWh)"),
            color=alt.Color("energy:N", sort=order, title=None, legend=alt.Legend(orient="bottom")),
            tooltip=["when:N", "energy:N", alt.Tooltip("mwh:Q", format=",.2f", title="MWh")],
        ).properties(height=240)
        st.altair_chart(chart, width="stretch")
    ui.table(fig, ["period", "facility_kwh", "it_kwh", "cooling_kwh", "gpu_kwh", "pue", "ref", "erf", "cue",
                   "wue", "co2_kg", "hours", "meter_source", "gpu_source", "resets"])
    ui.provenance(fig, f"{'from ' + p_start.strftime('%Y-%m-%d') + ' (year to date)' if period == 'year' else ''}"
                       " PUE = facility energy / IT energy of the period (ISO/IEC 30134-2), never a mean of "
                       "instantaneous ratios")
    hourly = ui.run("energy_periods", start=start, end=end, period="hour")
    h = hourly.frame.dropna(subset=["pue"])
    if not h.empty:
        line = alt.Chart(ui.utc(h, "period")).mark_line(point=len(h) < 60).encode(
            x=ui.time_x("period"),
            y=alt.Y("pue:Q", title="PUE", scale=alt.Scale(zero=False)),
            tooltip=[ui.time_tip("period", "hour (UTC)"), alt.Tooltip("pue:Q", format=".3f"),
                     alt.Tooltip("facility_kwh:Q", format=",.0f", title="facility kWh"),
                     alt.Tooltip("it_kwh:Q", format=",.0f", title="IT kWh")],
        ).properties(height=220, title="PUE per hour")
        st.altair_chart(line, width="stretch")
        ui.provenance(hourly, "each hour's energies divided, not its power samples averaged")


def efficiency(start, end) -> None:
    t = ui.settings().target
    st.header("What the delivered work cost")
    eff = ui.run("energy_efficiency", start=start, end=end)
    c = st.columns(3)
    ui.metric(c[0], eff, "kwh_per_efh", f"Facility energy per EF·h ({t.precision.upper()})",
              delta=f"{eff.text('delivered_efh')} delivered (estimate)")
    ui.metric(c[1], eff, "gflops_per_w", f"Delivered GFLOPS/W ({t.precision.upper()}, facility)",
              delta=f"{eff.text('gflops_per_w_it')} on IT power")
    ui.metric(c[2], eff, "fp64_ceiling_gflops_per_w", "FP64 nameplate per W (IT)",
              delta=f"Green500 #1 {eff.text('green500_system')}: {eff.text('green500_gflops_per_w')}")
    c = st.columns(3)
    cue = eff.value("cue")
    ui.tile(c[0], "CUE (kg CO₂ per IT kWh)", "no data" if cue is None else f"{cue:.3f}", eff,
            help=eff.query.column("cue").help + ": location-based, every kWh at the grid's hourly intensity.",
            note=f"{eff.text('co2_kg')} in the range")
    ui.metric(c[1], eff, "it_kwh_per_efh", f"IT energy per EF·h ({t.precision.upper()})")
    ui.metric(c[2], eff, "gpu_kwh", "GPU energy", delta=f"IT {eff.text('it_kwh')} · facility {eff.text('facility_kwh')}")
    c = st.columns(4)
    ui.metric(c[0], eff, "idle_gpu_kwh", "Energy of idle GPUs", delta=f"{eff.text('idle_gpus')} idle GPUs")
    ui.metric(c[1], eff, "idle_co2_kg", "CO₂ of idle GPUs",
              delta=f"{eff.text('idle_facility_kwh')} with overhead")
    ui.metric(c[2], eff, "unhealthy_gpu_kwh", "Energy of unhealthy GPUs",
              delta=f"{eff.text('unhealthy_gpus')} unhealthy GPUs")
    ui.metric(c[3], eff, "unhealthy_co2_kg", "CO₂ of unhealthy GPUs",
              delta=f"{eff.text('unhealthy_facility_kwh')} with overhead")
    ui.provenance(eff, "delivered FLOPS are an estimate from activity counters; idle and unhealthy energy is "
                       "each GPU's energy × its idle (affected) share of the time")
    g = ui.run("energy_green500", start=start, end=end)
    gf = g.frame.dropna(subset=["gflops_per_watt"])
    if not gf.empty:
        gf = gf.assign(who=gf["is_site"].map({True: "this site", False: "Green500 (FP64 HPL)"}))
        bars = alt.Chart(gf).mark_bar().encode(
            y=alt.Y("system:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320, labelOverlap=False)),
            x=alt.X("gflops_per_watt:Q", title="GFLOPS per watt (log scale)",
                    scale=alt.Scale(type="log", domainMin=10, nice=True)),  # the longest bar ends inside the axis
            x2=alt.X2(datum=10),
            color=alt.Color("who:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=["system:N", "precision:N", "basis:N", alt.Tooltip("gflops_per_watt:Q", format=",.1f")],
        ).properties(height=28 * len(gf) + 40, title="GFLOPS per watt beside the Green500 (not like for like)")
        st.altair_chart(bars, width="stretch")
    ui.provenance(g, "the Green500 measures FP64 HPL on system power; the site's delivered rows estimate AI work "
                     "at the target precision: compare the FP64 nameplate row with the list")


ui.start(__file__)
ui.page_header("Energy", "Does the site meet the law this year, and by how much? Energy from meter counters "
               "(else integrated power), PUE as a ratio of energies, carbon from the grid's hourly intensity, "
               "water from the meters' registers.")
_start, _end = ui.time_range()
_rule_set = choose_rule_set()
law(_start, _end, _rule_set)
periods(_start, _end)
efficiency(_start, _end)
