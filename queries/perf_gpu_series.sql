-- title: One GPU over time: delivered FLOPS (estimate), activity counters, GPU_UTIL, clock, power, temperature, XID
-- returns: one row per time bucket: bucket (UTC, bucket start), delivered_tflops (TFLOPS, estimate: mean of activity × min(SM clock / max boost, 1) × dense peak), peak_tflops (TFLOPS, dense nameplate at the precision; NULL = peak unknown), mfu (ratio 0..1), util_pct (%, DCGM_FI_DEV_GPU_UTIL: a kernel was running), tensor_active_pct (%), fp64_active_pct (%), sm_active_pct (%), sm_clock_mhz (MHz), clock_factor (ratio), power_w (W, mean), temp_c (degC, max), xid (last XID code in the bucket, the highest if several; 0 = none), samples
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: bucket_minutes INTEGER = 15: bucket width in minutes
-- param: precision VARCHAR = bf16: numeric precision the work runs at (fp64, tf32, bf16, fp8, fp4)
-- param: gpu_uuid VARCHAR: the GPU (UUID label)
-- uses: gpu_activity (queries/schema/003_performance_macros.sql)
--
-- Drill-down level GPU. Activity counters missing in a bucket give NULL (missing, not zero).
WITH s AS (
    SELECT time_bucket(to_minutes($bucket_minutes), a.ts) AS bucket, a.*
    FROM gpu_activity($start, $end, $precision) a JOIN gpus g USING (gpu_id)
    WHERE g.gpu_uuid = $gpu_uuid
)
SELECT bucket,
       avg(act_eff) * any_value(peak) AS delivered_tflops,
       any_value(peak) AS peak_tflops,
       avg(act_eff) AS mfu,
       avg(util) AS util_pct,
       100 * avg(tensor_active) AS tensor_active_pct,
       100 * avg(fp64_active) AS fp64_active_pct,
       100 * avg(sm_active) AS sm_active_pct,
       avg(sm_clock_mhz) AS sm_clock_mhz,
       avg(clock_factor) AS clock_factor,
       avg(power_w) AS power_w,
       max(temp_c) AS temp_c,
       max(xid) AS xid,
       count(*) AS samples
FROM s
GROUP BY bucket
ORDER BY bucket
