-- title: Utilization heatmap: racks by time bucket (GPU_UTIL "busy" and tensor activity "useful")
-- returns: one row per rack and time bucket
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: bucket_minutes INTEGER = 60: bucket width in minutes
-- param: precision VARCHAR = bf16: numeric precision the work runs at (fp64, tf32, bf16, fp8, fp4)
-- param: pod VARCHAR = NULL: only the racks of this pod (default: every rack)
-- uses: gpu_fleet_intervals (queries/definitions/010_performance.sql)
-- column: pod text: pod
-- column: rack text: rack
-- column: bucket UTC: bucket start
-- column: bucket_end UTC: bucket end — exclusive
-- column: util_pct %: GPU_UTIL, busy — mean DCGM_FI_DEV_GPU_UTIL: a kernel was running
-- column: tensor_active_pct %: tensor active — mean tensor-pipe activity × 100, GPUs with the counter
-- column: delivered_tflops TFLOPS: delivered, est. — estimate, summed over the rack's GPUs, mean over the bucket's 5-minute intervals
-- column: mfu ratio: MFU, est.
-- column: gpus_reporting count: GPUs reporting
-- column: gpus_without_counters count: without counters
--
-- Per 5-minute interval and rack (gpu_fleet_intervals); a bucket's value is the mean over its
-- intervals with data.
WITH iv AS (
    SELECT bucket, pod, rack,
           sum(util_mean_sum) / nullif(sum(util_gpus), 0) AS util,
           sum(tensor_mean_sum) / nullif(sum(tensor_gpus), 0) AS tensor,
           sum(delivered_tflops) AS delivered, sum(counted_peak_tflops) AS counted_peak,
           sum(gpus) AS gpus, sum(gpus) - sum(act_gpus) AS without_counters
    FROM gpu_fleet_intervals($start, $end, $precision, 'rack', $pod)
    GROUP BY ALL
)
SELECT pod, rack, time_bucket(to_minutes($bucket_minutes), bucket) AS bucket,
       time_bucket(to_minutes($bucket_minutes), bucket) + to_minutes($bucket_minutes) AS bucket_end,
       avg(util) AS util_pct,
       100 * avg(tensor) AS tensor_active_pct,
       avg(delivered) AS delivered_tflops,
       avg(delivered) / nullif(avg(counted_peak), 0) AS mfu,
       max(gpus) AS gpus_reporting,
       max(without_counters) AS gpus_without_counters
FROM iv
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3
