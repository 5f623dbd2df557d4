-- title: Utilization heatmap: pods by time bucket (GPU_UTIL "busy" and tensor activity "useful"); pick a pod for its racks (perf_rack_heatmap)
-- returns: one row per pod and time bucket
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: bucket_minutes INTEGER = 60: bucket width in minutes
-- param: precision VARCHAR = bf16: numeric precision the work runs at (fp64, tf32, bf16, fp8, fp4)
-- uses: gpu_fleet_intervals (queries/definitions/010_performance.sql)
-- column: pod text: pod
-- column: bucket UTC: bucket start
-- column: bucket_end UTC: bucket end — exclusive
-- column: util_pct %: GPU_UTIL, busy — mean DCGM_FI_DEV_GPU_UTIL: a kernel was running
-- column: tensor_active_pct %: tensor active — mean tensor-pipe activity × 100, GPUs with the counter
-- column: delivered_tflops TFLOPS: delivered, est. — estimate, summed over the pod's GPUs, mean over the bucket's 5-minute intervals
-- column: mfu ratio: MFU, est.
-- column: racks count: racks — most racks reporting in one 5-minute interval of the bucket
-- column: gpus_reporting count: GPUs reporting — most in one 5-minute interval of the bucket
-- column: gpus_without_counters count: without counters — most reporting GPUs without the activity counter for the precision in one interval
--
-- The fleet level of the heatmap drill-down: the same arithmetic as perf_rack_heatmap (per 5-minute
-- interval from the rollups, then the mean over a bucket's intervals), one row per pod.
WITH iv AS (
    SELECT bucket, coalesce(pod, '(no pod)') AS pod,
           sum(util_mean_sum) / nullif(sum(util_gpus), 0) AS util,
           sum(tensor_mean_sum) / nullif(sum(tensor_gpus), 0) AS tensor,
           sum(delivered_tflops) AS delivered, sum(counted_peak_tflops) AS counted_peak,
           sum(racks) AS racks, sum(gpus) AS gpus, sum(gpus) - sum(act_gpus) AS without_counters
    FROM gpu_fleet_intervals($start, $end, $precision, 'pod', NULL)
    GROUP BY ALL
)
SELECT pod, time_bucket(to_minutes($bucket_minutes), bucket) AS bucket,
       time_bucket(to_minutes($bucket_minutes), bucket) + to_minutes($bucket_minutes) AS bucket_end,
       avg(util) AS util_pct,
       100 * avg(tensor) AS tensor_active_pct,
       avg(delivered) AS delivered_tflops,
       avg(delivered) / nullif(avg(counted_peak), 0) AS mfu,
       max(racks) AS racks,
       max(gpus) AS gpus_reporting,
       max(without_counters) AS gpus_without_counters
FROM iv
GROUP BY 1, 2, 3
ORDER BY 1, 2
