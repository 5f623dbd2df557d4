-- title: Drill-down, fleet to pods: delivered FLOPS (estimate), nameplate and health per pod
-- returns: one row per pod, by pod: pod, gpus (inventory), gpus_reporting (with a sample in the range), gpus_without_counters (reporting without the activity counter for the precision: not counted, not zero), gpus_peak_unknown (no catalog peak at the precision), peak_tflops (TFLOPS, dense nameplate at the precision of the inventory GPUs of known peak), delivered_tflops (TFLOPS, estimate: per GPU the range mean of activity × min(SM clock / max boost, 1) × dense peak, summed), mfu (ratio 0..1, delivered / nameplate of the GPUs counted), util_pct (%, mean DCGM_FI_DEV_GPU_UTIL: a kernel was running), tensor_active_pct (%, mean tensor-pipe activity × 100), power_kw (kW, mean power summed over GPUs), max_temp_c (degC), xid_gpus (GPUs with an XID in the range), hot_gpus (GPUs above hot_temp_c)
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: precision VARCHAR = bf16: numeric precision the work runs at (fp64, tf32, bf16, fp8, fp4)
-- param: hot_temp_c DOUBLE = 85: a sample above this GPU temperature (degC) is hot
-- uses: gpu_peaks, gpu_activity, is_xid, is_hot (queries/schema/003_performance_macros.sql)
--
-- Drill-down level fleet → pod: the whole fleet, one row per pod (GPUs without a pod in the inventory form the row pod = NULL).
WITH g AS (
    SELECT * FROM gpu_peaks($precision)
),
per_gpu AS (
    SELECT a.gpu_id, avg(a.act_eff) AS act_eff, count(a.act) AS n_act,
           avg(a.util) AS util, avg(a.tensor_active) AS tensor_active, avg(a.power_w) AS power_w,
           max(a.temp_c) AS max_temp_c,
           count(*) FILTER (WHERE is_xid(a.xid)) AS xid_samples,
           count(*) FILTER (WHERE is_hot(a.temp_c, $hot_temp_c)) AS hot_samples
    FROM gpu_activity($start, $end, $precision) a
    GROUP BY a.gpu_id
)
SELECT g.pod,
       count(*) AS gpus,
       count(p.gpu_id) AS gpus_reporting,
       count(*) FILTER (WHERE p.n_act = 0) AS gpus_without_counters,
       count(*) FILTER (WHERE g.peak IS NULL) AS gpus_peak_unknown,
       sum(g.peak) AS peak_tflops,
       sum(p.act_eff * g.peak) AS delivered_tflops,
       sum(p.act_eff * g.peak) / nullif(sum(g.peak) FILTER (WHERE p.n_act > 0), 0) AS mfu,
       avg(p.util) AS util_pct,
       100 * avg(p.tensor_active) AS tensor_active_pct,
       sum(p.power_w) / 1000 AS power_kw,
       max(p.max_temp_c) AS max_temp_c,
       count(*) FILTER (WHERE p.xid_samples > 0) AS xid_gpus,
       count(*) FILTER (WHERE p.hot_samples > 0) AS hot_gpus
FROM g LEFT JOIN per_gpu p USING (gpu_id)
GROUP BY g.pod
ORDER BY g.pod
