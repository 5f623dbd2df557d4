"""Sovereignty: how much of the stack depends on US-controlled vendors, and what would change it.

Every number comes from a ``sov_*`` query; this page only draws and builds the what-if parameter.
"""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.figures import Figure
from dashboard.metrics.sovereignty import Swap, swaps_json

FORMULAS = ("**Formulas** (w = criticality 1..5; US = ultimate parent in the US): by count N(US)/N · by spend "
            "Σ spend·[US]/Σ spend · criticality-weighted Σ w·[US]/Σ w · HQ view uses the headquarters country "
            "instead · hard lock-in Σ w·[US ∧ ¬open source ∧ no EU/open alternative]/Σ w · kill switch "
            "Σ w·[US ∧ (licence server ∨ cloud connection)]/Σ w · jurisdiction unknown Σ w·[ZZ]/Σ w. Spend "
            "shares say no data when no spend is recorded.")


def pick_snapshot():
    snaps = ui.run("sov_snapshots")
    if snaps.empty:
        st.info("No vendor-dependency records stored yet. `aifd demo` (or `aifd demo --gpus N`, which writes them "
                "scaled to the generated fleet) loads the sample stack; your own: `aifd ingest vendors.csv "
                "components.csv` (or a YAML file, or a CycloneDX SBOM), then reload this page.")
        ui.provenance(snaps)
        st.stop()
    with st.sidebar:
        st.markdown("**Inventory snapshot**")
        dates = [d.date() if hasattr(d, "date") else d for d in snaps.frame.snapshot_date]
        snapshot = st.selectbox("Snapshot", dates, index=0, key="sov_snapshot",
                                format_func=lambda d: f"{d:%Y-%m-%d}", label_visibility="collapsed")
        st.caption("The stack as of a date: each component's latest record on or before it.")
        ui.provenance(snaps)
    return snapshot


def headline(snapshot) -> None:
    head = ui.run("sov_headline", snapshot=snapshot)  # sov_snapshots found records, so there is a row
    prev_date = head.value("prev_snapshot_date")
    prev = f" vs {head.text('prev_snapshot_date')}" if prev_date is not None else ""
    delta = (f"{100 * (head.value('us_share_critical') - head.value('us_share_critical_prev')):+.1f} pp"
             if prev_date is not None else None)
    cols = st.columns(4) + st.columns(3)
    ui.metric(cols[0], head, "us_share_critical", "US share (criticality)", delta=delta and f"{delta}{prev}",
              change=delta is not None,
              help="US-controlled, criticality-weighted: Σ criticality·[ultimate parent in US] / Σ criticality"
                   + (f"; change{prev}" if prev else ""))
    ui.metric(cols[1], head, "us_share_spend", "US share (spend)",
              help="US-controlled, by spend: Σ annual spend·[ultimate parent in US] / Σ annual spend")
    ui.metric(cols[2], head, "us_share_count", "US share (count)",
              help="US-controlled, by count: components with a US ultimate parent / components")
    ui.metric(cols[3], head, "unknown_share_critical", "Jurisdiction unknown",
              help="Criticality-weighted share whose vendor's jurisdiction could not be resolved (country ZZ: "
                   "the record or BOM names no country and the vendor registry does not know the vendor); by count "
                   + head.text("unknown_share_count") + ". Never counted as US or as EU.")
    ui.metric(cols[4], head, "us_share_spend_hq", "US HQ only (spend)",
              help="HQ view: Σ spend·[headquarters in US] / Σ spend. Subsidiaries in Israel or the EU of US "
                   "parents drop out here, but stay exposed to US law (CLOUD Act, FISA 702).")
    ui.metric(cols[5], head, "hard_lockin_share", "Hard lock-in",
              help="Σ criticality·[US-controlled, not open source, no EU or open alternative] / Σ criticality")
    ui.metric(cols[6], head, "kill_switch_share", "Kill switch",
              help="Σ criticality·[US-controlled and needs the vendor's licence server or cloud connection] / Σ criticality")
    st.caption(f"Stack as of **{head.text('snapshot_date')}**, {head.text('components')} components"
               + (f"; the change is{prev}. " if prev else ". ") + FORMULAS)
    ui.provenance(head)


def layers_chart(snapshot) -> Figure:
    layers = ui.run("sov_layers", snapshot=snapshot)
    lf = layers.frame
    long = lf.melt(id_vars=["label", "components", "spend_eur"],
                   value_vars=["us_share_critical", "us_share_critical_hq"], var_name="view", value_name="share")
    long["view"] = long["view"].map({"us_share_critical": "parent view", "us_share_critical_hq": "HQ view"})
    chart = alt.Chart(long).mark_bar().encode(
        y=alt.Y("label:N", sort=list(lf.label), title=None, axis=alt.Axis(labelLimit=220)),
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
    return layers


def trend_chart() -> None:
    trend = ui.run("sov_trend")
    series = ["us_share_critical", "us_share_critical_hq", "us_share_spend", "hard_lockin_share",
              "kill_switch_share", "unknown_share_critical"]
    names = {c: trend.query.column(c).label for c in series}
    tl = trend.frame.melt(id_vars=["snapshot_date"], value_vars=series, var_name="score", value_name="share")
    tl["score"] = tl["score"].map(names)
    chart = alt.Chart(tl).mark_line(point=True).encode(
        x=alt.X("snapshot_date:T", title="snapshot date", axis=alt.Axis(format="%Y-%m-%d")),
        y=alt.Y("share:Q", title="share of the stack (%)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("score:N", title=None, sort=[names[c] for c in series],
                        legend=alt.Legend(orient="top", columns=2, labelLimit=0)),
        tooltip=[alt.Tooltip("snapshot_date:T", format="%Y-%m-%d"), "score:N", alt.Tooltip("share:Q", format=".1%")],
    ).properties(title="Trend across snapshots", height=440)
    st.altair_chart(chart, width="stretch")
    ui.provenance(trend)


def levers_table(snapshot) -> Figure:
    st.subheader("Biggest levers")
    levers = ui.run("sov_levers", snapshot=snapshot)
    lf = levers.frame
    ranked = lf[lf["rank"].notna()].reset_index(drop=True)
    others = lf[lf["rank"].isna()].reset_index(drop=True)
    cols = ["rank", "name", "us_critical_pp", "cost_effect", "first_year_cost_eur", "pp_per_meur", "annual_change_eur",
            "vendor", "control_country", "alternative_vendor", "alternative_country", "kill_switch_pp", "lockin_pp"]
    widths = {"rank": "small", "name": "medium", "cost_effect": "medium"}
    if ranked.empty:
        st.info("No recorded alternative lowers the criticality-weighted US share at this snapshot.")
    else:
        ui.table(Figure(levers.query, levers.params, ranked, levers.elapsed_ms), cols, widths=widths)
    if not others.empty:
        with st.expander(f"{len(others)} substitutions that do not lower the US share (their alternative is "
                         "US-controlled too); some still remove a kill switch or a lock-in"):
            ui.table(Figure(levers.query, levers.params, others, levers.elapsed_ms),
                     [c for c in cols if c != "rank"], widths=widths)
    ui.provenance(levers, "pp = percentage points of the criticality-weighted US share; first-year cost = "
                          "switch cost + change in annual spend; pp per €M = pp / (first-year cost / 10⁶), empty where "
                          "the first-year cost is zero or negative (see first-year cost: 'no first-year cost' or "
                          "'saves money'); only levers that lower the US share are ranked")
    return levers


def what_if(snapshot, levers: Figure) -> None:
    comps = ui.run("sov_components", snapshot=snapshot)
    cf = comps.frame
    vendors = ui.run("sov_vendors", snapshot=snapshot).frame
    vname = dict(zip(vendors.vendor_id, vendors.name + " (" + vendors.control_country + ")"))
    by_id = cf.set_index("component_id")
    ids = list(cf.sort_values(["us_controlled", "criticality"], ascending=False).component_id)
    if st.button("Try the top 3 levers"):
        st.session_state["sov_swap_ids"] = [c for c in levers.frame.component_id.head(3) if c in by_id.index]
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
                          annual_spend_eur=float(row.alternative_spend_eur)
                          if is_named and pd.notna(row.alternative_spend_eur) else None,
                          open_source=bool(row.alternative_open_source) if is_named else False))
    cost = ui.run("sov_whatif_cost", snapshot=snapshot, swaps=swaps_json(swaps))
    k = st.columns(4)
    ui.metric(k[0], cost, "components_swapped", "Components substituted")
    ui.metric(k[1], cost, "annual_change_eur", "Annual spend change",
              delta=(f"{cost.text('scenario_annual_spend_eur')} instead of {cost.text('annual_spend_eur')}"
                     if cost.value("components_swapped") else f"{cost.text('annual_spend_eur')} now"))
    ui.metric(k[2], cost, "switch_cost_eur", "Switch costs (one-off)",
              delta=(f"{cost.text('switch_costs_assumed')} assumed at one year's spend"
                     if cost.value("switch_costs_assumed") else None))
    ui.metric(k[3], cost, "first_year_change_eur", "First-year cost change")
    ui.provenance(cost)
    scores = ui.run("sov_scores", snapshot=snapshot, swaps=swaps_json(swaps))
    sf = scores.frame
    sl = sf.melt(id_vars=["label"], value_vars=["baseline", "scenario"], var_name="stack", value_name="share")
    chart = alt.Chart(sl).mark_bar().encode(
        y=alt.Y("label:N", sort=list(sf.label), title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("share:Q", title="share of the stack (%)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        yOffset="stack:N",
        color=alt.Color("stack:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=["baseline", "scenario"], range=["#888888", "#2a9d5c"])),
        tooltip=["label:N", "stack:N", alt.Tooltip("share:Q", format=".1%")],
    ).properties(title="Scores: stored stack against the scenario", height=420)
    c1, c2 = st.columns(2)
    with c1:
        st.altair_chart(chart, width="stretch")
    with c2:
        ui.table(scores, ["label", "baseline", "scenario", "delta", "formula"], widths={"label": "medium"})
    ui.provenance(scores, "computed from the $swaps parameter; stored records are not changed. A substituted "
                          "component takes the new vendor's jurisdictions and needs no licence server or cloud "
                          "connection; it is open source if its record says the named alternative is.")


def framework(snapshot) -> None:
    fw = ui.run("sov_framework", snapshot=snapshot)  # rubric file from settings ([sovereignty] rubric)
    ff = fw.frame
    c1, c2 = st.columns(2)
    ui.metric(c1, fw, "framework_score", help="Σ objective weight × SEAL level / 4 (SEAL 4 everywhere = 100 %)")
    gates = ff[~ff.gate_met].objective.tolist()
    ui.tile(c2, "Tender gates (minimum SEAL per objective)", "all met" if not gates else "not met: " + ", ".join(gates),
            fw)
    bars = alt.Chart(ff).mark_bar().encode(
        y=alt.Y("objective:N", title=None, sort=list(ff.objective)),
        x=alt.X("seal_level:Q", title="SEAL level (0..4)", scale=alt.Scale(domain=[0, 4]), axis=alt.Axis(tickCount=5)),
        color=alt.Color("gate_met:N", title="gate met", scale=alt.Scale(domain=[True, False], range=["#2a9d5c", "#d62728"])),
        tooltip=["objective:N", "title:N", alt.Tooltip("weight:Q", format=".0%"), "seal_label:N",
                 alt.Tooltip("indicator_value:Q", format=".2f"), "thresholds:N", "min_seal:Q"],
    )
    ticks = alt.Chart(ff).mark_tick(color="black", thickness=2, size=18).encode(
        y=alt.Y("objective:N", sort=list(ff.objective)), x="min_seal:Q")
    st.altair_chart((bars + ticks).properties(title="SEAL level per objective (tick: tender minimum)", height=340),
                    width="stretch")
    ui.table(fw, ["objective", "title", "weight", "seal_level", "min_seal", "weighted_score", "indicator",
                  "indicator_value", "thresholds"])
    for r in ff.itertuples():
        with st.expander(f"{r.objective} {r.title}: {r.seal_label}"):
            st.markdown(f"**Criteria.** {r.criteria}\n\n**Evidence.** {r.evidence}\n\n"
                        f"**Components holding it down** ({r.shortfall} of {r.components_in_scope} in scope): "
                        f"{r.evidence_components or '—'}\n\n**Assumption.** {r.assumption}")
    ui.provenance(fw, f"rubric: {ui.settings().rubric_path}; weights as reported for the "
                      "EU Cloud Sovereignty Framework v1.2.1 (Oct 2025); thresholds, scopes and gates are this "
                      "project's assumptions, stated per objective")


def records(snapshot, layers: Figure) -> None:
    layer_opts = ["(all layers)"] + list(layers.frame.layer)
    labels = dict(zip(layers.frame.layer, layers.frame.label))
    layer = st.selectbox("Layer", layer_opts, key="sov_layer", format_func=lambda x: labels.get(x, x))
    detail = ui.run("sov_components", snapshot=snapshot, layer=None if layer == "(all layers)" else layer)
    ui.table(detail, ["layer", "name", "vendor", "hq_country", "ultimate_parent", "control_country", "us_controlled",
                      "us_headquartered", "quantity", "spend_eur", "criticality", "open_source", "export_controlled",
                      "licence_server", "cloud_connection", "alternative", "hard_lockin", "kill_switch",
                      "recorded_on", "source", "notes"])
    ui.provenance(detail)
    vend = ui.run("sov_vendors", snapshot=snapshot)
    ui.table(vend)
    ui.provenance(vend, "views differ: headquarters and ultimate parent disagree about the US "
                        "(e.g. an Israeli subsidiary of a US company); valid from/until: the ownership "
                        "record in force at this snapshot (1900-01-01: since always; an acquisition adds a "
                        "record, so earlier snapshots keep the earlier owner)")


ui.start(__file__)
ui.page_header(
    "Sovereignty",
    "How much of the AI factory, from the building's power to the models, depends on US-controlled "
    "vendors, weighted by what matters, and what it would take to change that.",
)
ui.require_data()
_snapshot = pick_snapshot()
headline(_snapshot)
_left, _right = st.columns(2)
with _left:
    _layers = layers_chart(_snapshot)
with _right:
    trend_chart()
_levers = levers_table(_snapshot)
_what_if, _framework, _records = st.tabs(["What-if", "Framework rating (EU CSF)", "Records"])
with _what_if:
    what_if(_snapshot, _levers)
with _framework:
    framework(_snapshot)
with _records:
    records(_snapshot, _layers)
