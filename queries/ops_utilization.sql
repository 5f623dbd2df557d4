-- title: GPU utilization over time by pod
-- returns: one row per bucket and pod
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: bucket_minutes INTEGER = 60: bucket width in minutes
-- column: bucket UTC: bucket start — UTC start
-- column: pod text: pod
-- column: util_pct %: GPU_UTIL, busy — mean DCGM_FI_DEV_GPU_UTIL, %: a kernel was running
-- column: tensor_active_pct %: tensor active — mean tensor-pipe activity, %; GPUs without the counter left out
-- column: gpus count: GPUs — reporting
-- column: gpus_without_counters count: without counters
SELECT time_bucket(to_minutes($bucket_minutes), s.ts) AS bucket,
       coalesce(g.pod, '(no pod)')                      AS pod,
       avg(s.util)                                      AS util_pct,
       avg(s.tensor_active) * 100                       AS tensor_active_pct,
       count(DISTINCT s.gpu_id)                         AS gpus,
       count(DISTINCT s.gpu_id) FILTER (WHERE s.tensor_active IS NULL) AS gpus_without_counters
FROM gpu_samples s JOIN gpus g USING (gpu_id)
WHERE s.ts >= $start AND s.ts < $end
GROUP BY ALL
ORDER BY bucket, pod
