"""Context for executives: the site beside public AI clusters and the TOP500, like with like.

Every chart is drawn at one precision, sparsity and basis chosen in the sidebar (FP64 HPL Rmax
beside FP64 HPL Rmax, FP8 dense peak beside FP8 dense peak); a peer without a figure there is
listed as missing, never converted. The site's own figures are the Performance page's figures
(perf_headline, perf_claim_check, energy_headline) for the same range, passed to the ctx_*
queries as parameters; every outside figure carries its source kind and a link to its source.

Draws only: every number comes from a named query run through ``ui.run``; the page reshapes
frames for charts, nothing more.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.config import PRECISIONS
from dashboard.figures import Figure
from dashboard.metrics.energy import gflops_per_watt

STORE = "this site (store)"
CLAIM = "this site (claim)"
# Known groups keep one colour on every chart; a user's own groups take the spare ones in turn.
GROUP_COLOURS = {STORE: "#d62728", CLAIM: "#d62728", "site": "#ff7f0e", "top500_nov2025": "#1f77b4",
                 "top500_later": "#6baed6", "eu_ai": "#2ca02c", "eu_plan": "#98df8a", "de_sovereign": "#9467bd",
                 "hyperscale": "#7f7f7f"}
SPARE_COLOURS = ["#8c564b", "#e377c2", "#bcbd22", "#17becf", "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5"]
# Axis labels for data in TFLOPS, kW and counts (formatting only; the data keeps its unit).
FLOPS_LABELS = ("datum.value >= 1e6 ? format(datum.value / 1e6, ',~g') + ' EF' "
                ": format(datum.value / 1e3, ',~g') + ' PF'")
POWER_LABELS = ("datum.value >= 1e6 ? format(datum.value / 1e6, ',~g') + ' GW' "
                ": format(datum.value / 1e3, ',~g') + ' MW'")
# Streamlit fits a chart's whole height (legends included) into `height` unless told otherwise: fit
# the width only, so each peer keeps its row however many legend entries there are.
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
SHARE_COLUMNS = ["peer", "peer_group", "stated", "derived", "site_share_min", "site_share_max", "source_kind",
                 "source", "confidence", "missing"]
SHARE_WIDTHS = {"peer": "medium", "stated": "medium", "missing": "large"}


@dataclass(frozen=True)
class Comparison:
    key: str
    label: str
    precision: str
    sparsity: str
    basis: str

    @property
    def catalog(self) -> bool:
        """The catalog (and so the store) has figures at this precision."""
        return self.precision in PRECISIONS


def choose_comparison(comps: Figure) -> Comparison:
    """The sidebar's comparison; the URL carries it (?compare=fp8/dense/peak) so a view can be shared."""
    f = comps.frame
    keys = f["comparison"].tolist()
    wanted = st.query_params.get("compare")
    if wanted not in keys:
        # the comparison where the store and the most peers both have a figure
        both = f[f["site_from_store"]].sort_values("peers", ascending=False, kind="stable")
        wanted = both["comparison"].iloc[0] if len(both) else keys[0]
    labels = {r.comparison: f"{r.label} · {r.peers} peer{'s' if r.peers != 1 else ''}" for r in f.itertuples()}
    with st.sidebar:
        st.markdown("**Compare at**")
        key = st.selectbox("Compare at", keys, index=keys.index(wanted), key="ctx_compare",
                           format_func=labels.get, label_visibility="collapsed",
                           help="One precision, sparsity and basis for every chart on this page. Measured: an HPL "
                                "run (TOP500 Rmax). Peak: theoretical (TOP500 Rpeak, or count × per-chip "
                                "datasheet peak). Figures at other precisions are never converted.")
        st.caption("The number after each choice is how many peers publish a figure there.")
    st.query_params["compare"] = key
    row = f[f["comparison"] == key].iloc[0]
    return Comparison(key, row["label"], row["precision"], row["sparsity"], row["basis"])


def colour_scale(groups) -> alt.Scale:
    domain = list(dict.fromkeys(g for g in groups if isinstance(g, str)))
    spare = iter(SPARE_COLOURS * 4)
    return alt.Scale(domain=domain, range=[GROUP_COLOURS.get(g) or next(spare) for g in domain])


def fleet_row(claim: Figure, precision: str) -> int | None:
    """The index of perf_claim_check's fleet row at a precision (None outside the catalog)."""
    f = claim.frame
    hit = f.index[(f["scope"] == "fleet") & (f["precision"] == precision)]
    return int(hit[0]) if len(hit) else None


# ---------------------------------------------------------------- the site, from the store

@dataclass(frozen=True)
class Site:
    head: Figure
    claim: Figure
    energy: Figure
    tflops: float | None        # at the comparison (None: the store has no such figure)
    tflops_source: str
    gpus: float | None
    kw: float | None


def site(start, end, comp: Comparison) -> Site:
    st.header("This site, from the store")
    bucket = ui.bucket_minutes(start, end)  # as the Performance page, so the estimate is the same
    precision = comp.precision if comp.catalog else ui.settings().target.precision
    head = ui.run("perf_headline", start=start, end=end, precision=precision, bucket_minutes=bucket)
    claim = ui.run("perf_claim_check")
    energy = ui.run("energy_headline", start=start, end=end)
    row = fleet_row(claim, comp.precision)
    word = comp.sparsity
    c = st.columns(3) + st.columns(3)
    ui.metric(c[0], head, "gpus_reporting", "GPUs reporting",
              delta=f"of {head.text('gpus_inventory')} in the inventory",
              help="GPUs with a sample in the range (perf_headline). Peers count accelerators as their sources do.")
    peak_col = "peak_sparse_tflops" if word == "sparse" else "peak_dense_tflops"
    if row is not None:
        ui.metric(c[1], claim, peak_col, f"Nameplate ({comp.precision.upper()} {word})", row=row,
                  help="Catalog datasheet peak × inventory GPUs (perf_claim_check, fleet row): a peak, not a "
                       "measurement.", delta=f"{claim.text('gpus_peak_unknown', row)} GPUs of unknown peak")
    else:
        ui.tile(c[1], f"Nameplate ({comp.precision.upper()} {word})", "no data", claim,
                help=f"The GPU catalog has no {comp.precision.upper()} figures.")
    if comp.catalog:
        ui.metric(c[2], head, "delivered_tflops", f"Delivered ({comp.precision.upper()}, estimate)",
                  help="Mean over the range of the estimated delivered FLOPS from DCGM activity counters "
                       "(perf_headline, as on the Performance page): an estimate, not an HPL run.",
                  delta=f"{head.text('mfu')} of the nameplate counted")
    else:
        ui.tile(c[2], f"Delivered ({comp.precision.upper()}, estimate)", "no data", head,
                help=f"No activity counter or catalog peak at {comp.precision.upper()}.")
    ui.metric(c[3], energy, "facility_kw_avg", "Facility power (mean)", delta=f"peak {energy.text('facility_kw_peak')}",
              help="Facility meters over the range (energy_headline). TOP500 power is the system's during the HPL "
                   "run; other peers state grid or site capacity.")
    gpw = gflops_per_watt(head.value("delivered_tflops"), energy.value("facility_kw_avg")) if comp.catalog else None
    ui.tile(c[4], "Delivered per facility watt", ui.fmt(gpw, "GFLOPS/W"), head, energy,
            help=f"Delivered {precision.upper()} FLOPS (estimate) / mean facility power. The Green500 divides "
                 "HPL Rmax (FP64, measured) by the system's power: not the same measure.")
    ui.provenance(head, f"GPUs reporting and the delivered estimate at {precision.upper()}, "
                        f"{bucket}-minute buckets (the Performance page's figure)")
    ui.provenance(claim, "the nameplate at each precision, fleet rows")
    ui.provenance(energy)
    tflops = None
    if comp.basis == "peak" and row is not None:
        tflops = claim.value(peak_col, row)
        tflops = tflops if tflops else None  # no GPU of known peak: nothing to place, not zero
    source = (f"perf_claim_check: fleet nameplate, {comp.precision.upper()} {word}" if tflops is not None else
              "the store holds no HPL run" if comp.basis == "measured" else "none")
    return Site(head, claim, energy, tflops, source, head.value("gpus_reporting") or None,
                energy.value("facility_kw_avg"))


# ---------------------------------------------------------------- charts (one unit, one comparison each)

def dot_chart(frame: pd.DataFrame, x_title: str, labels: str | None, height_per_row: int = 22,
              fmt: str = ",.0f") -> alt.Chart:
    """Peers as dots on a log axis, a rule for a range of reports, the store's row in red."""
    data = frame[frame["value"].notna()].copy()
    order = data.sort_values("value", ascending=False)["peer"].tolist()
    data["figure"] = data["derived"].map({True: "derived (count × chip peak)", False: "stated or measured"})
    data.loc[data["is_site"], "figure"] = "this site (store)"
    ticks = decades(pd.concat([data["value"], data["value_high"]]))
    axis = alt.Axis(labelExpr=labels, values=ticks) if labels else alt.Axis(format="~s", values=ticks)
    x = alt.X("value:Q", title=x_title, scale=alt.Scale(type="log", domain=[ticks[0], ticks[-1]] if ticks else alt.Undefined),
              axis=axis)
    y = alt.Y("peer:N", sort=order, title=None, axis=alt.Axis(labelLimit=280))
    tips = [alt.Tooltip("peer:N"), alt.Tooltip("peer_group:N", title="group"),
            alt.Tooltip("stated:N", title="as stated"), alt.Tooltip("value:Q", title="value", format=fmt),
            alt.Tooltip("source_kind:N", title="source kind"), alt.Tooltip("source:N", title="source")]
    colour = alt.Color("peer_group:N", title="group", scale=colour_scale(data["peer_group"]),
                       legend=alt.Legend(orient="bottom", columns=5, labelLimit=200))
    ranged = data[data["value_high"].notna() & data["value_low"].notna() & (data["value_high"] > data["value_low"])]
    rule = alt.Chart(ranged).mark_rule(strokeWidth=3, opacity=0.5).encode(
        x="value_low:Q", x2="value_high:Q", y=y, color=colour)
    shapes = {"stated or measured": "circle", "derived (count × chip peak)": "triangle-up", "this site (store)": "diamond"}
    shown = [k for k in shapes if (data["figure"] == k).any()]
    dots = alt.Chart(data).mark_point(size=110, filled=True, opacity=0.9).encode(
        x=x, y=y, color=colour, tooltip=tips,
        shape=alt.Shape("figure:N", title="figure", scale=alt.Scale(domain=shown, range=[shapes[k] for k in shown]),
                        legend=alt.Legend(orient="top", direction="horizontal")))
    return (rule + dots).properties(height=max(120, height_per_row * len(order)), autosize=FIT_WIDTH)


def decades(values) -> list[float]:
    """Tick marks at the powers of ten that span the values (a log axis reads best on them)."""
    v = [float(x) for x in values if x is not None and x == x and x > 0]
    if not v:
        return []
    lo, hi = math.floor(math.log10(min(v))), math.ceil(math.log10(max(v)))
    return [10.0 ** k for k in range(lo, max(hi, lo + 1) + 1)]


def missing_note(frame: pd.DataFrame, what: str) -> None:
    gone = frame[frame["value"].isna() & ~frame["is_site"]]
    if gone.empty:
        return
    with st.expander(f"Missing here: {len(gone)} peers publish no {what} (not converted from other figures)"):
        st.dataframe(gone[["peer", "peer_group", "missing"]].rename(
            columns={"peer": "peer", "peer_group": "group", "missing": "what it publishes instead"}),
            hide_index=True, width="stretch")


# ---------------------------------------------------------------- sections

def among_peers(comp: Comparison, s: Site) -> Figure:
    st.header(f"Among peers: {comp.label}")
    fl = ui.run("ctx_flops", precision=comp.precision, sparsity=comp.sparsity, basis=comp.basis,
                site_tflops=s.tflops, site_source=s.tflops_source)
    f = fl.frame
    placed = int(f["value"].notna().sum() - f["is_site"].sum() * (s.tflops is not None))
    st.caption(f"{placed} of {len(f) - 1} peers publish a figure at {comp.label}. Each dot is a figure stated at "
               f"exactly this precision, sparsity and basis; a range of reports is a bar. Triangles are derived "
               "(count × per-chip datasheet peak): upper bounds, not statements.")
    if s.tflops is None:
        st.info("This site: " + (f["missing"].iloc[0] or "no figure") + ". Pick a peak comparison to place the "
                "site's nameplate, or see the claim below.")
    st.altair_chart(dot_chart(f, f"{comp.label}, FLOPS (log scale)", FLOPS_LABELS).properties(
        title=f"{comp.label}: the site and its peers"), width="stretch")
    missing_note(f, f"{comp.label} figure")
    ui.table(fl, SHARE_COLUMNS, widths=SHARE_WIDTHS)
    ui.provenance(fl, f"site_tflops from {s.tflops_source}")
    return fl


def shares(comp: Comparison, s: Site, fl: Figure) -> None:
    st.header("The site as a share of each peer")
    st.caption("Site as share = the store's figure / the peer's figure (a range where the peer's reports differ). "
               "The store holds the GPUs loaded into it, which may be part of the site.")
    tabs = st.tabs(["Accelerators", "Power", f"Peak: {comp.label}", "Cost per PFLOPS"])
    with tabs[0]:
        acc = ui.run("ctx_accelerators", site_gpus=s.gpus, site_source="perf_headline: GPUs reporting")
        st.altair_chart(dot_chart(acc.frame, "accelerators (log scale)", None).properties(
            title="Accelerators: GPUs reporting in the store beside the peers' counts"), width="stretch")
        missing_note(acc.frame, "accelerator count")
        ui.table(acc, SHARE_COLUMNS, widths=SHARE_WIDTHS)
        ui.provenance(acc, "site_gpus from perf_headline (GPUs reporting)")
    with tabs[1]:
        pw = ui.run("ctx_power", site_kw=s.kw, site_source="energy_headline: mean facility power")
        st.altair_chart(dot_chart(pw.frame, "power (log scale)", POWER_LABELS).properties(
            title="Power: the site's mean facility power beside the peers' stated power"), width="stretch")
        st.caption("Not one basis: TOP500 power is the system's during the HPL run; AI sites state grid connection or "
                   "capacity, often planned. Compare orders of magnitude, not percentages.")
        missing_note(pw.frame, "power figure")
        ui.table(pw, SHARE_COLUMNS, widths=SHARE_WIDTHS)
        ui.provenance(pw, "site_kw from energy_headline (facility_kw_avg)")
    with tabs[2]:
        st.caption(f"The shares of the chart above ({comp.label}).")
        ui.table(fl, ["peer", "peer_group", "stated", "site_share_min", "site_share_max", "derived", "source_kind",
                      "source"], widths=SHARE_WIDTHS)
    with tabs[3]:
        cost = ui.run("ctx_cost", precision=comp.precision, sparsity=comp.sparsity, basis=comp.basis)
        st.caption(f"Investment / {comp.label}, both from the reference data (derived here). An investment may "
                   "cover buildings, power and years of operation: read each source.")
        ui.table(cost, widths={"missing": "large"})
        ui.provenance(cost)


def claim(comp: Comparison, s: Site) -> None:
    t = ui.settings().target
    st.header("The claim among peers")
    st.caption(f"The claim, {ui.fmt(t.tflops, 'TFLOPS')}, names no precision: it is placed here at "
               f"{comp.precision.upper()} {comp.sparsity}, beside the peers' stated and measured figures at that "
               "precision and sparsity, and the site's nameplate there. Pick another comparison to move it.")
    cl = ui.run("ctx_claims", precision=comp.precision, sparsity=comp.sparsity)
    f = cl.frame
    data = f[f["placed"]].copy()
    row = fleet_row(s.claim, comp.precision)
    verdict = None
    if row is not None:
        col = "peak_sparse_tflops" if comp.sparsity == "sparse" else "peak_dense_tflops"
        nameplate = s.claim.value(col, row)
        if nameplate:
            data = pd.concat([data, pd.DataFrame([{
                "peer": "This site, nameplate (store)", "peer_group": STORE, "basis": "peak (store)",
                "precision": comp.precision, "sparsity": comp.sparsity, "value": nameplate,
                "stated": s.claim.text(col, row), "source_kind": "this store", "source": None}])],
                ignore_index=True)
        met = s.claim.value(f"met_{comp.sparsity}", row)
        verdict = (f"**Claim check at {comp.precision.upper()} {comp.sparsity}:** the store's nameplate is "
                   f"{s.claim.text(col, row)}, " + ("which meets the claim on paper." if met else
                                                    "below the claim." if met is not None else "no figure.")
                   + " Met on paper is not delivered (Performance page).")
    if verdict:
        st.markdown(verdict)
    order = data.sort_values("value", ascending=False)["peer"].tolist()
    ticks = decades(pd.concat([data["value"], pd.Series([t.tflops])]))
    x = alt.X("value:Q", title=f"{comp.precision.upper()} {comp.sparsity}, FLOPS (log scale)",
              scale=alt.Scale(type="log", domain=[ticks[0], ticks[-1]]),
              axis=alt.Axis(labelExpr=FLOPS_LABELS, values=ticks))
    y = alt.Y("peer:N", sort=order, title=None, axis=alt.Axis(labelLimit=280))
    dots = alt.Chart(data).mark_point(size=110, filled=True).encode(
        x=x, y=y, color=alt.Color("peer_group:N", title="group", scale=colour_scale(data["peer_group"]),
                                  legend=alt.Legend(orient="bottom", columns=5)),
        shape=alt.Shape("basis:N", title="basis", legend=alt.Legend(orient="top", direction="horizontal")),
        tooltip=["peer:N", "basis:N", alt.Tooltip("stated:N", title="as stated"), "source_kind:N", "source:N"])
    rule = alt.Chart(pd.DataFrame({"value": [t.tflops], "label": [f"the claim: {ui.fmt(t.tflops, 'TFLOPS')}"],
                                   "precision": [comp.precision], "sparsity": [comp.sparsity]}))
    lines = rule.mark_rule(color="#d62728", strokeDash=[6, 4], size=2).encode(x="value:Q") + \
        rule.mark_text(color="#d62728", align="left", dx=4, baseline="top").encode(x="value:Q", text="label:N",
                                                                                   y=alt.value(2))
    st.altair_chart((dots + lines).properties(height=max(140, 24 * len(order)), autosize=FIT_WIDTH,
                                              title=f"The claim at {comp.precision.upper()} {comp.sparsity}"),
                    width="stretch")
    ui.table(cl, ["peer", "peer_group", "basis", "sparsity", "stated", "claim_ratio", "placed", "not_placed",
                  "source_kind", "source", "note"], widths={"peer": "medium", "note": "large"})
    ui.provenance(cl)
    st.markdown("**The claim check at every precision** (the Performance page's perf_claim_check, fleet rows)")
    fleet = s.claim.frame[s.claim.frame["scope"] == "fleet"].reset_index(drop=True)
    ui.table(Figure(s.claim.query, s.claim.params, fleet, s.claim.elapsed_ms),
             ["precision", "peak_dense_tflops", "peak_sparse_tflops", "target_tflops", "met_dense", "met_sparse",
              "gpus_peak_unknown"])


def sources() -> Figure:
    src = ui.run("ctx_sources")
    with st.expander(f"Every reference figure with its source ({len(src.frame)} rows, for auditors)"):
        ui.table(src, height=420, widths={"note": "large", "source_note": "large"})
        st.caption("Revise a figure or add a peer: `aifd ingest my_peers.csv` with the columns of "
                   "queries/reference/peers.csv (docs/peers.md); a row with a stored row_id replaces it.")
    ui.provenance(src)
    return src


ui.start(__file__)
ui.page_header("The site among its peers",
               "Public AI clusters, TOP500 systems and European AI sites beside the site's own figures from the "
               "store, always at one precision, sparsity and basis: nothing is converted between them.")
_start, _end = ui.time_range()
_comps = ui.run("ctx_comparisons")
_comp = choose_comparison(_comps)
_site = site(_start, _end, _comp)
if ui.run("ctx_sources").empty:
    st.info("No peer figures in this store: load them with `aifd ingest queries/reference/peers.csv` "
            "(or your own file with its columns).")
_fl = among_peers(_comp, _site)
shares(_comp, _site, _fl)
claim(_comp, _site)
sources()
ui.provenance(_comps, f"the comparisons offered; this page: {_comp.key}")
