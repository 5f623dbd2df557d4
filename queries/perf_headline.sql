-- title: Performance headline: delivered FLOPS (estimate) against the target and the nameplate peak
-- returns: one row: gpus_inventory (GPUs in the inventory), gpus_reporting (GPUs with a sample in the range), gpus_peak_unknown (inventory GPUs whose model has no catalog peak at the precision: shown as peak unknown, not dropped), gpus_without_counters (reporting GPUs with no activity counter for the precision in the range: not counted, not zero), gpus_counted (reporting GPUs with the counter and a known peak: the GPUs the estimate sums), peak_tflops (TFLOPS, dense nameplate at the precision of the inventory GPUs of known peak), counted_peak_tflops (TFLOPS, mean over buckets of the nameplate of the GPUs counted in the estimate), delivered_tflops (TFLOPS, estimate: mean over the range's buckets of the fleet's delivered FLOPS, as perf_delivered), delivered_max_tflops (TFLOPS, best bucket), mfu (ratio 0..1, delivered_tflops / counted_peak_tflops), nameplate_share (ratio, delivered_tflops / peak_tflops, GPUs without counters counting as 0), target_tflops (TFLOPS), target_share (ratio, delivered_tflops / target_tflops), util_pct (%, mean DCGM_FI_DEV_GPU_UTIL per GPU: a kernel was running), tensor_active_pct (%, mean tensor-pipe activity × 100), idle_gpus (GPUs idle by the rule of perf_idle_gpus), idle_gpus_now (of those, idle at their last sample), idle_peak_tflops (TFLOPS, their nameplate), idle_lost_tflops (TFLOPS, nameplate × idle share, summed), idle_lost_target_share (ratio of target), unhealthy_gpus (GPUs with an XID or above hot_temp_c, as perf_unhealthy_gpus), unhealthy_peak_tflops (TFLOPS), unhealthy_lost_tflops (TFLOPS), unhealthy_lost_target_share (ratio of target)
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: precision VARCHAR = bf16: numeric precision the work runs at (fp64, tf32, bf16, fp8, fp4)
-- param: target_tflops DOUBLE = 500000: the target in TFLOPS (0.5 EF = 500,000 TFLOPS)
-- param: bucket_minutes INTEGER = 60: bucket width for the mean and the best bucket (use the chart's)
-- param: idle_threshold DOUBLE = 0.05: a sample is idle when max(tensor_active, fp64_active) is below this ratio
-- param: idle_minutes INTEGER = 60: an idle run counts when it lasts at least this many minutes
-- param: hot_temp_c DOUBLE = 85: a sample above this GPU temperature (degC) is hot
--
-- The same arithmetic as perf_delivered (delivered series), perf_idle_gpus (idle rule) and
-- perf_unhealthy_gpus (XID, temperature); tests pin that the numbers agree.
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
),
s AS MATERIALIZED (
    SELECT s.gpu_id, s.ts, s.util, s.tensor_active, s.temp_c, coalesce(s.xid, 0) AS xid,
           CASE WHEN prm.p = 'fp64' THEN s.fp64_active ELSE s.tensor_active END AS act,
           CASE WHEN prm.p = 'fp64' THEN s.fp64_active ELSE s.tensor_active END
             * CASE WHEN g.max_boost_mhz > 0 AND s.sm_clock_mhz IS NOT NULL
                    THEN least(s.sm_clock_mhz / g.max_boost_mhz, 1.0) ELSE 1.0 END AS act_eff,
           greatest(s.tensor_active, s.fp64_active) < $idle_threshold AS idle,
           lag(greatest(s.tensor_active, s.fp64_active) < $idle_threshold) OVER w AS prev_idle,
           epoch(s.ts) - epoch(lag(s.ts) OVER w) AS dt
    FROM gpu_samples s JOIN g USING (gpu_id), prm
    WHERE s.ts >= $start AND s.ts < $end
    WINDOW w AS (PARTITION BY s.gpu_id ORDER BY s.ts)
),
-- delivered series, exactly as perf_delivered
per_gpu_bucket AS (
    SELECT time_bucket(to_minutes($bucket_minutes), s.ts) AS bucket, s.gpu_id, g.peak,
           avg(s.act_eff) AS act_eff, count(s.act) AS n_act
    FROM s JOIN g USING (gpu_id)
    GROUP BY ALL
),
buckets AS (
    SELECT bucket, sum(act_eff * peak) AS delivered, sum(peak) FILTER (WHERE n_act > 0) AS counted_peak
    FROM per_gpu_bucket GROUP BY bucket
),
-- per GPU over the whole range
per_gpu AS (
    SELECT gpu_id, count(*) AS n, coalesce(median(dt), 0) AS step_s, max(ts) AS last_ts,
           avg(util) AS util, avg(tensor_active) AS tensor_active, count(act) AS n_act,
           count(*) FILTER (WHERE xid <> 0 OR temp_c > $hot_temp_c) AS affected
    FROM s GROUP BY gpu_id
),
-- idle rule, exactly as perf_idle_gpus
idle_rows AS (
    SELECT s.gpu_id, s.ts, p.step_s,
           NOT coalesce(s.prev_idle AND s.dt <= 2 * p.step_s, false) AS starts_run
    FROM s JOIN per_gpu p USING (gpu_id)
    WHERE s.idle
),
numbered AS (
    SELECT *, sum(starts_run::INTEGER) OVER (PARTITION BY gpu_id ORDER BY ts
                                             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run_no
    FROM idle_rows
),
islands AS (
    SELECT gpu_id, run_no, max(ts) AS last_idle_ts,
           (epoch(max(ts)) - epoch(min(ts)) + any_value(step_s)) / 60.0 AS minutes
    FROM numbered GROUP BY gpu_id, run_no
),
idle AS (
    SELECT i.gpu_id, g.peak,
           max(i.last_idle_ts) = any_value(p.last_ts) AS idle_now,
           least(sum(i.minutes) / nullif(any_value(p.n) * any_value(p.step_s) / 60.0, 0), 1.0) AS idle_share
    FROM islands i JOIN per_gpu p USING (gpu_id) JOIN g USING (gpu_id)
    WHERE i.minutes >= $idle_minutes
    GROUP BY i.gpu_id, g.peak
),
unhealthy AS (
    SELECT p.gpu_id, g.peak, p.affected / p.n AS affected_share
    FROM per_gpu p JOIN g USING (gpu_id) WHERE p.affected > 0
),
inv AS (
    SELECT count(*) AS gpus_inventory, count(*) FILTER (WHERE peak IS NULL) AS gpus_peak_unknown,
           sum(peak) AS peak_tflops
    FROM g
),
rep AS (
    SELECT count(*) AS gpus_reporting, count(*) FILTER (WHERE n_act = 0) AS gpus_without_counters,
           count(*) FILTER (WHERE n_act > 0 AND g.peak IS NOT NULL) AS gpus_counted,
           avg(util) AS util_pct, 100 * avg(tensor_active) AS tensor_active_pct
    FROM per_gpu JOIN g USING (gpu_id)
),
dlv AS (
    SELECT avg(delivered) AS delivered_tflops, max(delivered) AS delivered_max_tflops,
           avg(counted_peak) AS counted_peak_tflops
    FROM buckets
)
SELECT inv.gpus_inventory, rep.gpus_reporting, inv.gpus_peak_unknown, rep.gpus_without_counters,
       rep.gpus_counted,
       inv.peak_tflops, dlv.counted_peak_tflops,
       dlv.delivered_tflops, dlv.delivered_max_tflops,
       dlv.delivered_tflops / nullif(dlv.counted_peak_tflops, 0) AS mfu,
       dlv.delivered_tflops / nullif(inv.peak_tflops, 0) AS nameplate_share,
       $target_tflops AS target_tflops,
       dlv.delivered_tflops / $target_tflops AS target_share,
       rep.util_pct, rep.tensor_active_pct,
       (SELECT count(*) FROM idle) AS idle_gpus,
       (SELECT count(*) FILTER (WHERE idle_now) FROM idle) AS idle_gpus_now,
       (SELECT coalesce(sum(peak), 0) FROM idle) AS idle_peak_tflops,
       (SELECT coalesce(sum(peak * idle_share), 0) FROM idle) AS idle_lost_tflops,
       (SELECT coalesce(sum(peak * idle_share), 0) FROM idle) / $target_tflops AS idle_lost_target_share,
       (SELECT count(*) FROM unhealthy) AS unhealthy_gpus,
       (SELECT coalesce(sum(peak), 0) FROM unhealthy) AS unhealthy_peak_tflops,
       (SELECT coalesce(sum(peak * affected_share), 0) FROM unhealthy) AS unhealthy_lost_tflops,
       (SELECT coalesce(sum(peak * affected_share), 0) FROM unhealthy) / $target_tflops AS unhealthy_lost_target_share
FROM inv, rep, dlv
