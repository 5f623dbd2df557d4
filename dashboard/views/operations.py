"""Operations: utilization over time, GPUs needing attention, power and fiber links.

Every count comes from a query that counts the whole fleet (ops_attention_counts), never from a
displayed list; the list (ops_worst_gpus) is capped and says so.
"""
import altair as alt
import pandas as pd
import streamlit as st

from dashboard import ui, units
from dashboard.figures import Figure

WORST_PODS = 3
LIST_LIMIT = 200
MEASURES = {"util_pct": "GPU_UTIL: a kernel was running (busy)", "tensor_active_pct": "tensor pipes active (useful)"}


def counts(start, end) -> Figure:
    return ui.run("ops_attention_counts", start=start, end=end)


def count(fig: Figure, key: str) -> int:
    """One issue's fleet count from ops_attention_counts (0 when the issue is absent)."""
    f = fig.frame.set_index("issue_key")
    return int(f.loc[key, "gpus"]) if key in f.index else 0


def rule(fig: Figure, key: str) -> str:
    f = fig.frame.set_index("issue_key")
    return str(f.loc[key, "rule"]) if key in f.index else ""


def utilization(start, end, bucket: int, attention: Figure) -> None:
    st.subheader("Utilization over time")
    util = ui.run("ops_utilization", start=start, end=end, bucket_minutes=bucket, worst=WORST_PODS)
    f = ui.utc(util.frame, "bucket")
    if f.empty:
        st.info("No GPU samples in this range.")
        return
    fleet = f[f.line == "fleet"]
    pods = f[f.line != "fleet"].copy()
    worst = pods.drop_duplicates("pod").sort_values("pod_rank")["pod"].tolist()
    cols = st.columns(2)
    for col, (measure, title) in zip(cols, MEASURES.items()):
        band = alt.Chart(fleet).mark_area(opacity=0.25, color="#7f7f7f").encode(
            x=ui.time_x(), y=alt.Y(f"{measure}_min:Q", title="percent (%)", scale=alt.Scale(domain=[0, 100])),
            y2=f"{measure}_max:Q",
            tooltip=[ui.time_tip(), alt.Tooltip(f"{measure}_min:Q", title="lowest pod %", format=".1f"),
                     alt.Tooltip(f"{measure}_max:Q", title="highest pod %", format=".1f"), "pods:Q"])
        mean = alt.Chart(fleet.assign(series="fleet mean")).mark_line(color="black", strokeWidth=2.5).encode(
            x=ui.time_x(), y=f"{measure}:Q",
            tooltip=[ui.time_tip(), alt.Tooltip(f"{measure}:Q", title="fleet %", format=".1f"), "gpus:Q"])
        lines = alt.Chart(pods).mark_line(strokeWidth=1.2).encode(
            x=ui.time_x(), y=f"{measure}:Q",
            color=alt.Color("pod:N", sort=worst, title=f"the {len(worst)} pods with least tensor activity",
                            legend=alt.Legend(orient="bottom", labelLimit=200, titleLimit=400)),
            tooltip=[ui.time_tip(), "pod:N", alt.Tooltip(f"{measure}:Q", title="%", format=".1f")])
        col.altair_chart((band + mean + lines).properties(height=300, title=title), width="stretch")
    missing = count(attention, "no_counters")
    ui.provenance(util, "black: fleet mean (the mean over GPUs per 5-minute interval, averaged over the bucket); grey band: lowest to highest pod mean in each bucket; "
                        "coloured: the pods with the lowest mean tensor activity over the range"
                        + (f"; {missing:,} GPUs report no profiling counters in the range (ops_attention_counts): "
                           "they are left out of the tensor line, not counted as 0" if missing else ""))
    st.caption("DCGM_FI_DEV_GPU_UTIL only says that some kernel was running during the sample period; "
               "tensor-pipe activity says how much of the GPU's matrix capacity was used. The gap between "
               "the two charts is busy-but-not-useful time.")


def attention(start, end, fig: Figure) -> None:
    st.subheader("GPUs needing attention")
    n = lambda key: count(fig, key)  # noqa: E731
    inv = n("inventory")
    codes = fig.frame[fig.frame.issue_key.str.startswith("xid_")]
    c = st.columns(4) + st.columns(4)
    ui.tile(c[0], "Needing attention", f"{n('attention'):,}", fig, note=f"of {inv:,} GPUs",
            help="GPUs with any of the issues counted here, each counted once.")
    ui.tile(c[1], "Unhealthy", f"{n('unhealthy'):,}", fig, help=rule(fig, "unhealthy"), note="XID or overheating")
    ui.tile(c[2], "XID errors", f"{n('xid'):,}", fig, help=rule(fig, "xid"), note="by code below")
    ui.tile(c[3], "Overheating", f"{n('hot'):,}", fig, help=rule(fig, "hot"))
    ui.tile(c[4], "Idle (≥ 1 idle run)", f"{n('idle'):,}", fig, help=rule(fig, "idle"))
    ui.tile(c[5], "Idle at the end", f"{n('idle_now'):,}", fig, help=rule(fig, "idle_now"),
            note=f"the whole range: {n('idle_all_range'):,}")
    ui.tile(c[6], "No profiling counters", f"{n('no_counters'):,}", fig, help=rule(fig, "no_counters"))
    ui.tile(c[7], "No samples in the range", f"{n('no_samples'):,}", fig, help=rule(fig, "no_samples"),
            note=f"peak unknown: {n('peak_unknown'):,}")
    if not codes.empty:
        st.markdown("**XID errors by code** (GPUs that showed each code; a GPU can show several): "
                    + " · ".join(f"{r.issue}: **{r.gpus:,}**" for r in codes.itertuples()))
    with st.expander("Counts by issue, with the rules"):
        ui.table(fig, ["issue", "gpus", "share", "peak_tflops", "rule"], widths={"issue": "medium", "rule": "large"})
    ui.provenance(fig, "counted over the whole fleet; one rule per word on every page")
    if not n("attention"):
        st.success("No GPU has an XID error, overheating, an idle run, missing counters or missing samples "
                   "in this range.")
        return
    worst = ui.run("ops_worst_gpus", start=start, end=end, limit=LIST_LIMIT)
    ui.table(worst, ["hostname", "gpu_index", "issue", "other_issues", "idle_share", "max_temp_c", "xid_samples",
                     "tensor_active_pct", "util_pct", "power_w", "rack", "pod", "model", "last_seen", "xid_codes",
                     "gpu_uuid"],
             height=360, total=n("attention"), noun="GPUs",
             widths={"hostname": "medium", "gpu_index": "small", "issue": "large", "other_issues": "medium",
                     "rack": "small", "pod": "small"})
    ui.provenance(worst, "worst first: XID, overheating, no samples, no counters, idle the whole range, idle at "
                         "the end, idle stretches (most idle first), peak unknown")


def scaled(frame: pd.DataFrame, column: str, unit: str) -> tuple[pd.DataFrame, str]:
    """A copy with ``column`` in the unit its largest value reads best in (kW → MW), and that unit."""
    factor, symbol = units.column_scale(frame[column], unit)
    out = frame.copy()
    out[column] = out[column] / factor
    return out, symbol


def power(start, end, bucket: int) -> None:
    st.subheader("Power draw")
    fig = ui.run("energy_power", start=start, end=end, bucket_minutes=bucket)
    frame, symbol = scaled(ui.utc(fig.frame, "bucket"), "kw", "kW") if not fig.empty else (fig.frame, "kW")
    chart = alt.Chart(frame).mark_line().encode(
        x=ui.time_x(),
        y=alt.Y("kw:Q", title=f"power ({symbol})", axis=alt.Axis(format=",~r")),
        color=alt.Color("series:N", title="meter kind", legend=alt.Legend(orient="bottom", columns=4)),
        tooltip=[ui.time_tip(), "series:N", alt.Tooltip("kw:Q", format=",.2f", title=symbol)],
    ).properties(height=280)
    st.altair_chart(chart, width="stretch")
    ui.provenance(fig, "gpus = sum of DCGM_FI_DEV_POWER_USAGE")


def links(start, end, bucket: int) -> None:
    st.subheader("Fiber links")
    fig = ui.run("net_link_utilization", start=start, end=end, bucket_minutes=bucket)
    chart = alt.Chart(ui.utc(fig.frame, "bucket")).mark_line().encode(
        x=ui.time_x(),
        y=alt.Y("util_pct:Q", title="utilization, busier direction (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("link:N", legend=alt.Legend(orient="bottom", columns=3)),
        tooltip=[ui.time_tip(), "link:N",
                 alt.Tooltip("rx_gbps:Q", format=",.1f", title="rx Gbit/s"),
                 alt.Tooltip("tx_gbps:Q", format=",.1f", title="tx Gbit/s"),
                 alt.Tooltip("util_pct:Q", format=".1f", title="util %")],
    ).properties(height=280)
    rule_ = alt.Chart().mark_rule(strokeDash=[4, 4], color="#d62728").encode(y=alt.datum(90))
    st.altair_chart(chart + rule_, width="stretch")
    ui.provenance(fig, "rates from byte counters; counter resets are restarts, not negative traffic")


def link_summary(start, end) -> None:
    summary = ui.run("net_link_summary", start=start, end=end)
    ui.table(summary, ["link", "peak_util_pct", "minutes_above_90pct", "rx_gbps_avg", "tx_gbps_avg", "capacity_gbps",
                       "rx_tb", "tx_tb", "resets", "kind", "carrier", "a_end", "b_end"],
             widths={"link": "medium", "a_end": "medium", "b_end": "medium"})
    ui.provenance(summary)


ui.start(__file__)
ui.page_header("Operations", "Live state of the fleet for operators: where capacity sits idle, "
               "which GPUs need attention, how hard the fiber uplinks run.")
_start, _end = ui.time_range()
_bucket = ui.bucket_minutes(_start, _end)
_attention = counts(_start, _end)
utilization(_start, _end, _bucket, _attention)
attention(_start, _end, _attention)
_left, _right = st.columns(2)
with _left:
    power(_start, _end, _bucket)
with _right:
    links(_start, _end, _bucket)
link_summary(_start, _end)
