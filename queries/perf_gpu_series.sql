-- title: One GPU over time: delivered FLOPS (estimate), activity counters, GPU_UTIL, clock, power, temperature, XID
-- returns: one row per time bucket
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: bucket_minutes INTEGER = 15: bucket width in minutes
-- param: precision VARCHAR = bf16: numeric precision the work runs at (fp64, tf32, bf16, fp8, fp4)
-- param: gpu_uuid VARCHAR: the GPU (UUID label)
-- uses: gpu_activity, gpu_hours, gpu_peaks, perf_precision (queries/definitions/010_performance.sql)
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
-- Buckets of whole hours (60 minutes and more: the pages' ranges of about four days or longer) are
-- summed from the GPU's hourly rollups (gpu_hours: sums and counts, so every mean is the mean over
-- the samples; XID codes from gpu_xid_events); shorter buckets read its samples.
WITH g AS (SELECT gpu_id FROM gpus WHERE gpu_uuid = $gpu_uuid),
prm AS (SELECT perf_precision($precision) AS p),
peak AS (SELECT any_value(p.peak) AS peak FROM gpu_peaks($precision) p SEMI JOIN g USING (gpu_id)),
hourly AS (
    SELECT time_bucket(to_minutes($bucket_minutes), h.bucket) AS bucket,
           sum(CASE WHEN prm.p = 'fp64' THEN h.fp64_eff_sum ELSE h.tensor_eff_sum END)
               / nullif(sum(CASE WHEN prm.p = 'fp64' THEN h.fp64_n ELSE h.tensor_n END), 0) AS act_eff,
           sum(h.util_sum) / nullif(sum(h.util_n), 0) AS util,
           sum(h.tensor_sum) / nullif(sum(h.tensor_n), 0) AS tensor_active,
           sum(h.fp64_sum) / nullif(sum(h.fp64_n), 0) AS fp64_active,
           sum(h.sm_sum) / nullif(sum(h.sm_n), 0) AS sm_active,
           sum(h.clock_sum) / nullif(sum(h.clock_n), 0) AS sm_clock_mhz,
           sum(h.cf_sum) / sum(h.n) AS clock_factor,
           sum(h.power_sum) / nullif(sum(h.power_n), 0) AS power_w,
           max(h.temp_max) AS temp_c, sum(h.n)::BIGINT AS samples
    FROM gpu_hours($start, CASE WHEN $bucket_minutes % 60 = 0 THEN $end ELSE $start END) h SEMI JOIN g USING (gpu_id), prm
    GROUP BY 1
),
xid AS (
    SELECT time_bucket(to_minutes($bucket_minutes), x.ts) AS bucket, max(x.code) AS xid
    FROM gpu_xid_events x SEMI JOIN g USING (gpu_id)
    WHERE x.ts >= $start AND x.ts < CASE WHEN $bucket_minutes % 60 = 0 THEN $end ELSE $start END
    GROUP BY 1
),
s AS (
    SELECT time_bucket(to_minutes($bucket_minutes), a.ts) AS bucket, a.*
    FROM gpu_activity($start, CASE WHEN $bucket_minutes % 60 = 0 THEN $start ELSE $end END, $precision) a
    SEMI JOIN g USING (gpu_id)
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
UNION ALL
SELECT h.bucket, h.act_eff * peak.peak, peak.peak, h.act_eff, h.util, 100 * h.tensor_active, 100 * h.fp64_active,
       100 * h.sm_active, h.sm_clock_mhz, h.clock_factor, h.power_w, h.temp_c, coalesce(x.xid, 0), h.samples
FROM hourly h LEFT JOIN xid x USING (bucket), peak
ORDER BY bucket
