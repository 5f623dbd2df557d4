-- title: The site beside its peers in power
-- returns: one row for the site from the store, then one per peer in the reference data, largest first; a peer without a figure has none (missing says what it has)
-- param: site_kw DOUBLE = NULL: the site's power from the store (the page passes energy_headline's mean facility power); NULL: none
-- param: site_source VARCHAR = NULL: which figure site_kw is
-- uses: peer_figures, peer_value_text, peer_compare (queries/definitions/030_context.sql)
-- column: peer_id text: peer id
-- column: peer text: peer
-- column: peer_group text: group — site, top500_nov2025, eu_ai, hyperscale, ... (this site (store) for the store's own row)
-- column: is_site bool: this site (store) — the row is the store's own figure, not an outside one
-- column: metrics text: metric — the reference rows' metric, or the store figure
-- column: stated text: as stated — the value as the source states it; the store's figure written the same way
-- column: value_low kW: low — the lowest power reported (power_mw: TOP500 rows the power during the HPL run; sites as the source states it, often grid capacity; planned power is not compared)
-- column: value_high kW: high — the highest (a range when sources differ; empty for "at least")
-- column: value kW: value — placed on the chart: the low end, or the high end of an "up to" figure
-- column: derived bool: derived — not stated by a source but derived from other figures
-- column: site_share_min ratio: site as share, from — the store's figure / the peer's high end
-- column: site_share_max ratio: site as share, to — the store's figure / the peer's low end
-- column: source_kind text: source kind — primary, press, secondary, derived; "this store" for the site's own row
-- column: source url: source — the first source URL
-- column: sources text: all sources — every URL behind the figure
-- column: confidence text: confidence
-- column: missing text: missing — why there is no figure, and what the peer publishes instead
SELECT '(store)' AS peer_id, 'This site (store)' AS peer, 'this site (store)' AS peer_group, true AS is_site,
       $site_source AS metrics, peer_value_text('power', $site_kw) AS stated,
       $site_kw AS value_low, $site_kw AS value_high, $site_kw AS value, false AS derived,
       NULL::DOUBLE AS site_share_min, NULL::DOUBLE AS site_share_max,
       'this store' AS source_kind, NULL::VARCHAR AS source, NULL::VARCHAR AS sources, NULL::VARCHAR AS confidence,
       CASE WHEN $site_kw IS NULL THEN 'no power figure for the store in this range' END AS missing
UNION ALL
SELECT peer_id, peer, peer_group, false, metrics, stated, value_low, value_high, value, derived,
       site_share_min, site_share_max, source_kind, source, sources, confidence, missing
FROM peer_compare('power', NULL, NULL, NULL, $site_kw)
ORDER BY is_site DESC, value DESC NULLS LAST, peer
