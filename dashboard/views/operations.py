"""Operations: utilization over time, GPUs needing attention, power and fiber links."""
import altair as alt
import streamlit as st

from dashboard import ui

ui.page_header("Operations", "Live state of the fleet for operators: where capacity sits idle, "
               "which GPUs need attention, how hard the fiber uplinks run.")
start, end = ui.time_range()
bucket = ui.bucket_minutes(start, end)
s = ui.settings()

st.subheader("Utilization over time")
util = ui.run("ops_utilization", start=start, end=end, bucket_minutes=bucket)
f = util.frame
if f.empty:
    st.info("No GPU samples in this range.")
else:
    long = ui.utc(f, "bucket").melt(id_vars=["bucket", "pod"], value_vars=["util_pct", "tensor_active_pct"],
                  var_name="measure", value_name="percent")
    long["measure"] = long["measure"].map({
        "util_pct": "GPU_UTIL: a kernel was running (%)",
        "tensor_active_pct": "Tensor pipes active (%)"})
    chart = alt.Chart(long).mark_line().encode(
        x=ui.time_x(),
        y=alt.Y("percent:Q", title="percent of time / of pipe capacity (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("pod:N", title="pod"),
        strokeDash=alt.StrokeDash("measure:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=400)),
        tooltip=[ui.time_tip(), "pod:N", "measure:N",
                 alt.Tooltip("percent:Q", format=".1f")],
    ).properties(height=300)
    st.altair_chart(chart, width="stretch")
    missing = int(f["gpus_without_counters"].max())
    note = (f"{missing} GPUs report no tensor-pipe counter; they are left out of the tensor line, not counted as 0"
            if missing else None)
    ui.provenance(util, note)
    st.caption("DCGM_FI_DEV_GPU_UTIL only says that some kernel was running during the sample period; "
               "tensor-pipe activity says how much of the GPU's matrix capacity was used. The gap between "
               "the two lines is busy-but-not-useful time.")

st.subheader("GPUs needing attention")
worst = ui.run("ops_worst_gpus", start=start, end=end, limit=200)
w = worst.frame
if w.empty:
    st.success("No GPU has XID errors, overheating, idleness or missing counters in this range.")
else:
    counts = w["issue"].str.replace(r" \(.*", "", regex=True).value_counts()
    cols = st.columns(min(len(counts), 5))
    for col, (issue, n) in zip(cols, counts.items()):
        col.metric(issue, f"{n} GPUs")
    st.dataframe(w, hide_index=True, width="stretch", height=360,
                 column_config={
                     "util_pct": st.column_config.NumberColumn("util %", format="%.1f"),
                     "tensor_active_pct": st.column_config.NumberColumn("tensor %", format="%.1f"),
                     "max_temp_c": st.column_config.NumberColumn("max °C", format="%.0f"),
                     "power_w": st.column_config.NumberColumn("power W", format="%.0f"),
                     "last_seen": st.column_config.DatetimeColumn("last seen (UTC)", format="YYYY-MM-DD HH:mm"),
                 })
    ui.provenance(worst, f"overheating above {s.hot_temp_c:g} °C; idle = mean tensor activity below "
                         f"{s.idle_threshold:.0%}")

left, right = st.columns(2)
with left:
    st.subheader("Power draw")
    power = ui.run("energy_power", start=start, end=end, bucket_minutes=bucket)
    chart = alt.Chart(ui.utc(power.frame, "bucket")).mark_line().encode(
        x=ui.time_x(),
        y=alt.Y("kw:Q", title="power (kW)"),
        color=alt.Color("series:N", title="meter kind", legend=alt.Legend(orient="bottom")),
        tooltip=[ui.time_tip(), "series:N", alt.Tooltip("kw:Q", format=",.0f", title="kW")],
    ).properties(height=280)
    st.altair_chart(chart, width="stretch")
    ui.provenance(power, "gpus = sum of DCGM_FI_DEV_POWER_USAGE")
with right:
    st.subheader("Fiber links")
    links = ui.run("net_link_utilization", start=start, end=end, bucket_minutes=bucket)
    chart = alt.Chart(ui.utc(links.frame, "bucket")).mark_line().encode(
        x=ui.time_x(),
        y=alt.Y("util_pct:Q", title="utilization, busier direction (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("link:N", legend=alt.Legend(orient="bottom")),
        tooltip=[ui.time_tip(), "link:N",
                 alt.Tooltip("rx_gbps:Q", format=",.1f", title="rx Gbit/s"),
                 alt.Tooltip("tx_gbps:Q", format=",.1f", title="tx Gbit/s"),
                 alt.Tooltip("util_pct:Q", format=".1f", title="util %")],
    ).properties(height=280)
    rule = alt.Chart().mark_rule(strokeDash=[4, 4], color="#d62728").encode(y=alt.datum(90))
    st.altair_chart(chart + rule, width="stretch")
    ui.provenance(links, "rates from byte counters; counter resets are restarts, not negative traffic")

summary = ui.run("net_link_summary", start=start, end=end)
st.dataframe(summary.frame, hide_index=True, width="stretch",
             column_config={c: st.column_config.NumberColumn(format="%.1f") for c in
                            ("rx_gbps_avg", "tx_gbps_avg", "peak_util_pct", "minutes_above_90pct", "rx_tb", "tx_tb")})
ui.provenance(summary)
