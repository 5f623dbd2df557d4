-- title: The site beside its peers in accelerators
-- returns: one row for the site from the store, then one per peer in the reference data, largest first; a peer without a figure has none (missing says what it has)
-- param: site_gpus DOUBLE = NULL: the site's GPUs from the store (the page passes perf_headline's GPUs reporting); NULL: none
-- param: site_source VARCHAR = NULL: which figure site_gpus is
-- uses: site_beside_peers, peer_compare, peer_value_text, peer_figures (queries/definitions/030_context.sql)
-- column: peer_id text: peer id
-- column: peer text: peer
-- column: peer_group text: group — site, top500_nov2025, eu_ai, hyperscale, ... (this site (store) for the store's own row)
-- column: is_site bool: this site (store) — the row is the store's own figure, not an outside one
-- column: metrics text: metric — the reference rows' metric, or the store figure
-- column: stated text: as stated — the value as the source states it; the store's figure written the same way
-- column: value_low count: low — the lowest count reported (accelerator_count, _alt for a conflicting report, _per_site for a programme)
-- column: value_high count: high — the highest (a range when sources differ; empty for "at least")
-- column: value count: value — placed on the chart: the low end, or the high end of an "up to" figure
-- column: derived bool: derived — not stated by a source but derived from other figures
-- column: site_share_min ratio: site as share, from — the store's figure / the peer's high end
-- column: site_share_max ratio: site as share, to — the store's figure / the peer's low end
-- column: source_kind text: source kind — primary, press, secondary, derived; "this store" for the site's own row
-- column: source url: source — the first source URL
-- column: sources text: all sources — every URL behind the figure
-- column: confidence text: confidence
-- column: missing text: missing — why there is no figure, and what the peer publishes instead
SELECT * EXCLUDE (precision, sparsity, basis)
FROM site_beside_peers('accelerators', NULL, NULL, NULL, $site_gpus, $site_source,
                       'no accelerator figure for the store in this range')
ORDER BY is_site DESC, value DESC NULLS LAST, peer
