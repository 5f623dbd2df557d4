-- Definitions: which GPUs need attention, composed from the performance rules in
-- 010_performance.sql (gpu_totals, gpu_idle, gpu_health), never restating them.
-- One rule per word, for every page: "idle" is gpu_idle's rule, "unhealthy" is gpu_health's,
-- "no counters" is a reporting GPU none of whose samples carries the activity counter for the
-- precision (gpu_totals' act_n = 0). Counting queries (ops_attention_counts) and lists
-- (ops_worst_gpus) both read gpu_attention, so a tile and a table cannot disagree.
-- Applied as TEMP objects on every connection (dashboard/store.py).

-- gpu_attention(t0, t1, precision, idle_threshold, idle_minutes, hot_temp_c) → TABLE
-- One row per inventory GPU (table gpus), whether or not it reports in [t0, t1):
--   gpu_id, gpu_uuid, hostname, gpu_index, rack, pod, model, peak (TFLOPS, as gpu_peaks),
--   samples (count in the range), reporting (BOOLEAN, samples > 0),
--   no_counters (BOOLEAN: reporting, and no sample has the activity counter for the precision:
--       DCGM_FI_PROF_PIPE_FP64_ACTIVE for fp64, _TENSOR_ACTIVE otherwise),
--   peak_unknown (BOOLEAN: no catalog peak at the precision),
--   idle (BOOLEAN: at least one idle run by gpu_idle's rule), idle_now (the last run reaches the
--       GPU's last sample), idle_all_range (idle_share = 1: idle in every observed minute),
--   idle_share (ratio 0..1; 0 when not idle), idle_minutes_total, longest_idle_minutes (min),
--   unhealthy (BOOLEAN: gpu_health's affected > 0: an XID or above hot_temp_c), xid (BOOLEAN: an
--       XID sample), hot (BOOLEAN: a sample above hot_temp_c), xid_samples, hot_samples (count),
--       max_temp_c (degC), first_xid, last_xid (UTC),
--   needs_attention (BOOLEAN: not reporting, unhealthy, no counters, idle or peak unknown),
--   util_pct (%, mean DCGM_FI_DEV_GPU_UTIL), tensor_active_pct (%, mean tensor activity × 100),
--   power_w (W, mean), last_seen (UTC, last sample in the range).
CREATE OR REPLACE TEMP MACRO gpu_attention(t0, t1, precision, idle_threshold, idle_minutes, hot_temp_c) AS TABLE
    WITH flags AS (
        SELECT g.gpu_id, g.gpu_uuid, g.hostname, g.gpu_index, g.rack, g.pod, g.model, g.peak,
               g.samples,
               g.samples > 0 AS reporting,
               coalesce(g.samples > 0 AND g.act_n = 0, false) AS no_counters,
               g.peak IS NULL AS peak_unknown,
               i.gpu_id IS NOT NULL AS idle,
               coalesce(i.idle_now, false) AS idle_now,
               coalesce(i.idle_share >= 1, false) AS idle_all_range,
               coalesce(i.idle_share, 0) AS idle_share,
               i.idle_minutes_total, i.longest_idle_minutes,
               coalesce(h.affected, 0) > 0 AS unhealthy,
               coalesce(h.xid_samples, 0) > 0 AS xid,
               coalesce(h.hot_samples, 0) > 0 AS hot,
               coalesce(h.xid_samples, 0) AS xid_samples, coalesce(h.hot_samples, 0) AS hot_samples,
               h.max_temp_c, h.first_xid, h.last_xid,
               g.util AS util_pct, 100 * g.tensor_active AS tensor_active_pct, g.power_w, g.last_ts AS last_seen
        FROM gpu_totals(t0, t1, precision) g
        LEFT JOIN gpu_idle(t0, t1, idle_threshold, idle_minutes) i USING (gpu_id)
        LEFT JOIN gpu_health(t0, t1, hot_temp_c) h USING (gpu_id)
    )
    SELECT *, NOT reporting OR unhealthy OR no_counters OR idle OR peak_unknown AS needs_attention
    FROM flags;

-- gpu_xid_codes(t0, t1) → TABLE
-- One row per GPU and XID code seen in [t0, t1) (is_xid: DCGM_FI_DEV_XID_ERRORS other than 0; read
-- from gpu_xid_events, which holds every such sample):
-- gpu_id, code (the XID), samples (count showing it), first_seen, last_seen (UTC),
-- meaning (from the xid_codes table; NULL = not in it).
CREATE OR REPLACE TEMP MACRO gpu_xid_codes(t0, t1) AS TABLE
    SELECT e.gpu_id, e.code, count(*) AS samples, min(e.ts) AS first_seen, max(e.ts) AS last_seen,
           any_value(x.meaning) AS meaning
    FROM gpu_xid_events e LEFT JOIN xid_codes x ON x.code = e.code
    WHERE e.ts >= t0 AND e.ts < t1
    GROUP BY e.gpu_id, e.code;
