-- title: GPUs needing attention, worst first (the first `limit`; ops_attention_counts counts them all)
-- returns: one row per GPU with an issue, worst first: XID, overheating, no samples, no counters, idle the whole range, idle at the end, idle stretches (most idle first), peak unknown
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: precision VARCHAR = bf16: precision whose activity counter and nameplate apply (fp64, tf32, bf16, fp8, fp4)
-- param: idle_threshold DOUBLE = 0.05: a sample is idle when max(tensor_active, fp64_active) is below this ratio
-- param: idle_minutes INTEGER = 60: an idle run counts when it lasts at least this many minutes
-- param: hot_temp_c DOUBLE = 85: temperature that counts as overheating, degC
-- param: limit INTEGER = 200: rows at most
-- uses: gpu_attention, gpu_xid_codes (queries/definitions/030_attention.sql)
-- column: hostname text: node
-- column: gpu_index count: GPU
-- column: issue text: issue — the worst: XID code named from xid_codes, overheating, no samples, no profiling counters, idle (whole range, at the end, stretches), peak unknown
-- column: other_issues text: also — the GPU's other issues
-- column: idle_share ratio: idle share — of the GPU's observed time, in idle runs
-- column: max_temp_c degC: max temperature
-- column: xid_samples count: XID samples — samples with an XID code
-- column: tensor_active_pct %: tensor active — mean, %
-- column: util_pct %: GPU_UTIL, busy — mean, %
-- column: power_w W: power — mean
-- column: rack text: rack
-- column: pod text: pod
-- column: model text: model
-- column: last_seen UTC: last seen — last sample in the range
-- column: xid_codes text: XID codes — each code with its meaning and the samples showing it
-- column: gpu_uuid text: UUID
--
-- The same rules and the same macro as the counts (ops_attention_counts): a GPU listed here is
-- counted there, and the list's length is the "needing attention" count when limit allows.
WITH a AS (
    SELECT * FROM gpu_attention($start, $end, $precision, $idle_threshold, $idle_minutes, $hot_temp_c)
    WHERE needs_attention
),
codes AS (
    SELECT gpu_id,
           string_agg(code || ' ' || coalesce(meaning, 'see the XID catalog') || ' (' || samples || ' samples)',
                      '; ' ORDER BY code) AS xid_codes,
           arg_max(code, samples) AS top_code,
           arg_max(coalesce(meaning, 'see the NVIDIA XID catalog'), samples) AS top_meaning
    FROM gpu_xid_codes($start, $end)
    GROUP BY gpu_id
),
named AS (
    SELECT a.*, c.xid_codes, c.top_code, c.top_meaning,
           list_filter([
               CASE WHEN a.xid THEN 'XID' END,
               CASE WHEN a.hot THEN 'overheating' END,
               CASE WHEN NOT a.reporting THEN 'no samples' END,
               CASE WHEN a.no_counters THEN 'no profiling counters' END,
               CASE WHEN a.idle_all_range THEN 'idle the whole range'
                    WHEN a.idle_now THEN 'idle at the end'
                    WHEN a.idle THEN 'idle stretches' END,
               CASE WHEN a.peak_unknown THEN 'peak unknown' END], lambda x: x IS NOT NULL) AS issues,
           CASE WHEN a.xid THEN 1 WHEN a.hot THEN 2 WHEN NOT a.reporting THEN 3 WHEN a.no_counters THEN 4
                WHEN a.idle_all_range THEN 5 WHEN a.idle_now THEN 6 WHEN a.idle THEN 7 ELSE 8 END AS severity
    FROM a LEFT JOIN codes c USING (gpu_id)
)
SELECT hostname, gpu_index,
       CASE severity WHEN 1 THEN 'XID ' || top_code || ' (' || top_meaning || ')'
                     WHEN 2 THEN 'overheating (' || round(max_temp_c, 1) || ' degC)'
                     ELSE issues[1] END AS issue,
       nullif(array_to_string(issues[2:], ', '), '') AS other_issues,
       idle_share, max_temp_c, xid_samples,
       round(tensor_active_pct, 1) AS tensor_active_pct, round(util_pct, 1) AS util_pct,
       round(power_w, 0) AS power_w, rack, pod, model, last_seen, xid_codes, gpu_uuid
FROM named
ORDER BY severity, xid_samples DESC, CASE WHEN severity = 2 THEN max_temp_c END DESC NULLS LAST, idle_share DESC,
         hostname, gpu_index, gpu_uuid
LIMIT $limit
