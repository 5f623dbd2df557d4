-- title: Drill-down, node to GPUs: delivered FLOPS (estimate), counters and health per GPU of one node
-- returns: one row per GPU of the node, by GPU index: hostname, gpu_index, gpu_uuid, model, status (ok, no profiling counters, peak unknown, no samples), peak_tflops (TFLOPS, dense nameplate at the precision; NULL = peak unknown), delivered_tflops (TFLOPS, estimate: range mean of activity × min(SM clock / max boost, 1) × dense peak), mfu (ratio 0..1), clock_factor (mean of min(SM clock / max boost, 1); 1 where max boost is unknown), util_pct (%, mean DCGM_FI_DEV_GPU_UTIL: a kernel was running), tensor_active_pct (%), fp64_active_pct (%), sm_clock_mhz (MHz, mean), power_w (W, mean), max_temp_c (degC), hot_samples (samples above hot_temp_c), xid_codes (distinct XID codes seen, comma-separated), samples
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: precision VARCHAR = bf16: numeric precision the work runs at (fp64, tf32, bf16, fp8, fp4)
-- param: hot_temp_c DOUBLE = 85: a sample above this GPU temperature (degC) is hot
-- param: hostname VARCHAR: the node (Hostname label) to break down
--
-- Drill-down level node → GPU.
WITH prm AS (
    SELECT CASE WHEN lower($precision) IN ('fp64', 'tf32', 'bf16', 'fp8', 'fp4') THEN lower($precision)
                ELSE error('precision must be one of fp64, tf32, bf16, fp8, fp4, not ' || $precision) END AS p
),
g AS (
    SELECT g.gpu_id, g.gpu_uuid, g.hostname, g.gpu_index, g.model, m.max_boost_mhz,
           CASE prm.p WHEN 'fp64' THEN m.fp64_tflops WHEN 'tf32' THEN m.tf32_tflops
                      WHEN 'bf16' THEN m.bf16_tflops WHEN 'fp8' THEN m.fp8_tflops
                      WHEN 'fp4' THEN m.fp4_tflops END AS peak
    FROM gpus g LEFT JOIN gpu_models m ON m.model = g.model, prm
    WHERE g.hostname = $hostname
),
per_gpu AS (
    SELECT s.gpu_id, count(*) AS samples,
           avg(CASE WHEN prm.p = 'fp64' THEN s.fp64_active ELSE s.tensor_active END
               * CASE WHEN g.max_boost_mhz > 0 AND s.sm_clock_mhz IS NOT NULL
                      THEN least(s.sm_clock_mhz / g.max_boost_mhz, 1.0) ELSE 1.0 END) AS act_eff,
           count(CASE WHEN prm.p = 'fp64' THEN s.fp64_active ELSE s.tensor_active END) AS n_act,
           avg(CASE WHEN g.max_boost_mhz > 0 AND s.sm_clock_mhz IS NOT NULL
                    THEN least(s.sm_clock_mhz / g.max_boost_mhz, 1.0) ELSE 1.0 END) AS clock_factor,
           avg(s.util) AS util, avg(s.tensor_active) AS tensor_active, avg(s.fp64_active) AS fp64_active,
           avg(s.sm_clock_mhz) AS sm_clock_mhz, avg(s.power_w) AS power_w, max(s.temp_c) AS max_temp_c,
           count(*) FILTER (WHERE s.temp_c > $hot_temp_c) AS hot_samples,
           string_agg(DISTINCT s.xid::VARCHAR, ', ' ORDER BY s.xid::VARCHAR) FILTER (WHERE coalesce(s.xid, 0) <> 0) AS xid_codes
    FROM gpu_samples s JOIN g USING (gpu_id), prm
    WHERE s.ts >= $start AND s.ts < $end
    GROUP BY s.gpu_id
)
SELECT g.hostname, g.gpu_index, g.gpu_uuid, g.model,
       CASE WHEN p.gpu_id IS NULL THEN 'no samples'
            WHEN g.peak IS NULL THEN 'peak unknown'
            WHEN p.n_act = 0 THEN 'no profiling counters'
            ELSE 'ok' END AS status,
       g.peak AS peak_tflops,
       p.act_eff * g.peak AS delivered_tflops,
       CASE WHEN p.n_act > 0 THEN p.act_eff END AS mfu,
       p.clock_factor,
       p.util AS util_pct, 100 * p.tensor_active AS tensor_active_pct, 100 * p.fp64_active AS fp64_active_pct,
       p.sm_clock_mhz, p.power_w, p.max_temp_c, p.hot_samples, p.xid_codes, coalesce(p.samples, 0) AS samples
FROM g LEFT JOIN per_gpu p USING (gpu_id)
ORDER BY g.gpu_index, g.gpu_uuid
