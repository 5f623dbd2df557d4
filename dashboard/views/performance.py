"""Performance: delivered FLOPS (an estimate from activity counters) against the target and the
nameplate peak, the claim check, the drill-down fleet → pod → rack → node → GPU, and where
capacity is lost (idle and unhealthy GPUs).

Draws only: every number comes from a named query in ``queries/perf_*.sql`` run through
``ui.run``; the page reshapes frames for charts and formats numbers, nothing more.
"""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.config import PRECISIONS
from dashboard.metrics.performance import IDLE_RULE

ALL = "(all)"
# Axis labels for TFLOPS data in PF / EF (formatting only; the data stays in TFLOPS).
PF_LABELS = ("datum.value >= 1e6 ? format(datum.value / 1e6, ',~g') + ' EF' "
             ": format(datum.value / 1e3, ',~g') + ' PF'")
LOG_FLOOR = 1000  # TFLOPS: where bars on the log axis start (1 PF)


def tflops_table_cols(**extra) -> dict:
    num = st.column_config.NumberColumn
    cols = {
        "peak_tflops": num("nameplate (TFLOPS)", format="%,.0f"),
        "delivered_tflops": num("delivered, est. (TFLOPS)", format="%,.1f"),
        "mfu": num("MFU, est.", format="percent"),
        "util_pct": num("GPU_UTIL, busy (%)", format="%.1f"),
        "tensor_active_pct": num("tensor active (%)", format="%.1f"),
        "fp64_active_pct": num("FP64 active (%)", format="%.1f"),
        "power_kw": num("power (kW)", format="%,.1f"),
        "power_w": num("power (W)", format="%,.0f"),
        "max_temp_c": num("max temp (°C)", format="%.0f"),
        "sm_clock_mhz": num("SM clock (MHz)", format="%,.0f"),
        "clock_factor": num("clock factor", format="%.2f"),
        "gpus_without_counters": num("without counters"),
        "gpus_peak_unknown": num("peak unknown"),
        "xid_gpus": num("GPUs with XID"),
        "hot_gpus": num("hot GPUs"),
    }
    cols.update(extra)
    return cols


ui.page_header(
    "Performance against the target",
    "Delivered FLOPS are an estimate from DCGM activity counters (tensor- or FP64-pipe activity × "
    "SM clock / max boost × the model's dense peak), shown against the configured target and the "
    "nameplate peak. DCGM_FI_DEV_GPU_UTIL only says a kernel was running.",
)
start, end = ui.time_range()
cfg = ui.settings()
target = cfg.target
with st.sidebar:
    st.markdown("**Precision of the work**")
    precision = st.selectbox(
        "Precision", PRECISIONS, index=PRECISIONS.index(target.precision), key="perf_precision",
        format_func=str.upper, label_visibility="collapsed",
        help="The counters do not say which precision ran: pick the one the fleet's work uses. "
             "FP64 is estimated from the FP64-pipe counter, the others from the tensor-pipe counter.")
bucket = ui.bucket_minutes(start, end)
sparse_word = "sparse" if target.sparse else "dense"
target_text = (f"{ui.fmt_flops(target.tflops)} at {target.precision.upper()} {sparse_word}, "
               f"basis: {target.basis} (settings: {cfg.source})")
st.markdown(f"**Target:** {target_text}")
if precision != target.precision:
    st.warning(f"The target is stated at {target.precision.upper()}; delivered FLOPS below are "
               f"estimated at {precision.upper()}, so the share of target compares different precisions.")
if target.sparse:
    st.info("The target is stated for sparse math; delivered FLOPS are estimated against dense peaks "
            "(dense-equivalent work), so they understate what the sparse figure would count.")

# ---------------------------------------------------------------- headline
head = ui.run("perf_headline", start=start, end=end, precision=precision, bucket_minutes=bucket)
h = head.frame.iloc[0]
c = st.columns(3)
ui.metric(c[0], "Delivered (estimate)", ui.fmt_flops(h.delivered_tflops), head,
          help=f"Mean over the range of the fleet's estimated delivered FLOPS at {precision.upper()}, "
               f"{bucket}-minute buckets.",
          delta=f"{ui.pct(h.target_share)} of target")
ui.metric(c[1], f"Nameplate peak ({precision.upper()} dense)", ui.fmt_flops(h.peak_tflops), head,
          help="Sum of the catalog's dense peak over inventory GPUs of known peak.",
          delta=f"{int(h.gpus_inventory):,} GPUs in the inventory")
ui.metric(c[2], "Model-FLOPS utilization (est.)", ui.pct(h.mfu), head,
          help="Delivered / nameplate of the GPUs counted (GPUs without counters excluded, not zero).",
          delta=f"{int(h.gpus_counted):,} GPUs counted")
c = st.columns(3)
ui.metric(c[0], "Best bucket (estimate)", ui.fmt_flops(h.delivered_max_tflops), head,
          help=f"Highest {bucket}-minute mean in the range.")
ui.metric(c[1], "GPU_UTIL (busy) / tensor active", f"{ui.fmt(h.util_pct, '%', 2)} / {ui.fmt(h.tensor_active_pct, '%', 2)}", head,
          help="DCGM_FI_DEV_GPU_UTIL says a kernel was running; tensor-pipe activity says how much "
               "of the math units did work. The gap is busy but not useful.")
ui.metric(c[2], "Idle / unhealthy GPUs", f"{int(h.idle_gpus):,} / {int(h.unhealthy_gpus):,}", head,
          help="Idle by the rule below; unhealthy = XID error or above the hot temperature.")
notes = []
if h.gpus_without_counters:
    notes.append(f"{int(h.gpus_without_counters):,} GPUs report no activity counters: they are left out "
                 "of the estimate (missing is not zero)")
if h.gpus_peak_unknown:
    notes.append(f"{int(h.gpus_peak_unknown):,} GPUs: peak unknown at {precision.upper()} (model not in the "
                 "catalog or no figure at this precision)")
if notes:
    st.caption(" · ".join(notes))
ui.provenance(head)

# ---------------------------------------------------------------- claim check
st.header("Claim check: the target on paper")
st.caption("The fleet's nameplate peak at every precision (catalog datasheet figures × inventory) "
           "next to the target. Met on paper is not delivered: see the next section.")
claim = ui.run("perf_claim_check")
cf = claim.frame
fleet = cf[cf.scope == "fleet"]
bars = fleet.melt(id_vars=["precision"], value_vars=["peak_dense_tflops", "peak_sparse_tflops"],
                  var_name="basis", value_name="tflops").dropna()
bars["basis"] = bars["basis"].map({"peak_dense_tflops": "dense", "peak_sparse_tflops": "sparse (2:4)"})
bars["precision"] = bars["precision"].str.upper()
order = [p.upper() for p in PRECISIONS]
chart = alt.Chart(bars).mark_bar().encode(
    y=alt.Y("precision:N", sort=order, title="precision"),
    yOffset=alt.YOffset("basis:N", sort=["dense", "sparse (2:4)"]),
    x=alt.X("tflops:Q", title="fleet nameplate peak, FLOPS (log scale)",
            scale=alt.Scale(type="log", domainMin=LOG_FLOOR),
            axis=alt.Axis(labelExpr=PF_LABELS, values=[1e3, 1e4, 1e5, 1e6, 1e7, 1e8])),
    x2=alt.X2(datum=LOG_FLOOR),
    color=alt.Color("basis:N", title="nameplate", legend=alt.Legend(orient="right")),
    tooltip=["precision:N", "basis:N", alt.Tooltip("tflops:Q", title="TFLOPS", format=",.0f")],
)
target_df = pd.DataFrame({"v": [target.tflops], "label": [f"target {ui.fmt_flops(target.tflops)}"]})
vrule = alt.Chart(target_df).mark_rule(color="#d62728", strokeDash=[6, 4], size=2).encode(x="v:Q")
vtext = alt.Chart(target_df).mark_text(align="left", dx=4, dy=-4, color="#d62728", baseline="bottom").encode(
    x="v:Q", text="label:N", y=alt.value(0))
st.altair_chart((chart + vrule + vtext).properties(height=320, title="Fleet nameplate peak vs target"),
                width="stretch")
show = fleet[["precision", "peak_dense_tflops", "peak_sparse_tflops", "met_dense", "met_sparse",
              "gpus_needed_dense", "gpus_needed_sparse", "gpus_peak_unknown"]].copy()
show["precision"] = show["precision"].str.upper()
num = st.column_config.NumberColumn
st.dataframe(show, hide_index=True, width="stretch", column_config={
    "precision": "precision",
    "peak_dense_tflops": num("peak dense (TFLOPS)", format="%,.0f"),
    "peak_sparse_tflops": num("peak sparse (TFLOPS)", format="%,.0f"),
    "met_dense": st.column_config.CheckboxColumn("met, dense"),
    "met_sparse": st.column_config.CheckboxColumn("met, sparse"),
    "gpus_needed_dense": num("GPUs needed, fleet mix, dense", format="%,d"),
    "gpus_needed_sparse": num("GPUs needed, fleet mix, sparse", format="%,d"),
    "gpus_peak_unknown": num("GPUs peak unknown", format="%d"),
})
st.markdown(f"**Met on paper ({sparse_word} nameplate) at:** "
            + (", ".join(fleet[fleet[f"met_{sparse_word}"] == True]["precision"].str.upper())  # noqa: E712
               or "no precision")
            + f" · the target's precision is {target.precision.upper()}.")
needed_col = "gpus_needed_sparse" if target.sparse else "gpus_needed_dense"
models = cf[cf.scope == "model"].copy()
models["precision"] = models["precision"].str.upper()
pivot = models.pivot(index="model", columns="precision", values=needed_col)[[p.upper() for p in PRECISIONS]].reset_index()
st.markdown(f"**GPUs of each catalog model needed to reach {ui.fmt_flops(target.tflops)}** "
            f"({sparse_word} nameplate; None = the datasheet gives no figure at that precision)")
st.dataframe(pivot, width="stretch", hide_index=True,
             column_config={"model": st.column_config.TextColumn("catalog model", width="large"),
                            **{p.upper(): st.column_config.NumberColumn(p.upper(), format="%,d") for p in PRECISIONS}})
ui.provenance(claim)

# ---------------------------------------------------------------- delivered over time
st.header("Delivered vs target and nameplate, over time")
dl = ui.run("perf_delivered", start=start, end=end, bucket_minutes=bucket, precision=precision)
df = ui.utc(dl.frame, "bucket")
series = df.melt(id_vars=["bucket"], value_vars=["delivered_tflops", "peak_tflops"], var_name="series",
                 value_name="tflops")
series["series"] = series["series"].map({
    "delivered_tflops": f"delivered, estimate ({precision.upper()})",
    "peak_tflops": f"nameplate of the GPUs counted ({precision.upper()} dense)"})
lines = alt.Chart(series).mark_line().encode(
    x=ui.time_x(), y=alt.Y("tflops:Q", title="FLOPS (PF = 1,000 TFLOPS)", axis=alt.Axis(labelExpr=PF_LABELS)),
    color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top", labelLimit=400)),
    tooltip=[ui.time_tip(), "series:N", alt.Tooltip("tflops:Q", title="TFLOPS", format=",.0f")],
)
rule = alt.Chart(target_df).mark_rule(color="#d62728", strokeDash=[6, 4], size=2).encode(y="v:Q")
rule_text = alt.Chart(target_df).mark_text(align="left", dx=4, dy=-6, color="#d62728").encode(
    y="v:Q", text="label:N", x=alt.value(0))
st.altair_chart((lines + rule + rule_text).properties(
    height=380, title=f"Estimated delivered FLOPS, {bucket}-minute means"), width="stretch")
ui.provenance(dl)

pcts = df.melt(id_vars=["bucket"], value_vars=["util_pct", "tensor_active_pct", "mfu_pct"], var_name="series",
              value_name="pct")
pcts["series"] = pcts["series"].map({
    "util_pct": "GPU_UTIL: a kernel ran (busy)",
    "tensor_active_pct": "tensor pipes active (useful)",
    "mfu_pct": "MFU (estimate)"})
busy = alt.Chart(pcts).mark_line().encode(
    x=ui.time_x(), y=alt.Y("pct:Q", title="percent (%)", scale=alt.Scale(domain=[0, 100])),
    color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top", labelLimit=400)),
    tooltip=[ui.time_tip(), "series:N", alt.Tooltip("pct:Q", title="%", format=".1f")],
)
st.altair_chart(busy.properties(height=340, title="Busy is not useful: GPU_UTIL vs tensor activity vs MFU"),
                width="stretch")
st.caption("GPU_UTIL counts the share of time any kernel ran, however little of the GPU it used; the "
           "gap to tensor activity is time the GPUs were busy without doing matrix math.")
ui.provenance(dl, note="same query as the chart above")

# ---------------------------------------------------------------- drill-down
st.header("Drill-down: fleet → pod → rack → node → GPU")
pods = ui.run("perf_pods", start=start, end=end, precision=precision)
sel = st.columns(4)
pod = sel[0].selectbox("Pod", [ALL, *pods.frame["pod"].dropna().tolist()], key="perf_pod")
level, racks, nodes, gpus = pods, None, None, None
rack = node = gpu = ALL
if pod != ALL:
    racks = ui.run("perf_racks", start=start, end=end, precision=precision, pod=pod)
    level = racks
    rack = sel[1].selectbox("Rack", [ALL, *racks.frame["rack"].dropna().tolist()], key="perf_rack")
else:
    sel[1].selectbox("Rack", [ALL], key="perf_rack_off", disabled=True)
if rack != ALL:
    nodes = ui.run("perf_nodes", start=start, end=end, precision=precision, rack=rack)
    level = nodes
    node = sel[2].selectbox("Node", [ALL, *nodes.frame["hostname"].dropna().tolist()], key="perf_node")
else:
    sel[2].selectbox("Node", [ALL], key="perf_node_off", disabled=True)
if node != ALL:
    gpus = ui.run("perf_gpus", start=start, end=end, precision=precision, hostname=node)
    level = gpus
    labels = {r.gpu_uuid: f"GPU {r.gpu_index} · {r.gpu_uuid[:12]}…" for r in gpus.frame.itertuples()}
    gpu = sel[3].selectbox("GPU", [ALL, *labels], key="perf_gpu", format_func=lambda u: labels.get(u, u))
else:
    sel[3].selectbox("GPU", [ALL], key="perf_gpu_off", disabled=True)

where = " / ".join(x for x in (pod, rack, node) if x != ALL) or "the fleet"
st.markdown(f"**{where}**: " + {"perf_pods": "pods", "perf_racks": "racks", "perf_nodes": "nodes",
                                "perf_gpus": "GPUs"}[level.name])
FIGURES = ["delivered_tflops", "mfu", "util_pct", "tensor_active_pct", "peak_tflops"]
ORDER = {
    "perf_pods": ["pod", *FIGURES, "gpus", "gpus_reporting", "gpus_without_counters", "gpus_peak_unknown",
                  "power_kw", "max_temp_c", "xid_gpus", "hot_gpus"],
    "perf_racks": ["rack", *FIGURES, "gpus", "gpus_reporting", "gpus_without_counters", "gpus_peak_unknown",
                   "power_kw", "max_temp_c", "xid_gpus", "hot_gpus"],
    "perf_nodes": ["hostname", *FIGURES, "gpus", "gpus_reporting", "gpus_without_counters",
                   "gpus_peak_unknown", "power_kw", "max_temp_c", "xid_gpus", "hot_gpus"],
    "perf_gpus": ["gpu_index", "status", *FIGURES, "fp64_active_pct", "clock_factor", "sm_clock_mhz", "power_w",
                  "max_temp_c", "hot_samples", "xid_codes", "gpu_uuid", "model", "samples"],
}[level.name]
st.dataframe(level.frame, hide_index=True, width="stretch", column_order=ORDER, column_config=tflops_table_cols())
ui.provenance(level)

if gpu != ALL:
    ser = ui.run("perf_gpu_series", start=start, end=end, precision=precision, gpu_uuid=gpu,
                 bucket_minutes=bucket)
    gf = ui.utc(ser.frame, "bucket")
    status = gpus.frame.set_index("gpu_uuid").loc[gpu, "status"]
    st.markdown(f"**GPU `{gpu}`** ({node}), {bucket}-minute buckets · status: {status}")
    if status == "peak unknown":
        st.info("This GPU's model has no catalog peak at this precision: its telemetry is shown, its "
                "delivered FLOPS cannot be estimated. Add the model to the catalog (queries/reference/"
                "gpu_models.csv columns) with `aifd ingest`.")
    elif status == "no profiling counters":
        st.info("This GPU does not report DCGM_FI_PROF_PIPE_TENSOR_ACTIVE / _FP64_ACTIVE: delivered FLOPS "
                "are unknown (not zero). Enable the profiling fields in dcgm-exporter's counter list.")
    g1, g2 = st.columns(2)
    with g1:
        gl = gf.melt(id_vars=["bucket"], value_vars=["delivered_tflops", "peak_tflops"], var_name="series",
                     value_name="tflops")
        gl["series"] = gl["series"].map({"delivered_tflops": "delivered, estimate",
                                         "peak_tflops": f"nameplate ({precision.upper()} dense)"})
        st.altair_chart(alt.Chart(gl).mark_line().encode(
            x=ui.time_x(), y=alt.Y("tflops:Q", title="TFLOPS"),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top")),
            tooltip=[ui.time_tip(), "series:N", alt.Tooltip("tflops:Q", title="TFLOPS", format=",.1f")],
        ).properties(height=300, title="Delivered FLOPS (estimate)"), width="stretch")
    with g2:
        gp = gf.melt(id_vars=["bucket"], value_vars=["util_pct", "tensor_active_pct", "fp64_active_pct"],
                     var_name="series", value_name="pct")
        gp["series"] = gp["series"].map({"util_pct": "GPU_UTIL (busy)", "tensor_active_pct": "tensor active",
                                         "fp64_active_pct": "FP64 active"})
        st.altair_chart(alt.Chart(gp).mark_line().encode(
            x=ui.time_x(), y=alt.Y("pct:Q", title="percent (%)", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top")),
            tooltip=[ui.time_tip(), "series:N", alt.Tooltip("pct:Q", title="%", format=".1f")],
        ).properties(height=300, title="Activity"), width="stretch")
    g3, g4 = st.columns(2)
    with g3:
        st.altair_chart(alt.Chart(gf).mark_line(color="#ff7f0e").encode(
            x=ui.time_x(), y=alt.Y("power_w:Q", title="power (W)"),
            tooltip=[ui.time_tip(), alt.Tooltip("power_w:Q", title="W", format=",.0f")],
        ).properties(height=260, title="Power (W), bucket mean"), width="stretch")
    with g4:
        temp = alt.Chart(gf).mark_line(color="#d62728").encode(
            x=ui.time_x(), y=alt.Y("temp_c:Q", title="temperature (°C)"),
            tooltip=[ui.time_tip(), alt.Tooltip("temp_c:Q", title="°C, max", format=".0f"), "xid:Q"],
        )
        xids = alt.Chart(gf[gf.xid > 0]).mark_point(shape="triangle-down", color="black", size=60).encode(
            x=ui.time_x(), y="temp_c:Q", tooltip=[ui.time_tip(), alt.Tooltip("xid:Q", title="XID code")])
        st.altair_chart((temp + xids).properties(height=260, title="Temperature (°C, max); ▼ = XID error"),
                        width="stretch")
    ui.provenance(ser)

# ---------------------------------------------------------------- heatmap
st.header("Utilization heatmap: rack × time")
hm_bucket = ui.bucket_minutes(start, end, points=60)
metric = st.radio("Colour by", ["tensor_active_pct", "util_pct"], horizontal=True, key="perf_hm_metric",
                  format_func={"tensor_active_pct": "tensor activity, useful (%)",
                               "util_pct": "DCGM_FI_DEV_GPU_UTIL, busy (%)"}.get)
hm = ui.run("perf_rack_heatmap", start=start, end=end, bucket_minutes=hm_bucket, precision=precision,
            pod=None if pod == ALL else pod)
hf = ui.utc(hm.frame, "bucket", "bucket_end")
title = {"tensor_active_pct": "tensor activity (%)", "util_pct": "GPU_UTIL (%)"}[metric]
st.altair_chart(alt.Chart(hf).mark_rect().encode(
    x=alt.X("bucket:T", title="time (UTC)", scale=ui.UTC, axis=alt.Axis(format="%d %b %H:%M", labelAngle=0)),
    x2="bucket_end:T",
    y=alt.Y("rack:N", title="rack", sort=sorted(hf["rack"].dropna().unique().tolist())),
    color=alt.Color(f"{metric}:Q", title=title, scale=alt.Scale(scheme="viridis", domain=[0, 100])),
    tooltip=["rack:N", ui.time_tip(), alt.Tooltip("util_pct:Q", title="GPU_UTIL %", format=".1f"),
             alt.Tooltip("tensor_active_pct:Q", title="tensor active %", format=".1f"),
             alt.Tooltip("delivered_tflops:Q", title="delivered TFLOPS (est.)", format=",.0f"),
             "gpus_reporting:Q", "gpus_without_counters:Q"],
).properties(height=120 + 18 * hf["rack"].nunique(), title=f"{title} per rack, {hm_bucket}-minute buckets"),
    width="stretch")
ui.provenance(hm)

# ---------------------------------------------------------------- idle and unhealthy
st.header("Where capacity is lost")
st.subheader("Idle GPUs")
st.markdown("**Rule:** " + IDLE_RULE.format(threshold=cfg.idle_threshold, minutes=cfg.idle_minutes)
            + " Change it under `[operations]` in `aifd.toml` (idle_threshold, idle_minutes).")
ic = st.columns(3)
ui.metric(ic[0], "Idle GPUs (≥ 1 idle stretch)", f"{int(h.idle_gpus):,}", head,
          delta=f"{int(h.idle_gpus_now):,} idle at the end of the range")
ui.metric(ic[1], "Their nameplate", ui.fmt_flops(h.idle_peak_tflops), head,
          help="Capacity sitting idle while they idle, at the chosen precision, dense.")
ui.metric(ic[2], "Capacity lost (time-weighted)", ui.fmt_flops(h.idle_lost_tflops), head,
          help="Nameplate × share of the range spent idle, summed: average capacity lost over the range.",
          delta=f"{ui.pct(h.idle_lost_target_share)} of target")
idle = ui.run("perf_idle_gpus", start=start, end=end, precision=precision)
num = st.column_config.NumberColumn
loss_cols = {
    "peak_tflops": num("nameplate (TFLOPS)", format="%,.0f"),
    "peak_target_share": num("nameplate, share of target", format="percent"),
    "lost_tflops": num("lost, time-weighted (TFLOPS)", format="%,.1f"),
    "lost_target_share": num("lost, share of target", format="percent"),
}
st.dataframe(idle.frame, hide_index=True, width="stretch", height=320, column_order=[
    "hostname", "gpu_index", "idle_minutes_total", "idle_share", "lost_tflops", "lost_target_share", "idle_now",
    "peak_tflops", "peak_target_share", "longest_idle_minutes", "idle_stretches", "idle_from", "idle_until",
    "rack", "pod", "model", "gpu_uuid"], column_config={
    **loss_cols,
    "idle_minutes_total": num("idle (min)", format="%,.0f"),
    "longest_idle_minutes": num("longest (min)", format="%,.0f"),
    "idle_share": num("idle share", format="percent"),
    "idle_from": st.column_config.DatetimeColumn("first idle (UTC)", format="YYYY-MM-DD HH:mm"),
    "idle_until": st.column_config.DatetimeColumn("last idle until (UTC)", format="YYYY-MM-DD HH:mm"),
    "idle_now": st.column_config.CheckboxColumn("idle at end"),
})
if h.gpus_without_counters:
    st.caption(f"{int(h.gpus_without_counters):,} GPUs without profiling counters cannot be judged idle "
               "and are not listed.")
ui.provenance(idle)

st.subheader("Unhealthy GPUs")
st.markdown(f"**Rule:** any sample with an XID error (DCGM_FI_DEV_XID_ERRORS ≠ 0; the code is named: "
            f"48 double-bit ECC, 74 NVLink, 79 fallen off the bus, 94/95 contained/uncontained ECC, "
            f"119/120 GSP) or a GPU temperature above {cfg.hot_temp_c:.0f} °C.")
uc = st.columns(3)
ui.metric(uc[0], "Unhealthy GPUs", f"{int(h.unhealthy_gpus):,}", head)
ui.metric(uc[1], "Their nameplate (at risk)", ui.fmt_flops(h.unhealthy_peak_tflops), head)
ui.metric(uc[2], "Capacity lost (time-weighted)", ui.fmt_flops(h.unhealthy_lost_tflops), head,
          help="Nameplate × share of the range with an XID or above the hot temperature, summed.",
          delta=f"{ui.pct(h.unhealthy_lost_target_share)} of target")
bad = ui.run("perf_unhealthy_gpus", start=start, end=end, precision=precision)
st.dataframe(bad.frame, hide_index=True, width="stretch", column_order=[
    "hostname", "gpu_index", "problem", "xid_codes", "max_temp_c", "affected_minutes", "lost_tflops", "lost_target_share",
    "peak_tflops", "peak_target_share", "affected_share", "first_xid", "last_xid", "xid_samples", "hot_samples",
    "rack", "pod", "model", "gpu_uuid"], column_config={
    **loss_cols,
    "xid_codes": st.column_config.TextColumn("XID codes (samples)", width="large"),
    "first_xid": st.column_config.DatetimeColumn("first XID (UTC)", format="YYYY-MM-DD HH:mm"),
    "last_xid": st.column_config.DatetimeColumn("last XID (UTC)", format="YYYY-MM-DD HH:mm"),
    "max_temp_c": num("max temp (°C)", format="%.0f"),
    "affected_minutes": num("affected (min)", format="%,.0f"),
    "affected_share": num("affected share", format="percent"),
})
ui.provenance(bad)
