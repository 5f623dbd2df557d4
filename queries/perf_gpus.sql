-- title: Drill-down, node to GPUs: delivered FLOPS (estimate), counters and health per GPU of one node
-- returns: one row per GPU of the node, by GPU index (every node: by node, then GPU index)
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: precision VARCHAR = bf16: numeric precision the work runs at (fp64, tf32, bf16, fp8, fp4)
-- param: hot_temp_c DOUBLE = 85: a sample above this GPU temperature (degC) is hot
-- param: hostname VARCHAR = NULL: the node (Hostname label) to break down; NULL: every node (the report runs it so, once)
-- param: idle_threshold DOUBLE = 0.05: a sample is idle when max(tensor_active, fp64_active) is below this ratio
-- param: idle_minutes INTEGER = 60: an idle run counts when it lasts at least this many minutes
-- uses: gpu_totals, gpu_idle, gpu_health (queries/definitions/010_performance.sql)
-- column: hostname text: node
-- column: gpu_index count: GPU
-- column: gpu_uuid text: UUID
-- column: model text: model
-- column: status text: status — the first that applies: no samples, XID, overheating, no profiling counters, peak unknown, idle the whole range, idle at the end, idle stretches (gpu_idle's rule), ok
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
WITH t AS (
    SELECT * FROM gpu_totals($start, $end, $precision) WHERE $hostname IS NULL OR hostname = $hostname
),
codes AS (
    SELECT gpu_id, string_agg(DISTINCT code::VARCHAR, ', ' ORDER BY code::VARCHAR) AS xid_codes
    FROM gpu_xid_events WHERE ts >= $start AND ts < $end AND gpu_id IN (SELECT gpu_id FROM t)
    GROUP BY gpu_id
)
SELECT t.hostname, t.gpu_index, t.gpu_uuid, t.model,
       CASE WHEN t.samples = 0 THEN 'no samples'
            WHEN h.xid_samples > 0 THEN 'XID'
            WHEN h.hot_samples > 0 THEN 'overheating'
            WHEN t.act_n = 0 THEN 'no profiling counters'
            WHEN t.peak IS NULL THEN 'peak unknown'
            WHEN i.idle_share >= 1 THEN 'idle the whole range'
            WHEN i.idle_now THEN 'idle at the end'
            WHEN i.gpu_id IS NOT NULL THEN 'idle stretches'
            ELSE 'ok' END AS status,
       t.peak AS peak_tflops,
       t.act_eff * t.peak AS delivered_tflops,
       CASE WHEN t.act_n > 0 THEN t.act_eff END AS mfu,
       t.cf AS clock_factor,
       t.util AS util_pct, 100 * t.tensor_active AS tensor_active_pct, 100 * t.fp64_active AS fp64_active_pct,
       t.sm_clock_mhz, t.power_w, t.max_temp_c, h.hot_samples, c.xid_codes, t.samples
FROM t LEFT JOIN gpu_health($start, $end, $hot_temp_c) h USING (gpu_id)
       LEFT JOIN gpu_idle($start, $end, $idle_threshold, $idle_minutes) i USING (gpu_id)
       LEFT JOIN codes c USING (gpu_id)
ORDER BY t.hostname, t.gpu_index, t.gpu_uuid
