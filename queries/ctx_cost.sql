-- title: Cost per PFLOPS where an investment figure exists, at one precision, sparsity and basis
-- returns: one row per peer in the reference data with an investment figure (the site's own public figures among them), largest investment first
-- param: precision VARCHAR = bf16: precision compared
-- param: sparsity VARCHAR = dense: dense or sparse
-- param: basis VARCHAR = peak: measured (HPL Rmax) or peak (theoretical)
-- uses: peer_figures, peer_label, peer_compare (queries/definitions/030_context.sql)
-- column: peer_id text: peer id
-- column: peer text: peer
-- column: peer_group text: group
-- column: investment_stated text: investment as stated
-- column: investment_low EUR: investment, low
-- column: investment_high EUR: investment, high — empty for "more than"
-- column: investment_source_kind text: investment source kind
-- column: investment_source url: investment source — URL
-- column: flops_stated text: FLOPS as stated — the peer's figure at this comparison (from the reference data, as ctx_flops)
-- column: flops_low TFLOPS: FLOPS, low
-- column: flops_high TFLOPS: FLOPS, high
-- column: flops_derived bool: FLOPS derived — count × per-chip datasheet peak, not stated by a source
-- column: flops_source_kind text: FLOPS source kind
-- column: flops_source url: FLOPS source — URL
-- column: cost_low EUR/PFLOPS: cost per PFLOPS, from — investment low / FLOPS high (derived here)
-- column: cost_high EUR/PFLOPS: cost per PFLOPS, to — investment high / FLOPS low (derived here)
-- column: missing text: missing — why there is no cost per PFLOPS
--
-- Both figures come from the reference data, so both describe the same build as announced; the
-- store's nameplate covers the GPUs loaded in it, which may be a part of the site, and is not
-- divided into the site's investment. What an investment covers (building, power, GPUs, years
-- of operation) differs between peers: see each source.
WITH inv AS (
    SELECT * FROM peer_compare('investment', NULL, NULL, NULL, NULL) WHERE value IS NOT NULL
),
fl AS (
    SELECT * FROM peer_compare('flops', lower($precision), lower($sparsity), lower($basis), NULL)
)
SELECT inv.peer_id, inv.peer, inv.peer_group,
       inv.stated AS investment_stated, inv.value_low AS investment_low, inv.value_high AS investment_high,
       inv.source_kind AS investment_source_kind, inv.source AS investment_source,
       fl.stated AS flops_stated, fl.value_low AS flops_low, fl.value_high AS flops_high,
       fl.derived AS flops_derived, fl.source_kind AS flops_source_kind, fl.source AS flops_source,
       inv.value_low / nullif(fl.value_high / 1e3, 0) AS cost_low,
       inv.value_high / nullif(fl.value_low / 1e3, 0) AS cost_high,
       CASE WHEN fl.value IS NULL THEN fl.missing
            WHEN inv.value_high IS NULL OR fl.value_low IS NULL THEN 'open-ended figure: only one end of the range is known'
       END AS missing
FROM inv JOIN fl USING (peer_id)
ORDER BY inv.value DESC, inv.peer
