"""Sovereignty: how much of the stack depends on US-controlled vendors, and what would change it.

Every number comes from a ``sov_*`` query; this page only draws and builds the what-if parameter.
"""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.metrics.sovereignty import Swap, swaps_json

ui.page_header(
    "Sovereignty",
    "How much of the AI factory, from the building's power to the models, depends on US-controlled "
    "vendors, weighted by what matters, and what it would take to change that.",
)
ui.require_data()


def eur(x) -> str:
    if x is None or pd.isna(x):
        return "n/a"
    return f"€{x / 1e6:,.1f} M" if abs(x) >= 1e5 else f"€{x:,.0f}"


snaps = ui.run("sov_snapshots")
if snaps.frame.empty:
    st.info("No vendor-dependency records stored yet. Load them with `aifd ingest vendors.csv components.csv` "
            "(or a YAML file, or a CycloneDX SBOM); `aifd demo` loads the sample inventory.")
    ui.provenance(snaps)
    st.stop()

with st.sidebar:
    st.markdown("**Inventory snapshot**")
    dates = [d.date() if hasattr(d, "date") else d for d in snaps.frame.snapshot_date]
    snapshot = st.selectbox("Snapshot", dates, index=0, key="sov_snapshot",
                            format_func=lambda d: f"{d:%Y-%m-%d}", label_visibility="collapsed")
    st.caption("The stack as of a date: each component's latest record on or before it.")

# --- headline -----------------------------------------------------------------------------
head = ui.run("sov_headline", snapshot=snapshot)
h = head.frame.iloc[0]  # sov_snapshots found records, so there is a row
prev = "" if pd.isna(h.prev_snapshot_date) else f" vs {pd.Timestamp(h.prev_snapshot_date):%Y-%m-%d}"
delta_pp = None if pd.isna(h.prev_snapshot_date) else 100 * (h.us_share_critical - h.us_share_critical_prev)
cols = st.columns(4) + st.columns(3)
ui.metric(cols[0], "US share (criticality)", ui.pct(h.us_share_critical, 0), head,
          help="US-controlled, criticality-weighted: Σ criticality·[ultimate parent in US] / Σ criticality"
               + (f"; change{prev}" if prev else ""),
          delta=None if delta_pp is None else f"{delta_pp:+.1f} pp")
ui.metric(cols[1], "US share (spend)", ui.pct(h.us_share_spend, 0), head,
          help="US-controlled, by spend: Σ annual spend·[ultimate parent in US] / Σ annual spend")
ui.metric(cols[2], "US share (count)", ui.pct(h.us_share_count, 0), head,
          help="US-controlled, by count: components with a US ultimate parent / components")
ui.metric(cols[3], "Jurisdiction unknown", ui.pct(h.unknown_share_critical, 0), head,
          help="Criticality-weighted share whose vendor's jurisdiction could not be resolved (country ZZ: "
               "no supplier or country in the BOM and not in the vendor registry); by count "
               + ui.pct(h.unknown_share_count, 0) + ". Never counted as US or as EU.")
ui.metric(cols[4], "US HQ only (spend)", ui.pct(h.us_share_spend_hq, 0), head,
          help="HQ view: Σ spend·[headquarters in US] / Σ spend. Subsidiaries in Israel or the EU of US "
               "parents drop out here, but stay exposed to US law (CLOUD Act, FISA 702).")
ui.metric(cols[5], "Hard lock-in", ui.pct(h.hard_lockin_share, 0), head,
          help="Σ criticality·[US-controlled, not open source, no EU or open alternative] / Σ criticality")
ui.metric(cols[6], "Kill switch", ui.pct(h.kill_switch_share, 0), head,
          help="Σ criticality·[US-controlled and needs the vendor's licence server or cloud connection] / Σ criticality")
st.caption(
    f"Stack as of **{pd.Timestamp(h.snapshot_date):%Y-%m-%d}**, {int(h.components)} components"
    + (f"; the change is{prev}. " if prev else ". ") +
    "**Formulas** (w = criticality 1..5; US = ultimate parent in the US): by count N(US)/N · by spend "
    "Σ spend·[US]/Σ spend · criticality-weighted Σ w·[US]/Σ w · HQ view uses the headquarters country "
    "instead · hard lock-in Σ w·[US ∧ ¬open source ∧ no EU/open alternative]/Σ w · kill switch "
    "Σ w·[US ∧ (licence server ∨ cloud connection)]/Σ w · jurisdiction unknown Σ w·[ZZ]/Σ w. "
    "Spend shares are n/a when no spend is recorded.")
ui.provenance(head)

# --- per layer and trend ------------------------------------------------------------------
left, right = st.columns(2)
with left:
    layers = ui.run("sov_layers", snapshot=snapshot)
    lf = layers.frame
    long = lf.melt(id_vars=["label", "components", "spend_eur"],
                   value_vars=["us_share_critical", "us_share_critical_hq"], var_name="view", value_name="share")
    long["view"] = long["view"].map({"us_share_critical": "parent view",
                                     "us_share_critical_hq": "HQ view"})
    order = list(lf.label)
    chart = alt.Chart(long).mark_bar().encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X("share:Q", title="criticality-weighted US share (%)", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        yOffset=alt.YOffset("view:N", sort=["parent view", "HQ view"]),
        color=alt.Color("view:N", title=None, legend=alt.Legend(orient="top", labelLimit=0),
                        scale=alt.Scale(domain=["parent view", "HQ view"], range=["#1f4e9c", "#9ab8e6"])),
        tooltip=["label:N", "view:N", alt.Tooltip("share:Q", format=".0%"), "components:Q",
                 alt.Tooltip("spend_eur:Q", title="spend (EUR/yr)", format=",.0f")],
    ).properties(title="US share per layer, criticality-weighted", height=440)
    st.altair_chart(chart, width="stretch")
    ui.provenance(layers, "parent view: ultimate parent in the US; HQ view: headquarters in the US")

with right:
    trend = ui.run("sov_trend")
    tf = trend.frame.rename(columns={
        "us_share_critical": "US (criticality)", "us_share_critical_hq": "US HQ (criticality)",
        "us_share_spend": "US (spend)", "hard_lockin_share": "Hard lock-in",
        "kill_switch_share": "Kill switch", "unknown_share_critical": "Unknown (criticality)"})
    series = ["US (criticality)", "US HQ (criticality)", "US (spend)", "Hard lock-in", "Kill switch",
              "Unknown (criticality)"]
    tl = tf.melt(id_vars=["snapshot_date"], value_vars=series, var_name="score", value_name="share")
    tchart = alt.Chart(tl).mark_line(point=True).encode(
        x=alt.X("snapshot_date:T", title="snapshot date", axis=alt.Axis(format="%Y-%m-%d")),
        y=alt.Y("share:Q", title="share of the stack (%)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("score:N", title=None, sort=series, legend=alt.Legend(orient="top", columns=2, labelLimit=0)),
        tooltip=[alt.Tooltip("snapshot_date:T", format="%Y-%m-%d"), "score:N", alt.Tooltip("share:Q", format=".1%")],
    ).properties(title="Trend across snapshots", height=440)
    st.altair_chart(tchart, width="stretch")
    ui.provenance(trend)

# --- top levers ---------------------------------------------------------------------------
st.subheader("Biggest levers")
levers = ui.run("sov_levers", snapshot=snapshot)
lv = levers.frame
top = lv.head(6)
show = pd.DataFrame({
    "#": top["rank"], "component": top["name"],
    "US share −pp": top["us_critical_pp"].round(2),
    "pp per €M": top["pp_per_meur"].map(lambda x: "saves money" if pd.isna(x) else f"{x:.2f}"),
    "first-year cost": top["first_year_cost_eur"].map(eur),
    "switch": top["vendor"] + " (" + top["control_country"] + ") → " + top["alternative_vendor"]
              + " (" + top["alternative_country"] + ")",
    "kill switch −pp": top["kill_switch_pp"].round(2), "lock-in −pp": top["lockin_pp"].round(2),
})
st.dataframe(show, hide_index=True, width="stretch")
ui.provenance(levers, "pp = percentage points of the criticality-weighted US share; first-year cost = "
                      "switch cost + change in annual spend; pp per €M = pp / (first-year cost / 10⁶)")

what_if, framework, records = st.tabs(["What-if", "Framework rating (EU CSF)", "Records"])

# --- what-if ------------------------------------------------------------------------------
with what_if:
    comps = ui.run("sov_components", snapshot=snapshot)
    cf = comps.frame
    vendors = ui.run("sov_vendors", snapshot=snapshot).frame
    vname = dict(zip(vendors.vendor_id, vendors.name + " (" + vendors.control_country + ")"))
    by_id = cf.set_index("component_id")
    ids = list(cf.sort_values(["us_controlled", "criticality"], ascending=False).component_id)
    if st.button("Try the top 3 levers"):
        st.session_state["sov_swap_ids"] = [c for c in lv.component_id.head(3) if c in by_id.index]
    picked = st.multiselect(
        "Components to substitute", ids, key="sov_swap_ids",
        format_func=lambda c: f"{by_id.loc[c, 'name']} · {by_id.loc[c, 'vendor']} ({by_id.loc[c, 'control_country']})")
    swaps = []
    vendor_ids = list(vendors.vendor_id)
    for cid in picked:
        row = by_id.loc[cid]
        default = row.alternative_vendor_id if isinstance(row.alternative_vendor_id, str) else None
        options = [v for v in vendor_ids if v != row.vendor_id]
        choice = st.selectbox(f"Alternative for {row['name']}", options, key=f"sov_alt_{cid}",
                              index=options.index(default) if default in options else 0,
                              format_func=lambda v: vname.get(v, v))
        is_named = choice == default
        swaps.append(Swap(cid, choice,
                          annual_spend_eur=float(row.alternative_spend_eur) if is_named and pd.notna(row.alternative_spend_eur) else None,
                          open_source=bool(row.alternative_open_source) if is_named else False))
    scores = ui.run("sov_scores", snapshot=snapshot, swaps=swaps_json(swaps))
    sf = scores.frame
    sl = sf.melt(id_vars=["label"], value_vars=["baseline", "scenario"], var_name="stack", value_name="share")
    schart = alt.Chart(sl).mark_bar().encode(
        y=alt.Y("label:N", sort=list(sf.label), title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("share:Q", title="share of the stack (%)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        yOffset="stack:N",
        color=alt.Color("stack:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=["baseline", "scenario"], range=["#888888", "#2a9d5c"])),
        tooltip=["label:N", "stack:N", alt.Tooltip("share:Q", format=".1%")],
    ).properties(title="Scores: stored stack against the scenario", height=420)
    c1, c2 = st.columns(2)
    with c1:
        st.altair_chart(schart, width="stretch")
    with c2:
        st.dataframe(pd.DataFrame({"score": sf.label, "now": sf.baseline.map(lambda x: ui.pct(x, 0)), "scenario": sf.scenario.map(lambda x: ui.pct(x, 0)),
                                   "Δ pp": (100 * sf.delta).round(1), "formula": sf.formula}),
                     hide_index=True, width="stretch",
                     column_config={"score": st.column_config.TextColumn(width="medium")})
    ui.provenance(scores, "computed from the $swaps parameter; stored records are not changed. A substituted "
                          "component takes the new vendor's jurisdictions and needs no licence server or cloud "
                          "connection; it is open source if its record says the named alternative is.")

# --- framework rating ---------------------------------------------------------------------
with framework:
    fw = ui.run("sov_framework", snapshot=snapshot)  # rubric file from settings ([sovereignty] rubric)
    ff = fw.frame
    c1, c2 = st.columns(2)
    ui.metric(c1, "Framework score", ui.pct(ff.framework_score.iloc[0], 0), fw,
              help="Σ objective weight × SEAL level / 4 (SEAL 4 everywhere = 100 %)")
    gates = ff[~ff.gate_met].objective.tolist()
    ui.metric(c2, "Tender gates (minimum SEAL per objective)", "all met" if not gates else "not met: " + ", ".join(gates), fw)
    fchart = alt.Chart(ff).mark_bar().encode(
        y=alt.Y("objective:N", title=None, sort=list(ff.objective)),
        x=alt.X("seal_level:Q", title="SEAL level (0..4)", scale=alt.Scale(domain=[0, 4]), axis=alt.Axis(tickCount=5)),
        color=alt.Color("gate_met:N", title="gate met", scale=alt.Scale(domain=[True, False], range=["#2a9d5c", "#d62728"])),
        tooltip=["objective:N", "title:N", alt.Tooltip("weight:Q", format=".0%"), "seal_label:N",
                 alt.Tooltip("indicator_value:Q", format=".2f"), "thresholds:N", "min_seal:Q"],
    )
    gate_ticks = alt.Chart(ff).mark_tick(color="black", thickness=2, size=18).encode(
        y=alt.Y("objective:N", sort=list(ff.objective)), x="min_seal:Q")
    st.altair_chart((fchart + gate_ticks).properties(title="SEAL level per objective (tick: tender minimum)", height=340),
                    width="stretch")
    st.dataframe(pd.DataFrame({
        "objective": ff.objective, "title": ff.title, "weight": ff.weight.map(lambda x: ui.pct(x, 0)), "SEAL": ff.seal_level,
        "gate (min)": ff.min_seal, "weighted": ff.weighted_score.map(lambda x: f"{100 * x:.1f} %"),
        "indicator": ff.indicator, "value": ff.indicator_value.round(2), "thresholds SEAL 1/2/3/4": ff.thresholds,
    }), hide_index=True, width="stretch")
    for r in ff.itertuples():
        with st.expander(f"{r.objective} {r.title}: {r.seal_label}"):
            st.markdown(f"**Criteria.** {r.criteria}\n\n**Evidence.** {r.evidence}\n\n"
                        f"**Components holding it down** ({r.shortfall} of {r.components_in_scope} in scope): "
                        f"{r.evidence_components or '—'}\n\n**Assumption.** {r.assumption}")
    ui.provenance(fw, f"rubric: {ui.settings().rubric_path}; weights as reported for the "
                      "EU Cloud Sovereignty Framework v1.2.1 (Oct 2025); thresholds, scopes and gates are this "
                      "project's assumptions, stated per objective")

# --- drill-down ---------------------------------------------------------------------------
with records:
    layer_opts = ["(all layers)"] + list(layers.frame.layer)
    labels = dict(zip(layers.frame.layer, layers.frame.label))
    layer = st.selectbox("Layer", layer_opts, key="sov_layer", format_func=lambda x: labels.get(x, x))
    detail = ui.run("sov_components", snapshot=snapshot, layer=None if layer == "(all layers)" else layer)
    cols = ["layer", "name", "vendor", "hq_country", "ultimate_parent", "control_country", "us_controlled",
            "us_headquartered", "quantity", "spend_eur", "criticality", "open_source", "export_controlled",
            "licence_server", "cloud_connection", "alternative", "hard_lockin", "kill_switch", "recorded_on",
            "source", "notes"]
    st.dataframe(detail.frame[cols], hide_index=True, width="stretch",
                 column_config={"spend_eur": st.column_config.NumberColumn("spend (EUR/yr)", format="localized"),
                                "recorded_on": st.column_config.DateColumn("recorded on")})
    ui.provenance(detail)
    vend = ui.run("sov_vendors", snapshot=snapshot)
    st.dataframe(vend.frame, hide_index=True, width="stretch",
                 column_config={"spend_eur": st.column_config.NumberColumn("spend (EUR/yr)", format="localized")})
    ui.provenance(vend, "views_differ: headquarters and ultimate parent disagree about the US "
                        "(e.g. an Israeli subsidiary of a US company); valid_from/valid_until: the ownership "
                        "record in force at this snapshot (1900-01-01: since always; an acquisition adds a "
                        "record, so earlier snapshots keep the earlier owner)")
