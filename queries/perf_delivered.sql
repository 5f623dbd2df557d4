-- title: Delivered FLOPS over time (estimate from activity counters), against nameplate and GPU_UTIL
-- returns: one row per time bucket
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: bucket_minutes INTEGER = 60: bucket width in minutes
-- param: precision VARCHAR = bf16: numeric precision the work runs at (fp64, tf32, bf16, fp8, fp4); fp64 uses the FP64-pipe counter, the others the tensor-pipe counter
-- uses: gpu_activity (queries/definitions/010_performance.sql)
-- column: bucket UTC: bucket start — bucket start
-- column: delivered_tflops TFLOPS: delivered, est. — estimate: per GPU the bucket mean of activity × min(SM clock / max boost, 1) × dense peak at the precision, summed over GPUs
-- column: peak_tflops TFLOPS: nameplate — dense nameplate of the GPUs counted in delivered_tflops
-- column: mfu ratio: MFU, est. — delivered / peak
-- column: mfu_pct %: MFU, est. — mfu × 100, to chart next to the other percentages
-- column: util_pct %: GPU_UTIL, busy — mean DCGM_FI_DEV_GPU_UTIL: a kernel was running
-- column: tensor_active_pct %: tensor active — mean DCGM_FI_PROF_PIPE_TENSOR_ACTIVE × 100
-- column: gpus_reporting count: GPUs reporting — GPUs with a sample in the bucket
-- column: gpus_without_counters count: without counters — reporting GPUs without the activity counter for the precision: not counted, not zero
-- column: gpus_peak_unknown count: peak unknown — reporting GPUs whose model has no catalog peak at the precision
--
-- Delivered FLOPS are an estimate (arXiv 2605.20799, "OFU"; docs/performance.md):
-- activity × clock factor × dense peak. The clock factor is 1 where the catalog has no max boost
-- clock or the sample has no SM clock.
WITH per_gpu AS (
    SELECT time_bucket(to_minutes($bucket_minutes), ts) AS bucket, gpu_id, peak,
           avg(act_eff) AS act_eff, count(act) AS n_act,
           avg(util) AS util,
           avg(tensor_active) AS tensor_active
    FROM gpu_activity($start, $end, $precision)
    GROUP BY ALL
)
SELECT bucket,
       sum(act_eff * peak) AS delivered_tflops,
       sum(peak) FILTER (WHERE n_act > 0) AS peak_tflops,
       sum(act_eff * peak) / nullif(sum(peak) FILTER (WHERE n_act > 0), 0) AS mfu,
       100 * sum(act_eff * peak) / nullif(sum(peak) FILTER (WHERE n_act > 0), 0) AS mfu_pct,
       avg(util) AS util_pct,
       100 * avg(tensor_active) AS tensor_active_pct,
       count(*) AS gpus_reporting,
       count(*) FILTER (WHERE n_act = 0) AS gpus_without_counters,
       count(*) FILTER (WHERE peak IS NULL) AS gpus_peak_unknown
FROM per_gpu
GROUP BY bucket
ORDER BY bucket
