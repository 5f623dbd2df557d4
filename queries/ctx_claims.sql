-- title: The claim among peers: the target placed at one precision and sparsity beside the peers' stated and measured FLOPS figures
-- returns: the claim (the configured target) first, then every stated or measured peer FLOPS figure at the precision, and every claim that names no precision or sparsity; placed says which of them stand on the chart
-- param: precision VARCHAR = bf16: precision the claim is placed at
-- param: sparsity VARCHAR = dense: dense or sparse
-- param: target_tflops DOUBLE = 500000: the claim in TFLOPS (the configured target; 0.5 EF = 500,000 TFLOPS)
-- uses: peer_figures, peer_value_text (queries/definitions/030_context.sql)
-- column: row_id text: row id — the reference row; "(claim)" for the configured target
-- column: peer text: peer
-- column: peer_group text: group
-- column: metric text: metric
-- column: basis text: basis — stated (a claim or target) or measured (an HPL run)
-- column: precision text: precision — as stated; the claim takes the precision it is placed at
-- column: sparsity text: sparsity — as stated
-- column: stated text: as stated — the value as the source states it
-- column: value_low TFLOPS: low
-- column: value_high TFLOPS: high
-- column: value TFLOPS: value — placed on the chart: the low end, or the high end of an "up to" figure
-- column: claim_ratio 1: × the claim — value / the claim
-- column: placed bool: placed — stated or measured at exactly this precision and sparsity; the others are listed, not placed
-- column: not_placed text: why not placed
-- column: derived bool: derived
-- column: source_kind text: source kind — "settings" for the configured target
-- column: source url: source — the first source URL
-- column: confidence text: confidence
-- column: note text: note
WITH f AS (
    SELECT * FROM peer_figures
    WHERE quantity = 'flops' AND basis IN ('stated', 'measured')
      AND (precision = lower($precision) OR precision IS NULL OR sparsity IS NULL)
),
rows_ AS (
    SELECT row_id, peer, peer_group, metric, basis, precision, sparsity,
           value || ' ' || unit || coalesce(' (' || unit_note || ')', '') AS stated,
           low AS value_low, high AS value_high, coalesce(low, high) AS value,
           coalesce(precision = lower($precision) AND sparsity = lower($sparsity) AND coalesce(low, high) IS NOT NULL, false) AS placed,
           CASE WHEN coalesce(low, high) IS NULL THEN 'not a FLOPS number'
                WHEN precision IS NULL THEN 'precision not stated'
                WHEN precision <> lower($precision) THEN 'stated at ' || upper(precision)
                WHEN sparsity IS NULL THEN 'sparsity not stated'
                WHEN sparsity <> lower($sparsity) THEN 'stated ' || sparsity || ', not ' || lower($sparsity)
           END AS not_placed,
           derived, source_kind, url AS source, confidence, note
    FROM f
    -- a figure at another precision whose sparsity is unknown belongs to that precision, not here
    WHERE precision IS NULL OR precision = lower($precision)
)
SELECT '(claim)' AS row_id, 'The claim (configured target)' AS peer, 'this site (claim)' AS peer_group,
       'target' AS metric, 'stated' AS basis, lower($precision) AS precision, lower($sparsity) AS sparsity,
       peer_value_text('flops', $target_tflops) AS stated,
       $target_tflops AS value_low, $target_tflops AS value_high, $target_tflops AS value, 1.0 AS claim_ratio,
       true AS placed, NULL::VARCHAR AS not_placed, false AS derived, 'settings' AS source_kind,
       NULL::VARCHAR AS source, NULL::VARCHAR AS confidence,
       'the configured target, placed at the precision and sparsity chosen on the page' AS note
UNION ALL
SELECT row_id, peer, peer_group, metric, basis, precision, sparsity, stated, value_low, value_high, value,
       value / $target_tflops, placed, not_placed, derived, source_kind, source, confidence, note
FROM rows_
ORDER BY row_id <> '(claim)', placed DESC, value DESC NULLS LAST, peer, row_id
