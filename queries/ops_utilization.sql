-- title: GPU utilization over time by pod
-- returns: one row per bucket and pod (5-minute resolution at best)
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: bucket_minutes INTEGER = 60: bucket width in minutes
-- uses: gpu_fleet_intervals (queries/definitions/010_performance.sql)
-- column: bucket UTC: bucket start
-- column: pod text: pod
-- column: util_pct %: GPU_UTIL, busy — mean DCGM_FI_DEV_GPU_UTIL, %: a kernel was running
-- column: tensor_active_pct %: tensor active — mean tensor-pipe activity, %; GPUs without the counter left out
-- column: gpus count: GPUs reporting — most GPUs of the pod with a sample in one 5-minute interval of the bucket
-- column: gpus_without_counters count: without counters — most reporting GPUs of the pod without the tensor-pipe counter in one interval
--
-- Per 5-minute interval and pod: the mean of the GPUs' interval means (gpu_fleet_intervals); a
-- bucket's value is the mean over its intervals with data.
WITH iv AS (
    SELECT bucket, coalesce(pod, '(no pod)') AS pod,
           sum(util_mean_sum) / nullif(sum(util_gpus), 0) AS util,
           sum(tensor_mean_sum) / nullif(sum(tensor_gpus), 0) AS tensor,
           sum(gpus) AS gpus, sum(gpus) - sum(tensor_gpus) AS without_counters
    FROM gpu_fleet_intervals($start, $end, 'bf16')
    GROUP BY ALL
)
SELECT time_bucket(to_minutes($bucket_minutes), bucket) AS bucket, pod,
       avg(util) AS util_pct,
       100 * avg(tensor) AS tensor_active_pct,
       max(gpus) AS gpus,
       max(without_counters) AS gpus_without_counters
FROM iv
GROUP BY 1, 2
ORDER BY 1, 2
