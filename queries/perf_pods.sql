-- title: Drill-down, fleet to pods: delivered FLOPS (estimate), nameplate and health per pod
-- returns: one row per pod, by pod: pod, gpus (inventory), gpus_reporting (with a sample in the range), gpus_without_counters (reporting without the activity counter for the precision: not counted, not zero), gpus_peak_unknown (no catalog peak at the precision), peak_tflops (TFLOPS, dense nameplate at the precision of the inventory GPUs of known peak), delivered_tflops (TFLOPS, estimate: per GPU the range mean of activity × min(SM clock / max boost, 1) × dense peak, summed), mfu (ratio 0..1, delivered / nameplate of the GPUs counted), util_pct (%, mean DCGM_FI_DEV_GPU_UTIL: a kernel was running), tensor_active_pct (%, mean tensor-pipe activity × 100), power_kw (kW, mean power summed over GPUs), max_temp_c (degC), xid_gpus (GPUs with an XID in the range), hot_gpus (GPUs above hot_temp_c)
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: precision VARCHAR = bf16: numeric precision the work runs at (fp64, tf32, bf16, fp8, fp4)
-- param: hot_temp_c DOUBLE = 85: a sample above this GPU temperature (degC) is hot
--
-- Drill-down level fleet → pod: the whole fleet, one row per pod (GPUs without a pod in the inventory form the row pod = NULL).
WITH prm AS (
    SELECT CASE WHEN lower($precision) IN ('fp64', 'tf32', 'bf16', 'fp8', 'fp4') THEN lower($precision)
                ELSE error('precision must be one of fp64, tf32, bf16, fp8, fp4, not ' || $precision) END AS p
),
g AS (
    SELECT g.gpu_id, g.pod, g.rack, g.hostname, m.max_boost_mhz,
           CASE prm.p WHEN 'fp64' THEN m.fp64_tflops WHEN 'tf32' THEN m.tf32_tflops
                      WHEN 'bf16' THEN m.bf16_tflops WHEN 'fp8' THEN m.fp8_tflops
                      WHEN 'fp4' THEN m.fp4_tflops END AS peak
    FROM gpus g LEFT JOIN gpu_models m ON m.model = g.model, prm
    
),
per_gpu AS (
    SELECT s.gpu_id,
           avg(CASE WHEN prm.p = 'fp64' THEN s.fp64_active ELSE s.tensor_active END
               * CASE WHEN g.max_boost_mhz > 0 AND s.sm_clock_mhz IS NOT NULL
                      THEN least(s.sm_clock_mhz / g.max_boost_mhz, 1.0) ELSE 1.0 END) AS act_eff,
           count(CASE WHEN prm.p = 'fp64' THEN s.fp64_active ELSE s.tensor_active END) AS n_act,
           avg(s.util) AS util, avg(s.tensor_active) AS tensor_active, avg(s.power_w) AS power_w,
           max(s.temp_c) AS max_temp_c,
           count(*) FILTER (WHERE coalesce(s.xid, 0) <> 0) AS xid_samples,
           count(*) FILTER (WHERE s.temp_c > $hot_temp_c) AS hot_samples
    FROM gpu_samples s JOIN g USING (gpu_id), prm
    WHERE s.ts >= $start AND s.ts < $end
    GROUP BY s.gpu_id
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
