-- title: Performance headline: delivered FLOPS (estimate) against the target and the nameplate peak
-- returns: one row
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: precision VARCHAR = bf16: numeric precision the work runs at (fp64, tf32, bf16, fp8, fp4)
-- param: target_tflops DOUBLE = 500000: the target in TFLOPS (0.5 EF = 500,000 TFLOPS)
-- param: bucket_minutes INTEGER = 60: bucket width for the mean and the best bucket (use the chart's)
-- param: idle_threshold DOUBLE = 0.05: a sample is idle when max(tensor_active, fp64_active) is below this ratio
-- param: idle_minutes INTEGER = 60: an idle run counts when it lasts at least this many minutes
-- param: hot_temp_c DOUBLE = 85: a sample above this GPU temperature (degC) is hot
-- uses: gpu_fleet_intervals, gpu_totals, gpu_idle, gpu_health (queries/definitions/010_performance.sql)
-- column: gpus_inventory count: GPUs in inventory — GPUs in the inventory as of the range: first sample before its end, or never reported (gpu_fleet)
-- column: gpus_reporting count: GPUs reporting — GPUs with a sample in the range
-- column: gpus_peak_unknown count: peak unknown — inventory GPUs whose model has no catalog peak at the precision: shown as peak unknown, not dropped
-- column: gpus_without_counters count: without counters — reporting GPUs with no activity counter for the precision in the range: not counted, not zero
-- column: gpus_counted count: GPUs counted — reporting GPUs with the counter and a known peak: the GPUs the estimate sums
-- column: peak_tflops TFLOPS: nameplate — dense nameplate at the precision of the inventory GPUs of known peak
-- column: counted_peak_tflops TFLOPS: nameplate of GPUs counted — mean over the intervals of the nameplate of the GPUs counted in the estimate
-- column: delivered_tflops TFLOPS: delivered, est. — estimate: mean over the range's 5-minute intervals of the fleet's delivered FLOPS (as perf_delivered)
-- column: delivered_max_tflops TFLOPS: best bucket, est. — highest mean over one bucket of bucket_minutes
-- column: mfu ratio: MFU, est. — delivered_tflops / counted_peak_tflops
-- column: nameplate_share ratio: share of nameplate — delivered_tflops / peak_tflops, GPUs without counters counting as 0
-- column: target_tflops TFLOPS: target
-- column: target_share ratio: share of target — delivered_tflops / target_tflops
-- column: util_pct %: GPU_UTIL, busy — mean DCGM_FI_DEV_GPU_UTIL per GPU: a kernel was running
-- column: tensor_active_pct %: tensor active — mean tensor-pipe activity × 100
-- column: idle_gpus count: idle GPUs — GPUs idle by the rule of perf_idle_gpus
-- column: idle_gpus_now count: idle at the end — of those, idle at their last sample
-- column: idle_peak_tflops TFLOPS: nameplate of idle GPUs — their nameplate
-- column: idle_lost_tflops TFLOPS: idle capacity lost — nameplate × idle share, summed
-- column: idle_lost_target_share ratio: idle loss, share of target — ratio of target
-- column: unhealthy_gpus count: unhealthy GPUs — GPUs with an XID or above hot_temp_c, as perf_unhealthy_gpus
-- column: unhealthy_peak_tflops TFLOPS: nameplate of unhealthy GPUs
-- column: unhealthy_lost_tflops TFLOPS: unhealthy capacity lost
-- column: unhealthy_lost_target_share ratio: unhealthy loss, share of target — ratio of target
-- column: peak_target_share ratio: nameplate, share of target — nameplate peak / target: met on paper when ≥ 1
--
-- The same arithmetic as perf_delivered (delivered series), perf_idle_gpus (idle rule) and
-- perf_unhealthy_gpus (XID, temperature); tests pin that the numbers agree. Delivered is the mean
-- over the range's 5-minute intervals of the fleet's delivered FLOPS; the best bucket is the highest
-- mean over a bucket of bucket_minutes.
WITH iv AS (
    SELECT bucket, sum(delivered_tflops) AS delivered, sum(counted_peak_tflops) AS counted_peak
    FROM gpu_fleet_intervals($start, $end, $precision, 'pod', NULL)
    GROUP BY bucket
),
buckets AS (
    SELECT time_bucket(to_minutes($bucket_minutes), bucket) AS b, avg(delivered) AS delivered
    FROM iv GROUP BY 1
),
t AS MATERIALIZED (
    SELECT * FROM gpu_totals($start, $end, $precision)
),
idle AS (
    SELECT i.gpu_id, t.peak, i.idle_now, i.idle_share
    FROM gpu_idle($start, $end, $idle_threshold, $idle_minutes) i JOIN t USING (gpu_id)
),
unhealthy AS (
    SELECT h.gpu_id, t.peak, h.affected_share
    FROM gpu_health($start, $end, $hot_temp_c) h JOIN t USING (gpu_id) WHERE h.affected > 0
),
inv AS (
    SELECT count(*) AS gpus_inventory, count(*) FILTER (WHERE peak IS NULL) AS gpus_peak_unknown,
           sum(peak) AS peak_tflops
    FROM t
),
rep AS (
    SELECT count(*) FILTER (WHERE samples > 0) AS gpus_reporting,
           count(*) FILTER (WHERE samples > 0 AND act_n = 0) AS gpus_without_counters,
           count(*) FILTER (WHERE act_n > 0 AND peak IS NOT NULL) AS gpus_counted,
           avg(util) AS util_pct, 100 * avg(tensor_active) AS tensor_active_pct
    FROM t
),
dlv AS (
    SELECT avg(delivered) AS delivered_tflops, avg(counted_peak) AS counted_peak_tflops,
           (SELECT max(delivered) FROM buckets) AS delivered_max_tflops
    FROM iv
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
       (SELECT coalesce(sum(peak * affected_share), 0) FROM unhealthy) / $target_tflops AS unhealthy_lost_target_share,
       inv.peak_tflops / $target_tflops AS peak_target_share
FROM inv, rep, dlv
