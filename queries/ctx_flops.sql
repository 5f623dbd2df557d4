-- title: The site beside its peers in FLOPS, at one precision, sparsity and basis
-- returns: one row for the site from the store, then one per peer in the reference data, largest first; a peer without a figure at exactly this comparison has none (missing says what it has), never one converted from another precision or basis
-- param: precision VARCHAR = bf16: precision compared (fp64, tf32, bf16, fp8, fp4, or another of table peer_precisions)
-- param: sparsity VARCHAR = dense: dense or sparse
-- param: basis VARCHAR = peak: measured (HPL Rmax) or peak (theoretical)
-- param: site_tflops DOUBLE = NULL: the site's figure at this comparison from the store (the page passes perf_claim_check's fleet nameplate); NULL: none
-- param: site_source VARCHAR = NULL: which figure site_tflops is
-- uses: site_beside_peers, peer_compare, peer_label, peer_value_text, peer_figures (queries/definitions/030_context.sql)
-- column: peer_id text: peer id
-- column: peer text: peer
-- column: peer_group text: group — site, top500_nov2025, eu_ai, hyperscale, ... (this site (store) for the store's own row)
-- column: is_site bool: this site (store) — the row is the store's own figure, not an outside one
-- column: metrics text: metric — the reference rows' metric, or the store figure
-- column: stated text: as stated — the value as the source states it; the store's figure written the same way
-- column: precision text: precision — of the figure (equal to the one compared, or empty where missing)
-- column: sparsity text: sparsity — of the figure
-- column: basis text: basis — of the figure: measured or peak
-- column: value_low TFLOPS: low — the lowest lower end of the peer's figures here
-- column: value_high TFLOPS: high — the highest upper end (a range when sources differ; empty for "at least")
-- column: value TFLOPS: value — placed on the chart: the low end, or the high end of an "up to" figure
-- column: derived bool: derived — count × per-chip datasheet peak (or an estimate from it), not stated by a source
-- column: site_share_min ratio: site as share, from — the store's figure / the peer's high end
-- column: site_share_max ratio: site as share, to — the store's figure / the peer's low end
-- column: source_kind text: source kind — primary, press, secondary, derived; "this store" for the site's own row
-- column: source url: source — the first source URL
-- column: sources text: all sources — every URL behind the figure
-- column: confidence text: confidence
-- column: missing text: missing — why there is no figure here, and what the peer publishes instead
SELECT *
FROM site_beside_peers('flops', lower($precision), lower($sparsity), lower($basis), $site_tflops, $site_source,
                       CASE WHEN lower($basis) = 'measured'
                            THEN 'the store holds no HPL run: its delivered FLOPS are an estimate from activity counters, another basis'
                            ELSE 'no ' || peer_label(lower($precision), lower($sparsity), lower($basis)) || ' figure for the store' END)
ORDER BY is_site DESC, value DESC NULLS LAST, peer
