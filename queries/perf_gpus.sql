-- title: Drill-down, node to GPUs: delivered FLOPS (estimate), counters and health per GPU of one node
-- returns: one row per GPU of the node, by GPU index
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: precision VARCHAR = bf16: numeric precision the work runs at (fp64, tf32, bf16, fp8, fp4)
-- param: hot_temp_c DOUBLE = 85: a sample above this GPU temperature (degC) is hot
-- param: hostname VARCHAR: the node (Hostname label) to break down
-- uses: gpu_fleet, gpu_activity, is_xid, is_hot (queries/definitions/010_performance.sql)
-- column: hostname text: node
-- column: gpu_index count: GPU
-- column: gpu_uuid text: UUID
-- column: model text: model
-- column: status text: status — ok, no profiling counters, peak unknown, no samples
-- column: peak_tflops TFLOPS: nameplate — dense nameplate at the precision; NULL = peak unknown
-- column: delivered_tflops TFLOPS: delivered, est. — estimate: range mean of activity × min(SM clock / max boost, 1) × dense peak
-- column: mfu ratio: MFU, est.
-- column: clock_factor 1: clock factor — mean of min(SM clock / max boost, 1); 1 where max boost is unknown
-- column: util_pct %: GPU_UTIL, busy — mean DCGM_FI_DEV_GPU_UTIL: a kernel was running
-- column: tensor_active_pct %: tensor active
-- column: fp64_active_pct %: FP64 active
-- column: sm_clock_mhz MHz: SM clock — mean
-- column: power_w W: power — mean
-- column: max_temp_c degC: max temperature
-- column: hot_samples count: hot samples — samples above hot_temp_c
-- column: xid_codes text: XID codes — distinct XID codes seen, comma-separated
-- column: samples count: samples
--
-- Drill-down level node → GPU.
WITH g AS (
    SELECT * FROM gpu_fleet($end, $precision) WHERE hostname = $hostname
),
per_gpu AS (
    SELECT a.gpu_id, count(*) AS samples, avg(a.act_eff) AS act_eff, count(a.act) AS n_act,
           avg(a.clock_factor) AS clock_factor,
           avg(a.util) AS util, avg(a.tensor_active) AS tensor_active, avg(a.fp64_active) AS fp64_active,
           avg(a.sm_clock_mhz) AS sm_clock_mhz, avg(a.power_w) AS power_w, max(a.temp_c) AS max_temp_c,
           count(*) FILTER (WHERE is_hot(a.temp_c, $hot_temp_c)) AS hot_samples,
           string_agg(DISTINCT a.xid::VARCHAR, ', ' ORDER BY a.xid::VARCHAR) FILTER (WHERE is_xid(a.xid)) AS xid_codes
    FROM gpu_activity($start, $end, $precision) a JOIN g USING (gpu_id)
    GROUP BY a.gpu_id
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
