-- title: GPUs needing attention, counted over the whole fleet: one row per issue
-- returns: one row per issue (every issue, 0 where no GPU has it; one row per XID code seen), in a fixed order
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: precision VARCHAR = bf16: precision whose activity counter and nameplate apply (fp64, tf32, bf16, fp8, fp4)
-- param: idle_threshold DOUBLE = 0.05: a sample is idle when max(tensor_active, fp64_active) is below this ratio
-- param: idle_minutes INTEGER = 60: an idle run counts when it lasts at least this many minutes
-- param: hot_temp_c DOUBLE = 85: a sample above this GPU temperature (degC) is hot
-- uses: gpu_attention, gpu_xid_codes (queries/definitions/030_attention.sql)
-- column: issue_key text: key — attention, no_samples, unhealthy, xid, xid_<code>, hot, no_counters, idle, idle_now, idle_all_range, peak_unknown, inventory
-- column: issue text: issue
-- column: gpus count: GPUs — in the whole fleet with this issue in the range (a count, never a displayed list)
-- column: share ratio: share of fleet — gpus / GPUs in the inventory
-- column: peak_tflops TFLOPS: their nameplate — dense nameplate at the precision of those GPUs (GPUs of unknown peak add nothing)
-- column: rule text: rule — the rule, with this query's parameters
--
-- A GPU can have several issues and is counted once under each; "attention" counts each GPU
-- once. The rules are gpu_idle's and gpu_health's (queries/definitions/010_performance.sql).
WITH a AS MATERIALIZED (
    SELECT * FROM gpu_attention($start, $end, $precision, $idle_threshold, $idle_minutes, $hot_temp_c)
),
idle_rule AS (
    SELECT 'tensor and FP64 pipes both below ' || round(100 * $idle_threshold, 1)::VARCHAR
           || ' % for at least ' || $idle_minutes || ' minutes without a break' AS txt
),
fixed(ord, issue_key, issue, rule) AS (VALUES
    (0, 'inventory', 'GPUs in the inventory', 'every GPU in the inventory (gpus.csv)'),
    (1, 'attention', 'needing attention', 'any of the issues below'),
    (2, 'no_samples', 'no samples in the range', 'in the inventory, no sample in the range'),
    (3, 'unhealthy', 'unhealthy', 'a sample with an XID error or above the hot temperature'),
    (4, 'xid', 'XID errors', 'a sample whose DCGM_FI_DEV_XID_ERRORS is a code other than 0'),
    (6, 'hot', 'overheating', 'a sample above the hot temperature'),
    (7, 'no_counters', 'no profiling counters', 'reporting, but no sample carries the activity counter for the precision'),
    (8, 'idle', 'idle (≥ 1 idle run)', 'idle run'),
    (9, 'idle_now', 'idle at the end of the range', 'idle run reaching the GPU''s last sample'),
    (10, 'idle_all_range', 'idle the whole range', 'idle in every observed minute'),
    (11, 'peak_unknown', 'peak unknown', 'model not in the catalog, or no figure at the precision')
),
fixed_counts AS (
    SELECT f.ord, 0 AS sub, f.issue_key, f.issue,
           CASE f.issue_key
                WHEN 'inventory' THEN count(a.gpu_id)
                WHEN 'attention' THEN count(*) FILTER (WHERE a.needs_attention)
                WHEN 'no_samples' THEN count(*) FILTER (WHERE NOT a.reporting)
                WHEN 'unhealthy' THEN count(*) FILTER (WHERE a.unhealthy)
                WHEN 'xid' THEN count(*) FILTER (WHERE a.xid)
                WHEN 'hot' THEN count(*) FILTER (WHERE a.hot)
                WHEN 'no_counters' THEN count(*) FILTER (WHERE a.no_counters)
                WHEN 'idle' THEN count(*) FILTER (WHERE a.idle)
                WHEN 'idle_now' THEN count(*) FILTER (WHERE a.idle_now)
                WHEN 'idle_all_range' THEN count(*) FILTER (WHERE a.idle_all_range)
                WHEN 'peak_unknown' THEN count(*) FILTER (WHERE a.peak_unknown)
           END AS gpus,
           CASE f.issue_key
                WHEN 'inventory' THEN sum(a.peak)
                WHEN 'attention' THEN sum(a.peak) FILTER (WHERE a.needs_attention)
                WHEN 'no_samples' THEN sum(a.peak) FILTER (WHERE NOT a.reporting)
                WHEN 'unhealthy' THEN sum(a.peak) FILTER (WHERE a.unhealthy)
                WHEN 'xid' THEN sum(a.peak) FILTER (WHERE a.xid)
                WHEN 'hot' THEN sum(a.peak) FILTER (WHERE a.hot)
                WHEN 'no_counters' THEN sum(a.peak) FILTER (WHERE a.no_counters)
                WHEN 'idle' THEN sum(a.peak) FILTER (WHERE a.idle)
                WHEN 'idle_now' THEN sum(a.peak) FILTER (WHERE a.idle_now)
                WHEN 'idle_all_range' THEN sum(a.peak) FILTER (WHERE a.idle_all_range)
           END AS peak_tflops,
           CASE WHEN f.issue_key IN ('unhealthy', 'hot') THEN replace(f.rule, 'the hot temperature', $hot_temp_c || ' °C')
                WHEN f.issue_key LIKE 'idle%' THEN (SELECT txt FROM idle_rule) || ' (' || f.rule || ')'
                WHEN f.issue_key IN ('no_counters', 'peak_unknown') THEN f.rule || ' (' || upper($precision) || ')'
                ELSE f.rule END AS rule
    FROM fixed f LEFT JOIN a ON true
    GROUP BY f.ord, f.issue_key, f.issue, f.rule
),
codes AS (
    SELECT 5 AS ord, c.code AS sub, 'xid_' || c.code AS issue_key,
           'XID ' || c.code || ' (' || coalesce(any_value(c.meaning), 'see the NVIDIA XID catalog') || ')' AS issue,
           count(DISTINCT c.gpu_id) AS gpus, sum(a.peak) AS peak_tflops,
           'a sample with XID ' || c.code AS rule
    FROM gpu_xid_codes($start, $end) c JOIN a USING (gpu_id)
    GROUP BY c.code
),
rows_ AS (SELECT * FROM fixed_counts UNION ALL SELECT * FROM codes)
SELECT issue_key, issue, gpus,
       gpus / nullif((SELECT count(*) FROM a), 0) AS share,
       coalesce(peak_tflops, 0) AS peak_tflops, rule
FROM rows_
ORDER BY ord, sub
