"""Performance: delivered FLOPS (an estimate from activity counters) against the target and the
nameplate peak, the claim check, the drill-down fleet → pod → rack → node → GPU, and where
capacity is lost (idle and unhealthy GPUs).

Draws only: every number comes from a named query in ``queries/perf_*.sql`` run through
``ui.run``; the page reshapes frames for charts, nothing more.
"""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.config import PRECISIONS
from dashboard.figures import Figure
from dashboard.metrics.claim import share_of_target, target_meaning, target_note, verdict
from dashboard.reports import charts

ALL = "(all)"
PF_LABELS = ui.FLOPS_LABELS  # TFLOPS data labelled in PF / EF (formatting only)
IDLE_RULE = ("A GPU is idle while neither its tensor pipe nor its FP64 pipe is active "
             "(DCGM_FI_PROF_PIPE_TENSOR_ACTIVE and _FP64_ACTIVE both below {threshold:.0%}) for at "
             "least {minutes} minutes without a break; samples without these counters are unknown, "
             "never idle.")
LEVEL_COLUMNS = ["delivered_tflops", "mfu", "util_pct", "tensor_active_pct", "peak_tflops", "gpus",
                 "gpus_reporting", "gpus_without_counters", "gpus_peak_unknown", "power_kw", "max_temp_c",
                 "xid_gpus", "hot_gpus"]


def target_df() -> pd.DataFrame:
    t = ui.settings().target
    return pd.DataFrame({"v": [t.tflops], "label": [f"target {ui.fmt(t.tflops, 'TFLOPS')}"]})


def choose_precision() -> str:
    target = ui.settings().target
    with st.sidebar:
        st.markdown("**Precision of the work**")
        return st.selectbox(
            "Precision", PRECISIONS, index=PRECISIONS.index(target.precision), key="perf_precision",
            format_func=str.upper, label_visibility="collapsed",
            help="The counters do not say which precision ran: pick the one the fleet's work uses. "
                 "FP64 is estimated from the FP64-pipe counter, the others from the tensor-pipe counter.")


def target_line(precision: str) -> None:
    cfg = ui.settings()
    target = cfg.target
    sparse_word = "sparse" if target.sparse else "dense"
    st.markdown(f"**Target:** {ui.fmt(target.tflops, 'TFLOPS')} at {target.precision.upper()} {sparse_word}, "
                f"basis: {target.basis} (settings: {cfg.source})")
    if precision != target.precision:
        st.warning(f"The target is stated at {target.precision.upper()}; delivered FLOPS below are "
                   f"estimated at {precision.upper()}, so the share of target compares different precisions.")
    if target.sparse:
        st.info("The target is stated for sparse math; delivered FLOPS are estimated against dense peaks "
                "(dense-equivalent work), so they understate what the sparse figure would count.")


def headline(start, end, precision: str, bucket: int, attention: Figure) -> Figure:
    t = ui.settings().target
    head = ui.run("perf_headline", start=start, end=end, precision=precision, bucket_minutes=bucket)
    c = st.columns(3)
    ui.metric(c[0], head, "delivered_tflops", "Delivered (estimate)",
              help=f"Mean over the range of the fleet's estimated delivered FLOPS at {precision.upper()}, "
                   f"{bucket}-minute buckets.", delta=target_note(head.value("target_share"), precision, t.exaflops))
    ui.metric(c[1], head, "peak_tflops", f"Nameplate peak ({precision.upper()} dense)",
              help="Sum of the catalog's dense peak over inventory GPUs of known peak.",
              delta=f"{head.text('gpus_inventory')} GPUs in the inventory")
    ui.metric(c[2], head, "mfu", help="Delivered / nameplate of the GPUs counted (GPUs without counters "
                                      "excluded, not zero).", delta=f"{head.text('gpus_counted')} GPUs counted")
    c = st.columns(3)
    ui.metric(c[0], head, "delivered_max_tflops", help=f"Highest {bucket}-minute mean in the range.")
    ui.tile(c[1], "GPU_UTIL (busy) / tensor active", f"{head.text('util_pct')} / {head.text('tensor_active_pct')}",
            head, help="DCGM_FI_DEV_GPU_UTIL says a kernel was running; tensor-pipe activity says how much "
                       "of the math units did work. The gap is busy but not useful.")
    n = attention.frame.set_index("issue_key")["gpus"]
    ui.tile(c[2], "Idle / unhealthy GPUs", f"{n.get('idle', 0):,} / {n.get('unhealthy', 0):,}", attention,
            help="Counted over the whole fleet by ops_attention_counts (the same rules as Operations): idle = at "
                 "least one idle run by the rule below; unhealthy = an XID error or above the hot temperature.",
            note=f"of {n.get('inventory', 0):,} GPUs")
    meaning = target_meaning(head.value("target_share"), precision, t.exaflops)
    if meaning:
        st.markdown(meaning)
    notes = []
    if head.value("gpus_without_counters"):
        notes.append(f"{head.text('gpus_without_counters')} GPUs report no activity counters: they are left "
                     "out of the estimate (missing is not zero)")
    if head.value("gpus_peak_unknown"):
        notes.append(f"{head.text('gpus_peak_unknown')} GPUs: peak unknown at {precision.upper()} (model not "
                     "in the catalog or no figure at this precision)")
    if notes:
        st.caption(" · ".join(notes))
    ui.provenance(head)
    ui.provenance(attention, "idle and unhealthy counts")
    return head


def claim_check() -> None:
    target = ui.settings().target
    sparse_word = "sparse" if target.sparse else "dense"
    st.header("Claim check: is the target credible for this fleet?")
    st.caption("The fleet's nameplate peak at every precision (catalog datasheet figures × inventory) next to "
               "the target: the target per GPU, and the target as a share of each nameplate. Met on paper is not "
               "delivered: see the next section.")
    claim = ui.run("perf_claim_check")
    cf = claim.frame
    fleet = cf[cf.scope == "fleet"]
    (chart,) = charts.perf_claim_check(cf, ui.settings())  # the chart the report draws
    st.altair_chart(chart.properties(height=320, title="Fleet nameplate peak vs target"), width="stretch")
    sentence = verdict(cf)
    if sentence:
        st.markdown(f"**Is the claim plausible?** {sentence}")
    fleet_claim = Figure(claim.query, claim.params, fleet.reset_index(drop=True), claim.elapsed_ms)
    ui.table(fleet_claim, ["precision", "reading", "per_gpu_dense_tflops", "peak_dense_tflops", "peak_sparse_tflops",
                           "target_share_dense", "target_share_sparse", "met_dense", "met_sparse",
                           "gpus_needed_dense", "gpus_needed_sparse", "target_per_gpu_tflops", "gpus_peak_unknown"],
             widths={"precision": "small", "reading": "medium"},
             keep_unit=["per_gpu_dense_tflops", "target_per_gpu_tflops"])
    met = fleet[fleet[f"met_{sparse_word}"] == True]["precision"].str.upper()  # noqa: E712
    st.markdown(f"**Met on paper ({sparse_word} nameplate ≥ target) at:** " + (", ".join(met) or "no precision")
                + f" · the configured target's precision is {target.precision.upper()}. Met on paper says only "
                  "that the fleet could reach the target at full nameplate; the target share is the MFU it needs.")
    needed_col = "gpus_needed_sparse" if target.sparse else "gpus_needed_dense"
    models = cf[cf.scope == "model"].copy()
    models["precision"] = models["precision"].str.upper()
    pivot = models.pivot(index="model", columns="precision", values=needed_col)[[p.upper() for p in PRECISIONS]]
    st.markdown(f"**GPUs of each catalog model needed to reach {ui.fmt(target.tflops, 'TFLOPS')}** "
                f"({sparse_word} nameplate; — = the datasheet gives no figure at that precision)")
    st.dataframe(pivot.reset_index(), width="stretch", hide_index=True,
                 column_config={"model": st.column_config.TextColumn("catalog model", width="large"),
                                **{p.upper(): st.column_config.NumberColumn(p.upper(), format="%,d")
                                   for p in PRECISIONS}}, placeholder="—")
    ui.provenance(claim)


def delivered_over_time(start, end, precision: str, bucket: int) -> None:
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
    tdf = target_df()
    rule = alt.Chart(tdf).mark_rule(color="#d62728", strokeDash=[6, 4], size=2).encode(y="v:Q")
    rule_text = alt.Chart(tdf).mark_text(align="left", dx=4, dy=-6, color="#d62728").encode(
        y="v:Q", text="label:N", x=alt.value(0))
    st.altair_chart((lines + rule + rule_text).properties(
        height=380, title=f"Estimated delivered FLOPS, {bucket}-minute means"), width="stretch")
    ui.provenance(dl)

    pcts = df.melt(id_vars=["bucket"], value_vars=["util_pct", "tensor_active_pct", "mfu_pct"], var_name="series",
                   value_name="pct")
    pcts["series"] = pcts["series"].map({"util_pct": "GPU_UTIL: a kernel ran (busy)",
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


def drill_down(start, end, precision: str, bucket: int) -> str:
    st.header("Drill-down: fleet → pod → rack → node → GPU")
    pods = ui.run("perf_pods", start=start, end=end, precision=precision)
    sel = st.columns(4)
    pod = sel[0].selectbox("Pod", [ALL, *pods.frame["pod"].dropna().tolist()], key="perf_pod")
    level, gpus = pods, None
    rack = node = gpu = ALL
    if pod != ALL:
        level = ui.run("perf_racks", start=start, end=end, precision=precision, pod=pod)
        rack = sel[1].selectbox("Rack", [ALL, *level.frame["rack"].dropna().tolist()], key="perf_rack")
    else:
        sel[1].selectbox("Rack", [ALL], key="perf_rack_off", disabled=True)
    if rack != ALL:
        level = ui.run("perf_nodes", start=start, end=end, precision=precision, rack=rack)
        node = sel[2].selectbox("Node", [ALL, *level.frame["hostname"].dropna().tolist()], key="perf_node")
    else:
        sel[2].selectbox("Node", [ALL], key="perf_node_off", disabled=True)
    if node != ALL:
        gpus = level = ui.run("perf_gpus", start=start, end=end, precision=precision, hostname=node)
        labels = {r.gpu_uuid: f"GPU {r.gpu_index} · {r.gpu_uuid[:12]}…" for r in gpus.frame.itertuples()}
        gpu = sel[3].selectbox("GPU", [ALL, *labels], key="perf_gpu", format_func=lambda u: labels.get(u, u))
    else:
        sel[3].selectbox("GPU", [ALL], key="perf_gpu_off", disabled=True)

    where = " / ".join(x for x in (pod, rack, node) if x != ALL) or "the fleet"
    key, noun = {"perf_pods": ("pod", "pods"), "perf_racks": ("rack", "racks"), "perf_nodes": ("hostname", "nodes"),
                 "perf_gpus": ("gpu_index", "GPUs")}[level.name]
    st.markdown(f"**{where}**: {noun}")
    if level.name == "perf_gpus":
        cols = ["gpu_index", "status", "delivered_tflops", "mfu", "util_pct", "tensor_active_pct", "peak_tflops",
                "fp64_active_pct", "clock_factor", "sm_clock_mhz", "power_w", "max_temp_c", "hot_samples",
                "xid_codes", "gpu_uuid", "model", "samples"]
    else:
        cols = [key, *LEVEL_COLUMNS]
    ui.table(level, cols, widths={key: "medium", "status": "medium", "gpu_uuid": "large"})
    ui.provenance(level, "status: the first that applies of no samples, XID, overheating, no profiling counters, "
                         "peak unknown, idle (the idle rule below), ok" if level.name == "perf_gpus" else None)
    if gpu != ALL:
        gpu_detail(start, end, precision, bucket, gpus, node, gpu)
    return pod


def gpu_detail(start, end, precision: str, bucket: int, gpus: Figure, node: str, gpu: str) -> None:
    ser = ui.run("perf_gpu_series", start=start, end=end, precision=precision, gpu_uuid=gpu, bucket_minutes=bucket)
    gf = ui.utc(ser.frame, "bucket")
    row = gpus.frame.set_index("gpu_uuid").loc[gpu]
    status = row["status"]
    st.markdown(f"**GPU `{gpu}`** ({node}), {bucket}-minute buckets · status: {status}")
    if pd.isna(row["peak_tflops"]):
        st.info("This GPU's model has no catalog peak at this precision: its telemetry is shown, its "
                "delivered FLOPS cannot be estimated. Add the model to the catalog (queries/reference/"
                "gpu_models.csv columns) with `aifd ingest`.")
    if row["samples"] and pd.isna(row["mfu"]) and not pd.isna(row["peak_tflops"]):
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
            x=ui.time_x(), y=alt.Y("power_w:Q", title=ui.axis_title(ser, "power_w")),
            tooltip=[ui.time_tip(), alt.Tooltip("power_w:Q", title="W", format=",.0f")],
        ).properties(height=260, title="Power (W), bucket mean"), width="stretch")
    with g4:
        temp = alt.Chart(gf).mark_line(color="#d62728").encode(
            x=ui.time_x(), y=alt.Y("temp_c:Q", title=ui.axis_title(ser, "temp_c")),
            tooltip=[ui.time_tip(), alt.Tooltip("temp_c:Q", title="°C, max", format=".0f"), "xid:Q"],
        )
        xids = alt.Chart(gf[gf.xid > 0]).mark_point(shape="triangle-down", color="black", size=60).encode(
            x=ui.time_x(), y="temp_c:Q", tooltip=[ui.time_tip(), alt.Tooltip("xid:Q", title="XID code")])
        st.altair_chart((temp + xids).properties(height=260, title="Temperature (°C, max); ▼ = XID error"),
                        width="stretch")
    ui.provenance(ser)


def heatmap(start, end, precision: str, pod: str) -> None:
    fleet_level = pod == ALL
    st.header("Utilization heatmap: " + ("pod × time" if fleet_level else f"racks of {pod} × time"))
    if fleet_level:
        st.caption("One row per pod. Pick a pod in the drill-down above to see its racks.")
    hm_bucket = ui.bucket_minutes(start, end, points=60)
    metric = st.radio("Colour by", ["tensor_active_pct", "util_pct"], horizontal=True, key="perf_hm_metric",
                      format_func={"tensor_active_pct": "tensor activity, useful (%)",
                                   "util_pct": "DCGM_FI_DEV_GPU_UTIL, busy (%)"}.get)
    if fleet_level:
        hm = ui.run("perf_pod_heatmap", start=start, end=end, bucket_minutes=hm_bucket, precision=precision)
        row, row_title, extra = "pod", "pod", [alt.Tooltip("racks:Q", title="racks")]
    else:
        hm = ui.run("perf_rack_heatmap", start=start, end=end, bucket_minutes=hm_bucket, precision=precision,
                    pod=pod)
        row, row_title, extra = "rack", "rack", []
    hf = ui.utc(hm.frame, "bucket", "bucket_end")
    title = ui.axis_title(hm, metric)
    rows = sorted(hf[row].dropna().unique().tolist())
    st.altair_chart(alt.Chart(hf).mark_rect().encode(
        x=alt.X("bucket:T", title="time (UTC)", scale=ui.UTC, axis=alt.Axis(format="%d %b %H:%M", labelAngle=0)),
        x2="bucket_end:T",
        y=alt.Y(f"{row}:N", title=row_title, sort=rows),
        color=alt.Color(f"{metric}:Q", title=title, scale=alt.Scale(scheme="viridis", domain=[0, 100])),
        tooltip=[f"{row}:N", ui.time_tip(), alt.Tooltip("util_pct:Q", title="GPU_UTIL %", format=".1f"),
                 alt.Tooltip("tensor_active_pct:Q", title="tensor active %", format=".1f"),
                 alt.Tooltip("delivered_tflops:Q", title="delivered TFLOPS (est.)", format=",.0f"),
                 *extra, "gpus_reporting:Q", "gpus_without_counters:Q"],
    ).properties(height=80 + 26 * max(len(rows), 1),
                 title=f"{title} per {row_title}, {hm_bucket}-minute buckets"), width="stretch")
    ui.provenance(hm)


def idle(start, end, precision: str, head: Figure, attention: Figure) -> None:
    cfg = ui.settings()
    st.header("Where capacity is lost")
    st.subheader("Idle GPUs")
    st.markdown("**Rule:** " + IDLE_RULE.format(threshold=cfg.idle_threshold, minutes=cfg.idle_minutes)
                + " Change it under `[operations]` in `aifd.toml` (idle_threshold, idle_minutes). "
                  "The same rule counts idle GPUs on Operations and the Overview.")
    n = attention.frame.set_index("issue_key")["gpus"]
    ic = st.columns(3)
    ui.tile(ic[0], "Idle GPUs (≥ 1 idle run)", f"{n.get('idle', 0):,}", attention,
            help="GPUs with at least one idle run by the rule above, counted over the whole fleet.",
            note=f"{n.get('idle_now', 0):,} at the end · {n.get('idle_all_range', 0):,} all along")
    ui.metric(ic[1], head, "idle_peak_tflops", help="Capacity sitting idle while they idle, at the chosen "
                                                    "precision, dense.")
    ui.metric(ic[2], head, "idle_lost_tflops", "Capacity lost (time-weighted)",
              help="Nameplate × share of the range spent idle, summed: average capacity lost over the range.",
              delta=share_of_target(head.value("idle_lost_target_share")))
    fig = ui.run("perf_idle_gpus", start=start, end=end, precision=precision)
    ui.table(fig, ["hostname", "gpu_index", "idle_share", "idle_minutes_total", "longest_idle_minutes", "idle_now",
                   "lost_tflops", "lost_target_share", "peak_tflops", "idle_stretches", "idle_from", "idle_until",
                   "peak_target_share", "rack", "pod", "model", "gpu_uuid"], height=320,
             widths={"hostname": "medium", "gpu_index": "small", "idle_share": "small", "idle_now": "small",
                     "idle_stretches": "small", "rack": "small", "pod": "small"})
    if n.get("no_counters", 0):
        st.caption(f"{n['no_counters']:,} GPUs without profiling counters cannot be judged idle and are not listed.")
    ui.provenance(fig)


def unhealthy(start, end, precision: str, head: Figure, attention: Figure) -> None:
    cfg = ui.settings()
    st.subheader("Unhealthy GPUs")
    st.markdown(f"**Rule:** any sample with an XID error (DCGM_FI_DEV_XID_ERRORS ≠ 0; the code is named: "
                f"48 double-bit ECC, 74 NVLink, 79 fallen off the bus, 94/95 contained/uncontained ECC, "
                f"119/120 GSP) or a GPU temperature above {cfg.hot_temp_c:.0f} °C.")
    uc = st.columns(3)
    n = attention.frame.set_index("issue_key")["gpus"]
    ui.tile(uc[0], "Unhealthy GPUs", f"{n.get('unhealthy', 0):,}", attention,
            help="Counted over the whole fleet by ops_attention_counts.",
            note=f"XID {n.get('xid', 0):,} · overheating {n.get('hot', 0):,}")
    ui.metric(uc[1], head, "unhealthy_peak_tflops", "Their nameplate (at risk)")
    ui.metric(uc[2], head, "unhealthy_lost_tflops", "Capacity lost (time-weighted)",
              help="Nameplate × share of the range with an XID or above the hot temperature, summed.",
              delta=share_of_target(head.value("unhealthy_lost_target_share")))
    fig = ui.run("perf_unhealthy_gpus", start=start, end=end, precision=precision)
    ui.table(fig, ["hostname", "gpu_index", "problem", "max_temp_c", "affected_minutes", "affected_share",
                   "lost_tflops", "lost_target_share", "xid_samples", "hot_samples", "first_xid", "last_xid",
                   "peak_tflops", "peak_target_share", "rack", "pod", "model", "xid_codes", "gpu_uuid"],
             widths={"hostname": "medium", "gpu_index": "small", "problem": "small", "rack": "small", "pod": "small",
                     "xid_codes": "large"})
    ui.provenance(fig)


ui.start(__file__)
ui.page_header(
    "Performance against the target",
    "Delivered FLOPS are an estimate from DCGM activity counters (tensor- or FP64-pipe activity × "
    "SM clock / max boost × the model's dense peak), shown against the configured target and the "
    "nameplate peak. DCGM_FI_DEV_GPU_UTIL only says a kernel was running.",
)
_start, _end = ui.time_range()
_precision = choose_precision()
_bucket = ui.bucket_minutes(_start, _end)
target_line(_precision)
_attention = ui.run("ops_attention_counts", start=_start, end=_end, precision=_precision)
_head = headline(_start, _end, _precision, _bucket, _attention)
claim_check()
delivered_over_time(_start, _end, _precision, _bucket)
_pod = drill_down(_start, _end, _precision, _bucket)
heatmap(_start, _end, _precision, _pod)
idle(_start, _end, _precision, _head, _attention)
unhealthy(_start, _end, _precision, _head, _attention)
