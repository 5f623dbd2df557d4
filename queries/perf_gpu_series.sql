-- title: One GPU over time: delivered FLOPS (estimate), activity counters, GPU_UTIL, clock, power, temperature, XID
-- returns: one row per time bucket: bucket (UTC, bucket start), delivered_tflops (TFLOPS, estimate: mean of activity × min(SM clock / max boost, 1) × dense peak), peak_tflops (TFLOPS, dense nameplate at the precision; NULL = peak unknown), mfu (ratio 0..1), util_pct (%, DCGM_FI_DEV_GPU_UTIL: a kernel was running), tensor_active_pct (%), fp64_active_pct (%), sm_active_pct (%), sm_clock_mhz (MHz), clock_factor (ratio), power_w (W, mean), temp_c (degC, max), xid (last XID code in the bucket, the highest if several; 0 = none), samples
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: bucket_minutes INTEGER = 15: bucket width in minutes
-- param: precision VARCHAR = bf16: numeric precision the work runs at (fp64, tf32, bf16, fp8, fp4)
-- param: gpu_uuid VARCHAR: the GPU (UUID label)
--
-- Drill-down level GPU. Activity counters missing in a bucket give NULL (missing, not zero).
WITH prm AS (
    SELECT CASE WHEN lower($precision) IN ('fp64', 'tf32', 'bf16', 'fp8', 'fp4') THEN lower($precision)
                ELSE error('precision must be one of fp64, tf32, bf16, fp8, fp4, not ' || $precision) END AS p
),
g AS (
    SELECT g.gpu_id, m.max_boost_mhz,
           CASE prm.p WHEN 'fp64' THEN m.fp64_tflops WHEN 'tf32' THEN m.tf32_tflops
                      WHEN 'bf16' THEN m.bf16_tflops WHEN 'fp8' THEN m.fp8_tflops
                      WHEN 'fp4' THEN m.fp4_tflops END AS peak
    FROM gpus g LEFT JOIN gpu_models m ON m.model = g.model, prm
    WHERE g.gpu_uuid = $gpu_uuid
),
s AS (
    SELECT time_bucket(to_minutes($bucket_minutes), s.ts) AS bucket, g.peak, s.*,
           CASE WHEN prm.p = 'fp64' THEN s.fp64_active ELSE s.tensor_active END AS act,
           CASE WHEN g.max_boost_mhz > 0 AND s.sm_clock_mhz IS NOT NULL
                THEN least(s.sm_clock_mhz / g.max_boost_mhz, 1.0) ELSE 1.0 END AS clock_factor
    FROM gpu_samples s JOIN g USING (gpu_id), prm
    WHERE s.ts >= $start AND s.ts < $end
)
SELECT bucket,
       avg(act * clock_factor) * any_value(peak) AS delivered_tflops,
       any_value(peak) AS peak_tflops,
       avg(act * clock_factor) AS mfu,
       avg(util) AS util_pct,
       100 * avg(tensor_active) AS tensor_active_pct,
       100 * avg(fp64_active) AS fp64_active_pct,
       100 * avg(sm_active) AS sm_active_pct,
       avg(sm_clock_mhz) AS sm_clock_mhz,
       avg(clock_factor) AS clock_factor,
       avg(power_w) AS power_w,
       max(temp_c) AS temp_c,
       max(coalesce(xid, 0)) AS xid,
       count(*) AS samples
FROM s
GROUP BY bucket
ORDER BY bucket
