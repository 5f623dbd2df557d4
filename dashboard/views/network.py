"""Network: data into and out of the site per period, the busiest links per direction (rate, p95,
peak, time saturated), and traffic over time from the site down to one link.

Draws only: every number comes from a named query in ``queries/net_*.sql`` run through ``ui.run``.
"""
from __future__ import annotations

import altair as alt
import streamlit as st

from dashboard import ui

SITE = "(site: external links)"
PERIODS = {"Day": "day", "Hour": "hour", "Month": "month", "Whole range": "all"}


def site_traffic(start, end) -> None:
    s = ui.settings()
    st.header("Into and out of the site")
    total = ui.run("net_site_traffic", start=start, end=end, period="all")
    c = st.columns(4)
    ui.metric(c[0], total, "in_tb", "Data in", delta=f"p95 {total.text('in_p95_gbps')}")
    ui.metric(c[1], total, "out_tb", "Data out", delta=f"p95 {total.text('out_p95_gbps')}")
    ui.metric(c[2], total, "in_gbps", "Rate in, mean", delta=f"out {total.text('out_gbps')}")
    ui.metric(c[3], total, "capacity_gbps", "External capacity", delta=f"{total.text('links')} links")
    ui.provenance(total, f"external links: kinds {', '.join(s.external_link_kinds)} (setting [network] "
                         "external_kinds); virtual interfaces never count")
    choice = st.radio("Per", list(PERIODS), horizontal=True, key="net_period")
    per = ui.run("net_site_traffic", start=start, end=end, period=PERIODS[choice])
    ui.table(per)
    ui.provenance(per, "the EED reporting scheme asks for the year's incoming and outgoing data traffic")


def busiest(start, end) -> list[str]:
    s = ui.settings()
    st.header("Busiest links")
    include_virtual = st.checkbox("Show virtual interfaces (loopback, containers, bridges, tunnels)",
                                  key="net_virtual")
    fig = ui.run("net_links", start=start, end=end, include_virtual=include_virtual)
    f = fig.frame
    if f.empty:
        st.info("No links in the store: load a links file or interface counters with `aifd ingest`.")
        ui.provenance(fig)
        return []
    saturated = f[f["minutes_above"].fillna(0) > 0]
    c = st.columns(4)
    top = f.iloc[0]
    ui.tile(c[0], "Busiest (p95)", f"{top['link']} {top['direction']}", fig,
            note=f"{fig.text('p95_util_pct')} of capacity at p95")
    n_sat = saturated["link"].nunique()
    ui.tile(c[1], f"Saturated (> {s.link_saturation_pct:g} %)", f"{n_sat} link{'s' if n_sat != 1 else ''}", fig,
            note=f"{ui.fmt(saturated['minutes_above'].sum(), 'min')} in all" if len(saturated) else None,
            help="Links with a sampling interval above the saturation threshold of their capacity.")
    ui.tile(c[2], "Counter resets / wraps", f"{int(f['resets'].fillna(0).sum() / 2)} / "
            f"{int(f['wraps'].fillna(0).sum() / 2)}", fig,
            help="Resets count from 0 again; wraps add what was left to 2^64 (or 2^32). Neither gives "
                 "negative or doubled traffic. Counted once per link.")
    unknown = f[f["capacity_gbps"].isna()]["link"].nunique()
    ui.tile(c[3], "Capacity unknown", f"{unknown} link{'s' if unknown != 1 else ''}", fig,
            help="Utilisation of a link without a capacity is unknown, never 0.")
    ui.table(fig, ["rank", "link", "direction", "p95_util_pct", "peak_util_pct", "mean_util_pct", "minutes_above",
                   "p95_gbps", "peak_gbps", "mean_gbps", "capacity_gbps", "tb", "hours", "resets", "wraps", "kind",
                   "is_virtual"], height=min(36 * (len(f) + 1) + 3, 460))
    ui.provenance(fig, f"saturated: a sampling interval above {s.link_saturation_pct:g} % of capacity (setting "
                       "[network] saturation_pct); p95 over the 5-minute mean rates")
    return list(dict.fromkeys(f["link"]))


def drill(start, end, links: list[str]) -> None:
    st.header("Traffic over time")
    shown = st.selectbox("Show", [SITE, *links], key="net_link", help="The site's external links summed, or one link.")
    link = None if shown == SITE else shown
    fig = ui.run("net_link_series", start=start, end=end, bucket_minutes=ui.bucket_minutes(start, end), link=link)
    f = fig.frame
    if f.empty:
        st.info("No traffic in this range.")
        ui.provenance(fig)
        return
    lines = alt.Chart(ui.utc(f, "bucket")).mark_line().encode(
        x=ui.time_x(),
        y=alt.Y("gbps:Q", title=ui.axis_title(fig, "gbps")),
        color=alt.Color("direction:N", title="direction", legend=alt.Legend(orient="bottom")),
        tooltip=[ui.time_tip(), "direction:N", alt.Tooltip("gbps:Q", format=",.1f", title="mean Gbit/s"),
                 alt.Tooltip("peak_gbps:Q", format=",.1f", title="peak Gbit/s"),
                 alt.Tooltip("util_pct:Q", format=".1f", title="util %")],
    )
    peaks = alt.Chart(ui.utc(f, "bucket")).mark_line(strokeDash=[2, 2], opacity=0.6).encode(
        x=ui.time_x(), y="peak_gbps:Q", color="direction:N")
    layers = lines + peaks
    cap = f["capacity_gbps"].dropna()
    title = f"{shown}: mean (solid) and peak (dotted) per bucket"
    if len(cap):
        sat = ui.settings().link_saturation_pct
        layers += alt.Chart().mark_rule(color="#d62728", strokeDash=[6, 4]).encode(y=alt.datum(float(cap.iloc[0])))
        layers += alt.Chart().mark_rule(color="#ff7f0e", strokeDash=[2, 4]).encode(
            y=alt.datum(float(cap.iloc[0]) * sat / 100))
        title += f"; red: capacity, orange: {sat:g} % saturation threshold"
    st.altair_chart(layers.properties(height=300, title=title), width="stretch")
    ui.provenance(fig)


ui.start(__file__)
ui.page_header("Network", "The fiber links from byte counters: data into and out of the site, the busiest links "
               "per direction, and traffic over time from the site down to one link.")
_start, _end = ui.time_range()
site_traffic(_start, _end)
_links = busiest(_start, _end)
drill(_start, _end, _links)
