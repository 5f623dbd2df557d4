-- title: GPUs needing attention
-- returns: one row per GPU with a problem, worst first
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: hot_temp_c DOUBLE = 85: temperature that counts as overheating, degC
-- param: idle_threshold DOUBLE = 0.05: mean tensor-pipe activity below this counts as idle
-- param: limit INTEGER = 50: rows at most
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
WITH per_gpu AS (
    SELECT gpu_id,
           avg(util) AS util_pct, avg(tensor_active) * 100 AS tensor_active_pct,
           count(tensor_active) AS counter_samples, max(temp_c) AS max_temp_c,
           count(*) FILTER (WHERE xid > 0) AS xid_samples,
           arg_max(xid, ts) FILTER (WHERE xid > 0) AS last_xid,
           avg(power_w) AS power_w, max(ts) AS last_seen
    FROM gpu_samples WHERE ts >= $start AND ts < $end
    GROUP BY gpu_id
), named AS (
    SELECT p.*, g.gpu_uuid, g.hostname, g.rack, g.pod, g.model, m.model IS NULL AS peak_unknown,
        coalesce(x.meaning, 'see the NVIDIA XID catalog') AS xid_name
    FROM per_gpu p JOIN gpus g USING (gpu_id) LEFT JOIN gpu_models m ON m.model = g.model
    LEFT JOIN xid_codes x ON x.code = p.last_xid
)
SELECT gpu_uuid, hostname, rack, pod, model,
       CASE WHEN xid_samples > 0 THEN 'XID ' || last_xid || ' (' || xid_name || ')'
            WHEN max_temp_c > $hot_temp_c THEN 'overheating (' || round(max_temp_c, 1) || ' degC)'
            WHEN counter_samples > 0 AND tensor_active_pct / 100 < $idle_threshold THEN 'idle'
            WHEN counter_samples = 0 THEN 'no profiling counters'
            WHEN peak_unknown THEN 'model not in catalog (peak unknown)'
       END AS issue,
       round(util_pct, 1) AS util_pct, round(tensor_active_pct, 1) AS tensor_active_pct,
       max_temp_c, xid_samples, last_xid, round(power_w, 0) AS power_w, last_seen
FROM named
WHERE xid_samples > 0 OR max_temp_c > $hot_temp_c OR counter_samples = 0 OR peak_unknown
   OR tensor_active_pct / 100 < $idle_threshold
ORDER BY (xid_samples > 0) DESC, (max_temp_c > $hot_temp_c) DESC, xid_samples DESC, max_temp_c DESC,
         tensor_active_pct ASC NULLS LAST, gpu_uuid
LIMIT $limit
