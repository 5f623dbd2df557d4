"""Overview for executives: delivered performance against the claim, energy, sovereignty."""
import math

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.figures import Figure
from dashboard.metrics.claim import target_meaning, target_note, verdict
from dashboard.metrics.energy import gflops_per_watt, green500_first


def performance(start, end, perf: Figure, attention: Figure) -> None:
    t = ui.settings().target
    st.subheader("Performance against the claim")
    if not perf.value("gpus_reporting"):
        st.info("No GPU telemetry in this range: load samples with `aifd ingest FILE` (or `aifd demo`).")
    st.caption(f"Fleet as of this range: {perf.text('gpus_inventory')} GPUs, {perf.text('gpus_reporting')} reporting "
               "in this range. The target applies to the whole site: a partial fleet reaches a smaller share.")
    c1, c2, c3, c4 = st.columns(4)
    ui.metric(c1, perf, "delivered_tflops", f"Delivered ({t.precision.upper()}, estimate)",
              help="Mean over the range of the fleet's estimated sustained FLOPS.",
              delta=target_note(perf.value("target_share"), t.precision, t.exaflops))
    share = perf.value("peak_target_share")
    ui.metric(c2, perf, "peak_tflops", f"Nameplate peak ({t.precision.upper()} dense)",
              help="Sum of the catalog's dense peak over the GPUs in the inventory with a known model.",
              delta=(f"the target is {ui.pct(1 / share)} of it" if share else "no nameplate at this precision"))
    counts = attention.frame.set_index("issue_key")["gpus"]
    ui.metric(c3, perf, "mfu", help="Delivered / nameplate peak of the GPUs counted. Idle (at least one idle "
                                    "run) and unhealthy (XID or hot): counted over the whole fleet by "
                                    "ops_attention_counts, the rules of the Operations page.",
              delta=f"{counts.get('idle', 0):,} idle · {counts.get('unhealthy', 0):,} unhealthy")
    ui.tile(c4, "Busy vs useful", f"{perf.text('util_pct', decimals=0)} vs {perf.text('tensor_active_pct', decimals=0)}",
            perf, help="Mean DCGM_FI_DEV_GPU_UTIL (a kernel was running) vs mean tensor-pipe activity.",
            note=f"{perf.text('gpus_reporting')} of {perf.text('gpus_inventory')} GPUs reporting")
    meaning = target_meaning(perf.value("target_share"), t.precision, t.exaflops)
    if meaning:
        st.markdown(meaning)
    missing, unknown = perf.value("gpus_without_counters"), perf.value("gpus_peak_unknown")
    ui.provenance(perf, (f"{perf.text('gpus_without_counters')} GPUs report no profiling counters and "
                         f"{perf.text('gpus_peak_unknown')} have a model missing from the catalog: they are "
                         "left out of delivered FLOPS (missing is not zero)") if missing or unknown else None)
    ui.provenance(attention, f"idle: {attention.frame.set_index('issue_key').loc['idle', 'rule']}"
                  if "idle" in set(attention.frame.issue_key) else None)


def plausibility(claim: Figure) -> Figure:
    """Is the claim credible for this fleet? The verdict in one sentence, then the shares it rests on."""
    st.markdown("**Is the claim plausible for this fleet?**")
    sentence = verdict(claim.frame)
    if sentence is None:
        st.info("No GPUs in the inventory: load `gpus.csv` (or run `aifd demo`) to set the claim against a fleet.")
        return claim
    st.markdown(sentence)
    fleet = claim.frame[claim.frame.scope == "fleet"].reset_index(drop=True)
    table = Figure(claim.query, claim.params, fleet, claim.elapsed_ms)
    ui.table(table, ["precision", "reading", "per_gpu_dense_tflops", "peak_dense_tflops", "peak_sparse_tflops",
                     "target_share_dense", "target_share_sparse"],
             widths={"precision": "small", "reading": "medium"}, keep_unit=["per_gpu_dense_tflops"])
    ui.provenance(claim, "target share = target / nameplate: the MFU at which the fleet would deliver the target; "
                         "a nameplate within 20 % of the target 'matches' it")
    return claim


def decades(values: pd.Series, *more: float) -> list[float]:
    """Powers of ten spanning the values: tick marks a log axis can label as 100 PF, 1 EF, 10 EF."""
    finite = [v for v in [*values.dropna().tolist(), *more] if v and v > 0]
    if not finite:
        return []
    lo, hi = math.floor(math.log10(min(finite))), math.ceil(math.log10(max(finite)))
    return [10.0 ** k for k in range(lo, hi + 1)]


def delivered_chart(start, end) -> None:
    t = ui.settings().target
    delivered = ui.run("perf_delivered", start=start, end=end, bucket_minutes=ui.bucket_minutes(start, end, 150))
    d = delivered.frame
    if d.empty:
        return
    long = ui.utc(d, "bucket").melt(id_vars=["bucket"], value_vars=["delivered_tflops", "peak_tflops"],
                                    var_name="series", value_name="tflops")
    long["series"] = long["series"].map({"delivered_tflops": "delivered (estimate)",
                                         "peak_tflops": "nameplate peak of reporting GPUs"})
    chart = alt.Chart(long).mark_line().encode(
        x=ui.time_x(),
        y=alt.Y("tflops:Q", title=f"{t.precision.upper()} FLOPS (log scale)", scale=alt.Scale(type="log"),
                axis=alt.Axis(labelExpr=ui.FLOPS_LABELS, values=decades(long["tflops"], t.tflops))),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=400)),
        tooltip=[ui.time_tip(), "series:N", alt.Tooltip("tflops:Q", format=",.0f", title="TFLOPS")],
    )
    target_rule = alt.Chart(pd.DataFrame({"tflops": [t.tflops], "label": [f"target {t.exaflops:g} EF"]}))
    chart = chart + target_rule.mark_rule(color="#d62728", strokeDash=[6, 4]).encode(y="tflops:Q") \
        + target_rule.mark_text(color="#d62728", align="left", dy=-7).encode(y="tflops:Q", text="label:N",
                                                                               x=alt.value(4))
    st.altair_chart(chart.properties(height=300), width="stretch")
    ui.provenance(delivered)


def energy(start, end, perf: Figure, claim: Figure) -> None:
    t = ui.settings().target
    e = ui.run("energy_headline", start=start, end=end)
    st.subheader("Energy and efficiency")
    facility_kw, it_kw = e.value("facility_kw_avg"), e.value("it_kw_avg")
    gpw = gflops_per_watt(perf.value("delivered_tflops"), facility_kw)
    fleet = claim.frame[claim.frame.scope == "fleet"].set_index("precision")
    fp64_peak = fleet["peak_dense_tflops"].get("fp64") if not fleet.empty else None
    fp64_bound = gflops_per_watt(fp64_peak, it_kw)
    best = green500_first()
    c1, c2, c3 = st.columns(3)
    ui.metric(c1, e, "facility_kw_avg", delta=f"peak {e.text('facility_kw_peak')}")
    ui.metric(c2, e, "pue", "PUE (range)",
              help="Facility energy / IT energy over the selected range (ISO/IEC 30134-2 reports it per year). "
                   "EnEfG: ≤ 1.2 for sites opened from July 2026 (within two years).")
    ui.metric(c3, e, "ref", "Renewable share (REF)",
              help="Renewable energy / facility energy (ISO/IEC 30134-3). EnEfG: 50 % since 2024, 100 % from 2027.")
    c4, c5, c6 = st.columns(3)
    ui.metric(c4, e, "erf", "Heat reused (ERF)",
              help="Reused energy / facility energy (ISO/IEC 30134-6). EnEfG for new sites: 10 % from July 2026.")
    ui.tile(c5, f"Delivered {t.precision.upper()} GFLOPS per W", ui.fmt(gpw, "GFLOPS/W"), perf, e,
            help=f"Delivered {t.precision.upper()} FLOPS (estimate) / facility power. The Green500 ranks FP64 "
                 "HPL runs: a figure at another precision is not comparable with it.",
            note="not comparable with the Green500 (FP64 HPL)" if t.precision != "fp64" else None)
    ui.tile(c6, "FP64 GFLOPS per W, at most", ui.fmt(fp64_bound, "GFLOPS/W"), claim, e,
            help="The fleet's FP64 nameplate / mean IT power: an upper bound for an HPL run (HPL's Rmax stays "
                 "below the nameplate Rpeak; the Green500 divides Rmax by the system's power during the run)."
                 + (f" Green500 first place ({best['list']}): {best['system']}, {best['gflops_per_watt']:.2f} "
                    "GFLOPS/W, FP64 HPL measured." if best else ""),
            note=(f"Green500 #1: {best['gflops_per_watt']:.2f} ({best['system']}, FP64 HPL)" if best else None))
    ui.provenance(e, f"{e.text('facility_kwh')} facility, {e.text('it_kwh')} IT over {e.text('hours')}"
                  if e.value("facility_kwh") is not None else "no facility-meter readings in this range")


def sovereignty() -> None:
    sov = ui.run("sov_headline")
    st.subheader("Sovereignty")
    if sov.empty:
        st.info("No vendor-dependency records loaded. `aifd demo` (or `aifd demo --gpus N`) loads the sample "
                "stack; your own: `aifd ingest vendors.csv components.csv` (or a CycloneDX SBOM).")
        return
    prev = sov.value("us_share_critical_prev")
    delta = (f"{(sov.value('us_share_critical') - prev) * 100:+.1f} pts since {sov.text('prev_snapshot_date')}"
             if prev is not None else None)
    c1, c2, c3, c4 = st.columns(4)
    ui.metric(c1, sov, "us_share_critical", "US-controlled, criticality-weighted",
              help="Share of the stack whose vendor's ultimate parent is under US jurisdiction, "
                   "weighted by criticality.", delta=delta, change=delta is not None)
    ui.metric(c2, sov, "us_share_spend", "US-controlled, by spend",  # n/a: no spend recorded
              delta=None if sov.value("us_share_spend_hq") is None else
              f"{sov.text('us_share_spend_hq')} by headquarters only")
    ui.metric(c3, sov, "hard_lockin_share", "Hard lock-in", help="Share with no EU or open alternative.")
    ui.metric(c4, sov, "kill_switch_share", "Kill switch",
              help="Share that would stop working if a US vendor cut licence servers or cloud access.")
    ui.provenance(sov, f"snapshot {sov.text('snapshot_date')}, {sov.text('components')} components; "
                       f"jurisdiction unknown for {sov.text('unknown_share_critical')} (criticality-weighted)")


ui.start(__file__)
_t = ui.settings().target
ui.page_header("AI factory at a glance",
               f"Target: {_t.exaflops:g} exaflops at {_t.precision.upper()} "
               f"{'sparse' if _t.sparse else 'dense'} ({_t.basis}). Delivered figures are estimates from "
               "DCGM activity counters (tensor-pipe activity × clock ratio × the model's dense peak).")
_start, _end = ui.time_range()
_perf = ui.run("perf_headline", start=_start, end=_end, bucket_minutes=ui.bucket_minutes(_start, _end, 150))
_attention = ui.run("ops_attention_counts", start=_start, end=_end)
performance(_start, _end, _perf, _attention)
_claim = plausibility(ui.run("perf_claim_check"))
delivered_chart(_start, _end)
energy(_start, _end, _perf, _claim)
sovereignty()
