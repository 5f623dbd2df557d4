"""Overview for executives: delivered performance against the claim, energy, sovereignty."""
import altair as alt
import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.metrics.energy import gflops_per_watt

s = ui.settings()
t = s.target
ui.page_header("AI factory at a glance",
               f"Target: {t.exaflops:g} exaflops at {t.precision.upper()} "
               f"{'sparse' if t.sparse else 'dense'} ({t.basis}). Delivered figures are estimates from "
               "DCGM activity counters (tensor-pipe activity × clock ratio × the model's dense peak).")
start, end = ui.time_range()
bucket = ui.bucket_minutes(start, end, points=150)

perf = ui.run("perf_headline", start=start, end=end, precision=t.precision, target_tflops=t.tflops)
energy = ui.run("energy_headline", start=start, end=end)
sov = ui.run("sov_headline")
p = perf.frame.iloc[0]
e = energy.frame.iloc[0]

st.subheader("Performance against the claim")
if not p["gpus_reporting"]:
    st.info("No GPU telemetry in this range: load samples with `aifd ingest FILE` (or `aifd demo`).")
st.caption(f"Fleet in the store: {int(p['gpus_inventory']):,} GPUs, {int(p['gpus_reporting']):,} reporting in "
           "this range. The target applies to the whole site: a partial fleet reaches a smaller share.")
c1, c2, c3, c4 = st.columns(4)
ui.metric(c1, f"Delivered ({t.precision.upper()}, estimate)", ui.fmt_flops(p["delivered_tflops"]), perf,
          help="Mean over the range of the fleet's estimated sustained FLOPS.",
          delta=f"{ui.pct(p['target_share'], 2)} of the {t.exaflops:g} EF target")
ui.metric(c2, f"Nameplate peak ({t.precision.upper()} dense)", ui.fmt_flops(p["peak_tflops"]), perf,
          help="Sum of the catalog's dense peak over the GPUs in the inventory with a known model.",
          delta=("target met on paper" if p["peak_target_share"] >= 1 else
                 f"target not met on paper ({ui.pct(p['peak_target_share'])})"))
ui.metric(c3, "Model-FLOPS utilization", ui.pct(p["mfu"]), perf,
          help="Delivered / nameplate peak.",
          delta=f"{int(p['idle_gpus'])} idle GPUs, {int(p['unhealthy_gpus'])} unhealthy")
ui.metric(c4, "Busy vs useful", f"{ui.fmt(p['util_pct'], '%', 2)} vs {ui.fmt(p['tensor_active_pct'], '%', 2)}", perf,
          help="Mean DCGM_FI_DEV_GPU_UTIL (a kernel was running) vs mean tensor-pipe activity.",
          delta=f"{int(p['gpus_reporting']):,} of {int(p['gpus_inventory']):,} GPUs reporting")
ui.provenance(perf, (f"{int(p['gpus_without_counters'])} GPUs report no profiling counters and "
                     f"{int(p['gpus_peak_unknown'])} have a model missing from the catalog: they are left "
                     "out of delivered FLOPS (missing is not zero)")
              if p["gpus_without_counters"] or p["gpus_peak_unknown"] else None)

delivered = ui.run("perf_delivered", start=start, end=end, bucket_minutes=bucket, precision=t.precision)
d = delivered.frame
if not d.empty:
    long = ui.utc(d, "bucket").melt(id_vars=["bucket"], value_vars=["delivered_tflops", "peak_tflops"],
                  var_name="series", value_name="tflops")
    long["series"] = long["series"].map({"delivered_tflops": "delivered (estimate)",
                                         "peak_tflops": "nameplate peak of reporting GPUs"})
    long["pflops"] = long["tflops"] / 1e3
    chart = alt.Chart(long).mark_line().encode(
        x=ui.time_x(),
        y=alt.Y("pflops:Q", title=f"{t.precision.upper()} PFLOPS (log scale)", scale=alt.Scale(type="log")),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=400)),
        tooltip=[ui.time_tip(), "series:N",
                 alt.Tooltip("pflops:Q", format=",.1f", title="PFLOPS")],
    )
    target_rule = alt.Chart(pd.DataFrame({"pflops": [t.tflops / 1e3],
                                          "label": [f"target {t.exaflops:g} EF"]}))
    chart = chart + target_rule.mark_rule(color="#d62728", strokeDash=[6, 4]).encode(y="pflops:Q") \
        + target_rule.mark_text(color="#d62728", align="left", dy=-7).encode(y="pflops:Q", text="label:N",
                                                                               x=alt.value(4))
    st.altair_chart(chart.properties(height=300), width="stretch")
    ui.provenance(delivered)

st.subheader("Energy and efficiency")
gpw = gflops_per_watt(p["delivered_tflops"], e["facility_kw_avg"])
c1, c2, c3, c4, c5 = st.columns(5)
ui.metric(c1, "Facility power (mean)", ui.fmt(e["facility_kw_avg"] / 1e3, "MW"), energy,
          delta=f"peak {ui.fmt(e['facility_kw_peak'] / 1e3, 'MW')}")
ui.metric(c2, "PUE (range)", ui.fmt(e["pue"], digits=3), energy,
          help="Facility energy / IT energy over the selected range (ISO/IEC 30134-2 reports it per year). "
               "EnEfG: ≤ 1.2 for sites opened from July 2026 (within two years).")
ui.metric(c3, "Renewable share (REF)", ui.pct(e["ref"]), energy,
          help="Renewable energy / facility energy (ISO/IEC 30134-3). EnEfG: 50 % since 2024, 100 % from 2027.")
ui.metric(c4, "Heat reused (ERF)", ui.pct(e["erf"]), energy,
          help="Reused energy / facility energy (ISO/IEC 30134-6). EnEfG for new sites: 10 % from July 2026.")
c5.metric("Delivered GFLOPS per W", ui.fmt(gpw, digits=3),
          help=f"Delivered {t.precision.upper()} FLOPS (estimate) / facility power. From "
               f"{perf.provenance()} and {energy.provenance()}. Green500 #1 (Nov 2025, FP64 HPL): 73.28.")
ui.provenance(energy, f"{ui.fmt(e['facility_kwh'], 'kWh', 6)} facility, {ui.fmt(e['it_kwh'], 'kWh', 6)} IT "
                      f"over {e['hours']:.1f} h" if not pd.isna(e["facility_kwh"]) else
                      "no facility-meter readings in this range")

st.subheader("Sovereignty")
if sov.frame.empty:
    st.info("No vendor-dependency records loaded: `aifd ingest vendors.csv components.csv`.")
else:
    v = sov.frame.iloc[0]
    prev = v.get("us_share_critical_prev")
    delta = (f"{(v['us_share_critical'] - prev) * 100:+.1f} pts since {v['prev_snapshot_date']:%Y-%m-%d}"
             if prev is not None and not pd.isna(prev) else None)
    c1, c2, c3, c4 = st.columns(4)
    ui.metric(c1, "US-controlled, criticality-weighted", ui.fmt(v["us_share_critical"] * 100, "%"), sov,
              help="Share of the stack whose vendor's ultimate parent is under US jurisdiction, "
                   "weighted by criticality.", delta=delta)
    spend, spend_hq = v["us_share_spend"], v["us_share_spend_hq"]  # NULL: no spend recorded
    ui.metric(c2, "US-controlled, by spend", ui.fmt(None if pd.isna(spend) else spend * 100, "%"), sov,
              delta=None if pd.isna(spend_hq) else f"{spend_hq * 100:.0f} % by headquarters only")
    ui.metric(c3, "Hard lock-in", ui.fmt(v["hard_lockin_share"] * 100, "%"), sov,
              help="Share with no EU or open alternative.")
    ui.metric(c4, "Kill switch", ui.fmt(v["kill_switch_share"] * 100, "%"), sov,
              help="Share that would stop working if a US vendor cut licence servers or cloud access.")
    ui.provenance(sov, f"snapshot {v['snapshot_date']:%Y-%m-%d}, {int(v['components'])} components; jurisdiction "
                       f"unknown for {ui.pct(v['unknown_share_critical'], 0)} (criticality-weighted)")
