-- title: Delivered FLOPS over time (estimate from activity counters), against nameplate and GPU_UTIL
-- returns: one row per time bucket (5-minute resolution at best)
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: bucket_minutes INTEGER = 60: bucket width in minutes
-- param: precision VARCHAR = bf16: numeric precision the work runs at (fp64, tf32, bf16, fp8, fp4); fp64 uses the FP64-pipe counter, the others the tensor-pipe counter
-- uses: gpu_fleet_intervals (queries/definitions/010_performance.sql)
-- column: bucket UTC: bucket start
-- column: delivered_tflops TFLOPS: delivered, est. — estimate: mean over the bucket's 5-minute intervals of Σ over GPUs of (interval mean of activity × min(SM clock / max boost, 1)) × dense peak at the precision
-- column: peak_tflops TFLOPS: nameplate — mean over the intervals of the dense nameplate of the GPUs counted in delivered_tflops
-- column: mfu ratio: MFU, est. — delivered / peak
-- column: mfu_pct %: MFU, est. — mfu × 100, to chart next to the other percentages
-- column: util_pct %: GPU_UTIL, busy — mean over the intervals of the mean over GPUs of DCGM_FI_DEV_GPU_UTIL: a kernel was running
-- column: tensor_active_pct %: tensor active — likewise DCGM_FI_PROF_PIPE_TENSOR_ACTIVE × 100
-- column: gpus_reporting count: GPUs reporting — most GPUs with a sample in one 5-minute interval of the bucket
-- column: gpus_without_counters count: without counters — most reporting GPUs without the activity counter for the precision in one interval: not counted, not zero
-- column: gpus_peak_unknown count: peak unknown — most reporting GPUs whose model has no catalog peak at the precision in one interval
--
-- Delivered FLOPS are an estimate (arXiv 2605.20799, "OFU"; docs/performance.md): activity × clock
-- factor × dense peak. Read at 5-minute resolution: per interval, each GPU's mean over its samples,
-- summed over the fleet (gpu_fleet_intervals, from the stored 5-minute rollups); a bucket's value is
-- the mean over its intervals with data.
WITH iv AS (
    SELECT bucket,
           sum(delivered_tflops) AS delivered,
           sum(counted_peak_tflops) AS counted_peak,
           sum(util_mean_sum) / nullif(sum(util_gpus), 0) AS util,
           sum(tensor_mean_sum) / nullif(sum(tensor_gpus), 0) AS tensor,
           sum(gpus) AS gpus,
           sum(gpus) - sum(act_gpus) AS without_counters,
           coalesce(sum(gpus) FILTER (WHERE peak IS NULL), 0) AS peak_unknown
    FROM gpu_fleet_intervals($start, $end, $precision, 'pod', NULL)
    GROUP BY bucket
)
SELECT time_bucket(to_minutes($bucket_minutes), bucket) AS bucket,
       avg(delivered) AS delivered_tflops,
       avg(counted_peak) AS peak_tflops,
       avg(delivered) / nullif(avg(counted_peak), 0) AS mfu,
       100 * avg(delivered) / nullif(avg(counted_peak), 0) AS mfu_pct,
       avg(util) AS util_pct,
       100 * avg(tensor) AS tensor_active_pct,
       max(gpus) AS gpus_reporting,
       max(without_counters) AS gpus_without_counters,
       max(peak_unknown) AS gpus_peak_unknown
FROM iv
GROUP BY 1
ORDER BY 1
