-- title: Claim check: the fleet's nameplate peak at every precision next to the target, and GPUs of each catalog model needed to meet it
-- returns: one row per precision (fp64, tf32, bf16, fp8, fp4) for the fleet (scope = fleet, model = fleet mix) and one per precision and catalog model (scope = model)
-- param: target_tflops DOUBLE = 500000: the target in TFLOPS (0.5 EF = 500,000 TFLOPS)
-- param: precision VARCHAR = bf16: the configured target's precision, marked in is_target_precision
-- column: precision text: precision — fp64, tf32, bf16, fp8, fp4
-- column: is_target_precision bool: target's precision — BOOLEAN, the configured target's precision
-- column: scope text: scope
-- column: model text: model — scope = model
-- column: gpus count: GPUs — inventory GPUs of the model, or the whole inventory
-- column: gpus_peak_unknown count: peak unknown — of those, no catalog peak at the precision
-- column: per_gpu_dense_tflops TFLOPS: per GPU, dense — TFLOPS per GPU, dense; the fleet row gives the mean over GPUs of known peak
-- column: per_gpu_sparse_tflops TFLOPS: per GPU, sparse — TFLOPS per GPU with 2:4 sparsity: 2 × dense, FP4 × fp4_sparse_factor; NULL at FP64, which has no sparse figure
-- column: peak_dense_tflops TFLOPS: nameplate, dense — nameplate of those GPUs, dense
-- column: peak_sparse_tflops TFLOPS: nameplate, sparse — sparse
-- column: target_tflops TFLOPS: target
-- column: dense_target_ratio ratio: dense peak / target — peak dense / target
-- column: met_dense bool: met, dense — BOOLEAN, fleet rows only: dense nameplate ≥ target
-- column: met_sparse bool: met, sparse — BOOLEAN, fleet rows only: sparse nameplate ≥ target; NULL without a sparse figure
-- column: gpus_needed_dense count: GPUs needed, dense — GPUs of the model, or of the fleet's mix, whose dense nameplate reaches the target
-- column: gpus_needed_sparse count: GPUs needed, sparse — same, sparse
-- column: target_per_gpu_tflops TFLOPS: target per GPU — fleet rows: the target / GPUs in the inventory; what each GPU would have to deliver
-- column: target_share_dense ratio: target / dense — target / dense nameplate: the MFU at which the target is delivered, dense
-- column: target_share_sparse ratio: target / sparse — target / sparse nameplate; NULL at FP64
-- column: reading text: reading — fleet rows: 'above nameplate' (the target exceeds the nameplate, dense and sparse), 'matches dense' or 'matches sparse' (the nameplate is within 20 % of the target: 0.8 ≤ nameplate / target ≤ 1.2), 'below nameplate'
-- column: source text: source — datasheet of the figures
--
-- The claim's plausibility: the target per GPU and as a share of the nameplate at each precision,
-- read by dashboard/metrics/claim.py into one sentence (a target far below every tensor
-- precision's nameplate and above FP64's matches none: a measured or sustained figure).
-- "On paper": nameplate peaks from the catalog (queries/reference/gpu_models.csv), never measured.
-- GPUs of a model missing from the catalog are counted in gpus_peak_unknown and add nothing.
WITH precisions(precision, ord) AS (
    VALUES ('fp64', 1), ('tf32', 2), ('bf16', 3), ('fp8', 4), ('fp4', 5)
),
model_peaks AS (
    SELECT m.model, m.source, pr.precision, pr.ord,
           CASE pr.precision WHEN 'fp64' THEN m.fp64_tflops WHEN 'tf32' THEN m.tf32_tflops
                             WHEN 'bf16' THEN m.bf16_tflops WHEN 'fp8' THEN m.fp8_tflops
                             WHEN 'fp4' THEN m.fp4_tflops END AS dense,
           CASE pr.precision WHEN 'fp64' THEN NULL
                             WHEN 'tf32' THEN 2 * m.tf32_tflops
                             WHEN 'bf16' THEN 2 * m.bf16_tflops
                             WHEN 'fp8' THEN 2 * m.fp8_tflops
                             WHEN 'fp4' THEN coalesce(m.fp4_sparse_factor, 2) * m.fp4_tflops END AS sparse
    FROM gpu_models m, precisions pr
),
inventory AS (
    SELECT g.model, pr.precision, pr.ord, mp.dense, mp.sparse
    FROM gpus g CROSS JOIN precisions pr
    LEFT JOIN model_peaks mp ON mp.model = g.model AND mp.precision = pr.precision
),
fleet AS (
    SELECT precision, any_value(ord) AS ord, 'fleet' AS scope, 'fleet mix' AS model,
           count(*) AS gpus, count(*) FILTER (WHERE dense IS NULL) AS gpus_peak_unknown,
           avg(dense) AS per_gpu_dense_tflops, avg(sparse) AS per_gpu_sparse_tflops,
           coalesce(sum(dense), 0) AS peak_dense_tflops, sum(sparse) AS peak_sparse_tflops,
           NULL::VARCHAR AS source
    FROM inventory GROUP BY precision
),
models AS (
    SELECT mp.precision, mp.ord, 'model' AS scope, mp.model,
           count(g.gpu_id) AS gpus,
           CASE WHEN mp.dense IS NULL THEN count(g.gpu_id) ELSE 0 END AS gpus_peak_unknown,
           mp.dense AS per_gpu_dense_tflops, mp.sparse AS per_gpu_sparse_tflops,
           coalesce(count(g.gpu_id) * mp.dense, 0) AS peak_dense_tflops,
           count(g.gpu_id) * mp.sparse AS peak_sparse_tflops,
           mp.source
    FROM model_peaks mp LEFT JOIN gpus g ON g.model = mp.model
    GROUP BY mp.precision, mp.ord, mp.model, mp.dense, mp.sparse, mp.source
),
rows_ AS (SELECT * FROM fleet UNION ALL BY NAME SELECT * FROM models)
SELECT precision, precision = lower($precision) AS is_target_precision, scope, model, gpus,
       gpus_peak_unknown, per_gpu_dense_tflops, per_gpu_sparse_tflops,
       peak_dense_tflops, peak_sparse_tflops,
       $target_tflops AS target_tflops,
       peak_dense_tflops / $target_tflops AS dense_target_ratio,
       CASE WHEN scope = 'fleet' THEN peak_dense_tflops >= $target_tflops END AS met_dense,
       CASE WHEN scope = 'fleet' THEN peak_sparse_tflops >= $target_tflops END AS met_sparse,
       CAST(ceil($target_tflops / nullif(per_gpu_dense_tflops, 0)) AS BIGINT) AS gpus_needed_dense,
       CAST(ceil($target_tflops / nullif(per_gpu_sparse_tflops, 0)) AS BIGINT) AS gpus_needed_sparse,
       CASE WHEN scope = 'fleet' THEN $target_tflops / nullif(gpus, 0) END AS target_per_gpu_tflops,
       $target_tflops / nullif(peak_dense_tflops, 0) AS target_share_dense,
       $target_tflops / nullif(peak_sparse_tflops, 0) AS target_share_sparse,
       CASE WHEN scope <> 'fleet' OR peak_dense_tflops = 0 THEN NULL
            WHEN peak_dense_tflops / $target_tflops BETWEEN 0.8 AND 1.2 THEN 'matches dense'
            WHEN peak_sparse_tflops / $target_tflops BETWEEN 0.8 AND 1.2 THEN 'matches sparse'
            WHEN greatest(peak_dense_tflops, coalesce(peak_sparse_tflops, 0)) < $target_tflops THEN 'above nameplate'
            ELSE 'below nameplate' END AS reading,
       source
FROM rows_
ORDER BY ord, scope, model
