-- title: GPUs needing attention
-- returns: one row per GPU with a problem, worst first
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: hot_temp_c DOUBLE = 85: temperature that counts as overheating, degC
-- param: idle_threshold DOUBLE = 0.05: mean tensor-pipe activity below this counts as idle
-- param: limit INTEGER = 50: rows at most
-- uses: gpu_totals (queries/definitions/010_performance.sql)
-- column: gpu_uuid text: UUID
-- column: hostname text: node
-- column: rack text: rack
-- column: pod text: pod
-- column: model text: model
-- column: issue text: issue — XID code named from xid_codes, overheating, idle, no profiling counters, peak unknown
-- column: util_pct %: GPU_UTIL, busy
-- column: tensor_active_pct %: tensor active — means, %
-- column: max_temp_c degC: max temperature
-- column: xid_samples count: XID samples — samples with an XID code
-- column: last_xid count: last XID
-- column: power_w W: power — mean, W
-- column: last_seen UTC: last seen
WITH t AS (
    SELECT * FROM gpu_totals($start, $end, 'bf16') WHERE samples > 0
), last_code AS (
    SELECT gpu_id, arg_max(code, ts) AS last_xid FROM gpu_xid_events
    WHERE ts >= $start AND ts < $end GROUP BY gpu_id
), named AS (
    SELECT t.*, 100 * t.tensor_active AS tensor_active_pct, coalesce(t.xid_n, 0) AS xid_samples, lc.last_xid,
           m.model IS NULL AS peak_unknown, coalesce(x.meaning, 'see the NVIDIA XID catalog') AS xid_name
    FROM t LEFT JOIN last_code lc USING (gpu_id) LEFT JOIN gpu_models m ON m.model = t.model
    LEFT JOIN xid_codes x ON x.code = lc.last_xid
)
SELECT gpu_uuid, hostname, rack, pod, model,
       CASE WHEN xid_samples > 0 THEN 'XID ' || last_xid || ' (' || xid_name || ')'
            WHEN max_temp_c > $hot_temp_c THEN 'overheating (' || round(max_temp_c, 1) || ' degC)'
            WHEN act_n > 0 AND tensor_active < $idle_threshold THEN 'idle'
            WHEN act_n = 0 THEN 'no profiling counters'
            WHEN peak_unknown THEN 'model not in catalog (peak unknown)'
       END AS issue,
       round(util, 1) AS util_pct, round(tensor_active_pct, 1) AS tensor_active_pct,
       max_temp_c, xid_samples, last_xid, round(power_w, 0) AS power_w, last_ts AS last_seen
FROM named
WHERE xid_samples > 0 OR max_temp_c > $hot_temp_c OR act_n = 0 OR peak_unknown
   OR tensor_active < $idle_threshold
ORDER BY (xid_samples > 0) DESC, (max_temp_c > $hot_temp_c) DESC, xid_samples DESC, max_temp_c DESC,
         tensor_active_pct ASC NULLS LAST, gpu_uuid
LIMIT $limit
