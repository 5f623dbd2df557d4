"""Operations: utilization over time, GPUs needing attention, power and fiber links."""
import altair as alt
import streamlit as st

from dashboard import ui


def utilization(start, end, bucket: int) -> None:
    st.subheader("Utilization over time")
    util = ui.run("ops_utilization", start=start, end=end, bucket_minutes=bucket)
    f = util.frame
    if f.empty:
        st.info("No GPU samples in this range.")
        return
    long = ui.utc(f, "bucket").melt(id_vars=["bucket", "pod"], value_vars=["util_pct", "tensor_active_pct"],
                                    var_name="measure", value_name="percent")
    long["measure"] = long["measure"].map({"util_pct": "GPU_UTIL: a kernel was running (%)",
                                           "tensor_active_pct": "Tensor pipes active (%)"})
    chart = alt.Chart(long).mark_line().encode(
        x=ui.time_x(),
        y=alt.Y("percent:Q", title="percent of time / of pipe capacity (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("pod:N", title="pod"),
        strokeDash=alt.StrokeDash("measure:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=400)),
        tooltip=[ui.time_tip(), "pod:N", "measure:N", alt.Tooltip("percent:Q", format=".1f")],
    ).properties(height=300)
    st.altair_chart(chart, width="stretch")
    missing = int(f["gpus_without_counters"].max())
    ui.provenance(util, f"{missing} GPUs report no tensor-pipe counter; they are left out of the tensor line, "
                        "not counted as 0" if missing else None)
    st.caption("DCGM_FI_DEV_GPU_UTIL only says that some kernel was running during the sample period; "
               "tensor-pipe activity says how much of the GPU's matrix capacity was used. The gap between "
               "the two lines is busy-but-not-useful time.")


def attention(start, end) -> None:
    s = ui.settings()
    st.subheader("GPUs needing attention")
    worst = ui.run("ops_worst_gpus", start=start, end=end, limit=200)
    w = worst.frame
    if w.empty:
        st.success("No GPU has XID errors, overheating, idleness or missing counters in this range.")
        return
    counts = w["issue"].str.replace(r" \(.*", "", regex=True).value_counts()
    cols = st.columns(min(len(counts), 5))
    for col, (issue, n) in zip(cols, counts.items()):
        ui.tile(col, issue, f"{n} GPUs", worst)
    ui.table(worst, height=360)
    ui.provenance(worst, f"overheating above {s.hot_temp_c:g} °C; idle = mean tensor activity below "
                         f"{s.idle_threshold:.0%}")


def power(start, end, bucket: int) -> None:
    st.subheader("Power draw")
    fig = ui.run("energy_power", start=start, end=end, bucket_minutes=bucket)
    chart = alt.Chart(ui.utc(fig.frame, "bucket")).mark_line().encode(
        x=ui.time_x(),
        y=alt.Y("kw:Q", title=ui.axis_title(fig, "kw")),
        color=alt.Color("series:N", title="meter kind", legend=alt.Legend(orient="bottom")),
        tooltip=[ui.time_tip(), "series:N", alt.Tooltip("kw:Q", format=",.0f", title="kW")],
    ).properties(height=280)
    st.altair_chart(chart, width="stretch")
    ui.provenance(fig, "gpus = sum of DCGM_FI_DEV_POWER_USAGE")


def links(start, end, bucket: int) -> None:
    st.subheader("Fiber links")
    fig = ui.run("net_link_utilization", start=start, end=end, bucket_minutes=bucket)
    chart = alt.Chart(ui.utc(fig.frame, "bucket")).mark_line().encode(
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
    ui.provenance(fig, "rates from byte counters; counter resets are restarts, not negative traffic")


def link_summary(start, end) -> None:
    summary = ui.run("net_link_summary", start=start, end=end)
    ui.table(summary)
    ui.provenance(summary)


ui.start(__file__)
ui.page_header("Operations", "Live state of the fleet for operators: where capacity sits idle, "
               "which GPUs need attention, how hard the fiber uplinks run.")
_start, _end = ui.time_range()
_bucket = ui.bucket_minutes(_start, _end)
utilization(_start, _end, _bucket)
attention(_start, _end)
_left, _right = st.columns(2)
with _left:
    power(_start, _end, _bucket)
with _right:
    links(_start, _end, _bucket)
link_summary(_start, _end)
