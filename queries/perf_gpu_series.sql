-- title: One GPU over time: delivered FLOPS (estimate), activity counters, GPU_UTIL, clock, power, temperature, XID
-- returns: one row per time bucket
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: bucket_minutes INTEGER = 15: bucket width in minutes
-- param: precision VARCHAR = bf16: numeric precision the work runs at (fp64, tf32, bf16, fp8, fp4)
-- param: gpu_uuid VARCHAR: the GPU (UUID label)
-- uses: gpu_activity (queries/definitions/010_performance.sql)
-- column: bucket UTC: bucket start
-- column: delivered_tflops TFLOPS: delivered, est. — estimate: mean of activity × min(SM clock / max boost, 1) × dense peak
-- column: peak_tflops TFLOPS: nameplate — dense nameplate at the precision; NULL = peak unknown
-- column: mfu ratio: MFU, est.
-- column: util_pct %: GPU_UTIL, busy — DCGM_FI_DEV_GPU_UTIL: a kernel was running
-- column: tensor_active_pct %: tensor active
-- column: fp64_active_pct %: FP64 active
-- column: sm_active_pct %: SM active
-- column: sm_clock_mhz MHz: SM clock
-- column: clock_factor 1: clock factor
-- column: power_w W: power — mean
-- column: temp_c degC: temperature — max
-- column: xid count: XID code — last XID code in the bucket, the highest if several; 0 = none
-- column: samples count: samples
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
