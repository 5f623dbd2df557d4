"""The pages' charts for the PDF, drawn from a report entry's frame and rendered to PNG by
vl-convert (Vega-Lite in an embedded JavaScript engine: no browser, no network).

Each chart mirrors the one its page draws (dashboard/views/*.py) with the same encodings, at a
fixed size for A4 landscape and without tooltips. Figures without a chart here are tables only.
"""
from __future__ import annotations

from typing import Callable

import altair as alt
import pandas as pd

from ..config import PRECISIONS, Settings

WIDTH = 880   # px of the plot area; rendered at twice that for print
UTC = alt.Scale(type="utc")
PF_LABELS = ("datum.value >= 1e6 ? format(datum.value / 1e6, ',~g') + ' EF' "
             ": format(datum.value / 1e3, ',~g') + ' PF'")
LOG_FLOOR = 1000


def _utc(frame: pd.DataFrame, *cols: str) -> pd.DataFrame:
    out = frame.copy()
    for c in cols:
        out[c] = pd.to_datetime(out[c]).dt.tz_localize("UTC")
    return out


def _time_x(col: str = "bucket") -> alt.X:
    return alt.X(f"{col}:T", title="time (UTC)", scale=UTC,
                 axis=alt.Axis(format="%d %b %H:%M", labelAngle=0, labelOverlap="greedy", labelSeparation=12))


def _target(settings: Settings) -> pd.DataFrame:
    t = settings.target
    return pd.DataFrame({"v": [t.tflops], "label": [f"target {t.exaflops:g} EF ({t.precision.upper()})"]})


def _legend(orient: str = "top") -> alt.Legend:
    return alt.Legend(orient=orient, labelLimit=400)


def perf_delivered(frame: pd.DataFrame, s: Settings) -> list[alt.Chart]:
    df = _utc(frame, "bucket")
    p = s.target.precision.upper()
    lines = df.melt(id_vars=["bucket"], value_vars=["delivered_tflops", "peak_tflops"], var_name="series",
                    value_name="tflops")
    lines["series"] = lines["series"].map({"delivered_tflops": f"delivered, estimate ({p})",
                                           "peak_tflops": f"nameplate of the GPUs counted ({p} dense)"})
    chart = alt.Chart(lines).mark_line().encode(
        x=_time_x(), y=alt.Y("tflops:Q", title="FLOPS (PF = 1,000 TFLOPS)", axis=alt.Axis(labelExpr=PF_LABELS)),
        color=alt.Color("series:N", title=None, legend=_legend()))
    rule = alt.Chart(_target(s)).mark_rule(color="#d62728", strokeDash=[6, 4], size=2).encode(y="v:Q")
    text = alt.Chart(_target(s)).mark_text(align="left", dx=4, dy=-6, color="#d62728").encode(
        y="v:Q", text="label:N", x=alt.value(0))
    pcts = df.melt(id_vars=["bucket"], value_vars=["util_pct", "tensor_active_pct", "mfu_pct"], var_name="series",
                   value_name="pct")
    pcts["series"] = pcts["series"].map({"util_pct": "GPU_UTIL: a kernel ran (busy)",
                                         "tensor_active_pct": "tensor pipes active (useful)",
                                         "mfu_pct": "MFU (estimate)"})
    busy = alt.Chart(pcts).mark_line().encode(
        x=_time_x(), y=alt.Y("pct:Q", title="percent (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("series:N", title=None, legend=_legend()))
    return [(chart + rule + text).properties(height=230, title="Estimated delivered FLOPS vs target and nameplate"),
            busy.properties(height=200, title="Busy is not useful: GPU_UTIL vs tensor activity vs MFU")]


def perf_claim_check(frame: pd.DataFrame, s: Settings) -> list[alt.Chart]:
    """The fleet's nameplate at every precision against the target (also drawn by the Performance page)."""
    fleet = frame[frame.scope == "fleet"]
    bars = fleet.melt(id_vars=["precision"], value_vars=["peak_dense_tflops", "peak_sparse_tflops"],
                      var_name="basis", value_name="tflops").dropna()
    bars["basis"] = bars["basis"].map({"peak_dense_tflops": "dense", "peak_sparse_tflops": "sparse (2:4)"})
    bars["precision"] = bars["precision"].str.upper()
    chart = alt.Chart(bars).mark_bar().encode(
        y=alt.Y("precision:N", sort=[p.upper() for p in PRECISIONS], title="precision"),
        yOffset=alt.YOffset("basis:N", sort=["dense", "sparse (2:4)"]),
        x=alt.X("tflops:Q", title="fleet nameplate peak, FLOPS (log scale)",
                scale=alt.Scale(type="log", domainMin=LOG_FLOOR),
                axis=alt.Axis(labelExpr=PF_LABELS, values=[1e3, 1e4, 1e5, 1e6, 1e7, 1e8])),
        x2=alt.X2(datum=LOG_FLOOR),
        color=alt.Color("basis:N", title="nameplate", legend=alt.Legend(orient="right")),
        tooltip=["precision:N", "basis:N", alt.Tooltip("tflops:Q", title="TFLOPS", format=",.0f")])
    rule = alt.Chart(_target(s)).mark_rule(color="#d62728", strokeDash=[6, 4], size=2).encode(x="v:Q")
    text = alt.Chart(_target(s)).mark_text(align="left", dx=4, dy=-4, color="#d62728", baseline="bottom").encode(
        x="v:Q", text="label:N", y=alt.value(0))
    return [(chart + rule + text).properties(height=220, title="Claim check: fleet nameplate peak vs target")]


HEATMAP_RACKS = 40  # rows a printed heatmap can label (as many as a PDF table shows)


def perf_rack_heatmap(frame: pd.DataFrame, s: Settings) -> list[alt.Chart]:
    hf = _utc(frame, "bucket", "bucket_end")
    racks = sorted(hf["rack"].dropna().unique().tolist())
    title = "Tensor activity per rack (useful work)"
    if len(racks) > HEATMAP_RACKS:
        # a site's hundreds of racks cannot be told apart on a page: the ones losing most capacity
        # are drawn, every rack is in the report's XLSX, CSV and Parquet
        lowest = hf.groupby("rack")["tensor_active_pct"].mean().sort_values(kind="stable").index[:HEATMAP_RACKS]
        title = (f"Tensor activity per rack: the {HEATMAP_RACKS} of {len(racks):,} racks with the lowest mean "
                 "(every rack: the XLSX, CSV and Parquet files)")
        racks = sorted(lowest.tolist())
        hf = hf[hf["rack"].isin(racks)]
    return [alt.Chart(hf).mark_rect().encode(
        x=alt.X("bucket:T", title="time (UTC)", scale=UTC,
                axis=alt.Axis(format="%d %b %H:%M", labelAngle=0, labelOverlap="greedy", labelSeparation=12)),
        x2="bucket_end:T",
        y=alt.Y("rack:N", title="rack", sort=racks),
        color=alt.Color("tensor_active_pct:Q", title="tensor active (%)",
                        scale=alt.Scale(scheme="viridis", domain=[0, 100])),
    ).properties(height=min(60 + 14 * len(racks), 620), title=title)]


def ops_utilization(frame: pd.DataFrame, s: Settings) -> list[alt.Chart]:
    long = _utc(frame, "bucket").melt(id_vars=["bucket", "pod"], value_vars=["util_pct", "tensor_active_pct"],
                                      var_name="measure", value_name="percent")
    long["measure"] = long["measure"].map({"util_pct": "GPU_UTIL: a kernel was running (%)",
                                           "tensor_active_pct": "Tensor pipes active (%)"})
    return [alt.Chart(long).mark_line().encode(
        x=_time_x(), y=alt.Y("percent:Q", title="percent (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("pod:N", title="pod"),
        strokeDash=alt.StrokeDash("measure:N", title=None, legend=_legend("bottom")),
    ).properties(height=220, title="Utilization over time, per pod")]


def energy_power(frame: pd.DataFrame, s: Settings) -> list[alt.Chart]:
    return [alt.Chart(_utc(frame, "bucket")).mark_line().encode(
        x=_time_x(), y=alt.Y("kw:Q", title="power (kW)"),
        color=alt.Color("series:N", title="meter kind", legend=_legend("bottom")),
    ).properties(height=220, title="Power draw by meter kind (gpus = sum of GPU power)")]


def net_link_utilization(frame: pd.DataFrame, s: Settings) -> list[alt.Chart]:
    chart = alt.Chart(_utc(frame, "bucket")).mark_line().encode(
        x=_time_x(), y=alt.Y("util_pct:Q", title="utilization, busier direction (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("link:N", legend=_legend("bottom")))
    rule = alt.Chart(pd.DataFrame({"y": [90]})).mark_rule(strokeDash=[4, 4], color="#d62728").encode(y="y:Q")
    return [(chart + rule).properties(height=220, title="Fiber-link utilization (dashed: 90 %)")]


def sov_layers(frame: pd.DataFrame, s: Settings) -> list[alt.Chart]:
    long = frame.melt(id_vars=["label"], value_vars=["us_share_critical", "us_share_critical_hq"],
                      var_name="view", value_name="share")
    long["view"] = long["view"].map({"us_share_critical": "parent view", "us_share_critical_hq": "HQ view"})
    return [alt.Chart(long).mark_bar().encode(
        y=alt.Y("label:N", sort=list(frame.label), title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("share:Q", title="criticality-weighted US share (%)", axis=alt.Axis(format="%", values=[0, 0.2, 0.4, 0.6, 0.8, 1.0]),
                scale=alt.Scale(domain=[0, 1])),
        yOffset=alt.YOffset("view:N", sort=["parent view", "HQ view"]),
        color=alt.Color("view:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=["parent view", "HQ view"], range=["#1f4e9c", "#9ab8e6"])),
    ).properties(height=300, title="US share per layer, criticality-weighted")]


def sov_trend(frame: pd.DataFrame, s: Settings) -> list[alt.Chart]:
    series = {"us_share_critical": "US-controlled, criticality-weighted", "us_share_critical_hq": "US HQ, criticality",
              "us_share_spend": "US-controlled, by spend", "hard_lockin_share": "hard lock-in",
              "kill_switch_share": "kill switch"}
    df = frame.copy()
    df["snapshot_date"] = pd.to_datetime(df["snapshot_date"]).dt.tz_localize("UTC")
    tl = df.melt(id_vars=["snapshot_date"], value_vars=list(series), var_name="score", value_name="share")
    tl["score"] = tl["score"].map(series)
    return [alt.Chart(tl).mark_line(point=True).encode(
        x=alt.X("snapshot_date:T", title="snapshot date", scale=UTC, axis=alt.Axis(format="%Y-%m-%d")),
        y=alt.Y("share:Q", title="share of the stack (%)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("score:N", title=None, sort=list(series.values()), legend=_legend()),
    ).properties(height=220, title="Sovereignty scores across snapshots")]


def sov_scores(frame: pd.DataFrame, s: Settings) -> list[alt.Chart]:
    return [alt.Chart(frame).mark_bar(color="#1f4e9c").encode(
        y=alt.Y("label:N", sort=list(frame.label), title=None, axis=alt.Axis(labelLimit=300)),
        x=alt.X("baseline:Q", title="share of the stack (%)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
    ).properties(height=240, title="Sovereignty scores of the stored stack")]


def sov_framework(frame: pd.DataFrame, s: Settings) -> list[alt.Chart]:
    bars = alt.Chart(frame).mark_bar().encode(
        y=alt.Y("objective:N", title=None, sort=list(frame.objective)),
        x=alt.X("seal_level:Q", title="SEAL level (0..4)", scale=alt.Scale(domain=[0, 4]), axis=alt.Axis(tickCount=5)),
        color=alt.Color("gate_met:N", title="gate met",
                        scale=alt.Scale(domain=[True, False], range=["#2a9d5c", "#d62728"])))
    ticks = alt.Chart(frame).mark_tick(color="black", thickness=2, size=18).encode(
        y=alt.Y("objective:N", sort=list(frame.objective)), x="min_seal:Q")
    return [(bars + ticks).properties(height=240, title="SEAL level per objective (tick: tender minimum)")]


CHARTS: dict[str, Callable[[pd.DataFrame, Settings], list[alt.Chart]]] = {
    "perf_claim_check": perf_claim_check,
    "perf_delivered": perf_delivered,
    "perf_rack_heatmap": perf_rack_heatmap,
    "ops_utilization": ops_utilization,
    "energy_power": energy_power,
    "net_link_utilization": net_link_utilization,
    "sov_layers": sov_layers,
    "sov_trend": sov_trend,
    "sov_scores": sov_scores,
    "sov_framework": sov_framework,
}


def png(chart: alt.Chart, scale: float = 2.0) -> bytes:
    """The chart as PNG, rendered without a browser (vl-convert)."""
    import vl_convert as vlc

    with alt.data_transformers.disable_max_rows():  # Altair's 5,000-row guard is for browsers
        spec = chart.properties(width=WIDTH) \
            .configure_axis(labelFontSize=12, titleFontSize=12).configure_legend(labelFontSize=12) \
            .configure_title(fontSize=15).to_dict()
    return vlc.vegalite_to_png(spec, scale=scale)


def render(name: str, frame: pd.DataFrame, settings: Settings) -> list[bytes]:
    """PNGs of the charts drawn from figure ``name`` (none for an empty frame or a table-only figure)."""
    make = CHARTS.get(name)
    if make is None or frame.empty:
        return []
    return [png(c) for c in make(frame, settings)]
