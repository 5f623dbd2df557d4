-- title: Utilization heatmap: racks by time bucket (GPU_UTIL "busy" and tensor activity "useful")
-- returns: one row per rack and time bucket: pod, rack, bucket (UTC, bucket start), bucket_end (UTC, exclusive), util_pct (%, mean DCGM_FI_DEV_GPU_UTIL: a kernel was running), tensor_active_pct (%, mean tensor-pipe activity × 100, GPUs with the counter), delivered_tflops (TFLOPS, estimate, summed over the rack's GPUs), mfu (ratio 0..1), gpus_reporting, gpus_without_counters
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: bucket_minutes INTEGER = 60: bucket width in minutes
-- param: precision VARCHAR = bf16: numeric precision the work runs at (fp64, tf32, bf16, fp8, fp4)
-- param: pod VARCHAR = NULL: only the racks of this pod (default: every rack)
WITH prm AS (
    SELECT CASE WHEN lower($precision) IN ('fp64', 'tf32', 'bf16', 'fp8', 'fp4') THEN lower($precision)
                ELSE error('precision must be one of fp64, tf32, bf16, fp8, fp4, not ' || $precision) END AS p
),
g AS (
    SELECT g.gpu_id, g.pod, g.rack, m.max_boost_mhz,
           CASE prm.p WHEN 'fp64' THEN m.fp64_tflops WHEN 'tf32' THEN m.tf32_tflops
                      WHEN 'bf16' THEN m.bf16_tflops WHEN 'fp8' THEN m.fp8_tflops
                      WHEN 'fp4' THEN m.fp4_tflops END AS peak
    FROM gpus g LEFT JOIN gpu_models m ON m.model = g.model, prm
    WHERE $pod IS NULL OR g.pod = $pod
),
per_gpu AS (
    SELECT time_bucket(to_minutes($bucket_minutes), s.ts) AS bucket, s.gpu_id,
           any_value(g.pod) AS pod, any_value(g.rack) AS rack, any_value(g.peak) AS peak,
           avg(CASE WHEN prm.p = 'fp64' THEN s.fp64_active ELSE s.tensor_active END
               * CASE WHEN g.max_boost_mhz > 0 AND s.sm_clock_mhz IS NOT NULL
                      THEN least(s.sm_clock_mhz / g.max_boost_mhz, 1.0) ELSE 1.0 END) AS act_eff,
           count(CASE WHEN prm.p = 'fp64' THEN s.fp64_active ELSE s.tensor_active END) AS n_act,
           avg(s.util) AS util, avg(s.tensor_active) AS tensor_active
    FROM gpu_samples s JOIN g USING (gpu_id), prm
    WHERE s.ts >= $start AND s.ts < $end
    GROUP BY 1, 2
)
SELECT pod, rack, bucket, bucket + to_minutes($bucket_minutes) AS bucket_end,
       avg(util) AS util_pct,
       100 * avg(tensor_active) AS tensor_active_pct,
       sum(act_eff * peak) AS delivered_tflops,
       sum(act_eff * peak) / nullif(sum(peak) FILTER (WHERE n_act > 0), 0) AS mfu,
       count(*) AS gpus_reporting,
       count(*) FILTER (WHERE n_act = 0) AS gpus_without_counters
FROM per_gpu
GROUP BY pod, rack, bucket, bucket_end
ORDER BY pod, rack, bucket
