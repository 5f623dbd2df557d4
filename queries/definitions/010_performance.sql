-- Definitions: the performance rules, each written once, as DuckDB macros.
-- The perf_*.sql queries call these instead of repeating the arithmetic; each query's header
-- names the definitions it uses (`-- uses:`). DuckDB inlines a macro into the calling query, so the
-- planner optimises the whole statement as if the text were written in place.
-- Applied as TEMP objects on every connection (dashboard/store.py), so what runs is always this
-- text, on a read-only connection too, and an edit here takes effect on the next connection.
--
-- Delivered FLOPS are an estimate (arXiv 2605.20799, "OFU";
-- docs/performance.md "Delivered FLOPS: an estimate"): per sample
--     activity × clock factor × dense peak at the precision
-- with activity = DCGM_FI_PROF_PIPE_FP64_ACTIVE for fp64, DCGM_FI_PROF_PIPE_TENSOR_ACTIVE for the
-- others, and clock factor = least(sm_clock_mhz / max_boost_mhz, 1), or 1 where the catalog has no
-- max boost clock or the sample has no SM clock.
--
-- Macro parameters shadow column names inside a macro: never name a parameter after a column.

-- perf_precision(precision) → VARCHAR
-- The precision in lower case (fp64, tf32, bf16, fp8 or fp4); any other value raises
-- "precision must be one of fp64, tf32, bf16, fp8, fp4, not <value>".
CREATE OR REPLACE TEMP MACRO perf_precision(precision) AS
    CASE WHEN lower(precision) IN ('fp64', 'tf32', 'bf16', 'fp8', 'fp4') THEN lower(precision)
         ELSE error('precision must be one of fp64, tf32, bf16, fp8, fp4, not ' || precision) END;

-- gpu_peaks(precision) → TABLE
-- One row per inventory GPU (table gpus), whether or not it reports: gpu_id, gpu_uuid, hostname,
-- gpu_index, rack, pod, model, first_seen (UTC, its first sample; NULL = never reported),
-- max_boost_mhz (MHz, from the catalog; NULL = unknown),
-- peak (TFLOPS, the model's dense nameplate at the precision from gpu_models.<precision>_tflops;
-- NULL = model not in the catalog or no figure at the precision: "peak unknown", never 0).
-- An unknown precision raises the perf_precision error.
CREATE OR REPLACE TEMP MACRO gpu_peaks(precision) AS TABLE
    SELECT g.gpu_id, g.gpu_uuid, g.hostname, g.gpu_index, g.rack, g.pod, g.model, g.first_seen, m.max_boost_mhz,
           CASE prm.p WHEN 'fp64' THEN m.fp64_tflops WHEN 'tf32' THEN m.tf32_tflops
                      WHEN 'bf16' THEN m.bf16_tflops WHEN 'fp8' THEN m.fp8_tflops
                      WHEN 'fp4' THEN m.fp4_tflops END AS peak
    FROM gpus g LEFT JOIN gpu_models m ON m.model = g.model,
         (SELECT perf_precision(precision) AS p) prm;

-- gpu_fleet(t1, precision) → TABLE
-- The GPUs in the inventory as of a range ending at t1 (UTC, exclusive), as gpu_peaks rows: those
-- whose first sample is before t1 (gpus.first_seen, kept by every load), and those that never
-- reported (listed by an inventory file, with no time to place them by: counted in every range).
-- A GPU first seen after the range is not yet part of it; one that went silent stays in it (it is
-- in the inventory, not reporting). docs/real-inputs.md, "Inventory as of a range".
CREATE OR REPLACE TEMP MACRO gpu_fleet(t1, precision) AS TABLE
    SELECT * FROM gpu_peaks(precision) WHERE first_seen IS NULL OR first_seen < t1;

-- gpu_activity(t0, t1, precision) → TABLE
-- One row per GPU sample with t0 <= ts < t1 (UTC) of an inventory GPU:
--   gpu_id, ts (UTC), peak (TFLOPS, as gpu_peaks; NULL = unknown),
--   act (ratio 0..1: fp64_active for fp64, tensor_active otherwise; NULL = counter missing,
--        which is missing, not zero),
--   clock_factor (ratio 0..1: least(sm_clock_mhz / max_boost_mhz, 1); 1 where max boost is
--        unknown or the sample has no SM clock),
--   act_eff (ratio 0..1: act × clock_factor; act_eff × peak = the sample's delivered TFLOPS),
--   and the raw counters: util (%), tensor_active, fp64_active, sm_active (ratios 0..1),
--   sm_clock_mhz (MHz), power_w (W), temp_c (degC), xid (last XID code; 0 = none or not reported).
CREATE OR REPLACE TEMP MACRO gpu_activity(t0, t1, precision) AS TABLE
    SELECT *, act * clock_factor AS act_eff
    FROM (SELECT s.gpu_id, s.ts, g.peak,
                 CASE WHEN prm.p = 'fp64' THEN s.fp64_active ELSE s.tensor_active END AS act,
                 CASE WHEN g.max_boost_mhz > 0 AND s.sm_clock_mhz IS NOT NULL
                      THEN least(s.sm_clock_mhz / g.max_boost_mhz, 1.0) ELSE 1.0 END AS clock_factor,
                 s.util, s.tensor_active, s.fp64_active, s.sm_active, s.sm_clock_mhz, s.power_w,
                 s.temp_c, coalesce(s.xid, 0) AS xid
          FROM gpu_samples s JOIN gpu_peaks(precision) g USING (gpu_id),
               (SELECT perf_precision(precision) AS p) prm
          WHERE s.ts >= t0 AND s.ts < t1);

-- gpu_idle(t0, t1, idle_threshold, idle_minutes) → TABLE
-- The idle rule (gaps and islands). One row per GPU with at least one idle run of idle_minutes
-- or more in [t0, t1): gpu_id, idle_stretches (such runs), idle_minutes_total (min, in them),
-- longest_idle_minutes (min), idle_from (UTC, start of the first), idle_until (UTC, end of the
-- last: its last idle sample plus one step), idle_now (BOOLEAN, the last run reaches the GPU's
-- last sample in the range), idle_share (ratio 0..1: idle_minutes_total / observed minutes,
-- observed = samples × step).
-- Per GPU, samples in time order; a sample is idle when greatest(tensor_active, fp64_active) is
-- below idle_threshold (a sample without either counter is unknown and breaks a run, so GPUs
-- without profiling counters are never idle). A run also breaks where the gap to the previous
-- sample exceeds two steps; step = the GPU's median interval between samples (s). A run lasts from
-- its first idle sample to its last plus one step: 12 idle samples 5 minutes apart make 60 minutes.
CREATE OR REPLACE TEMP MACRO gpu_idle(t0, t1, idle_threshold, idle_minutes) AS TABLE
    WITH s AS MATERIALIZED (
        SELECT gpu_id, ts,
               greatest(tensor_active, fp64_active) < idle_threshold AS idle,
               lag(greatest(tensor_active, fp64_active) < idle_threshold) OVER w AS prev_idle,
               epoch(ts) - epoch(lag(ts) OVER w) AS dt
        FROM gpu_samples
        WHERE ts >= t0 AND ts < t1
        WINDOW w AS (PARTITION BY gpu_id ORDER BY ts)
    ),
    step AS (
        SELECT gpu_id, coalesce(median(dt), 0) AS step_s, count(*) AS n, max(ts) AS last_ts
        FROM s GROUP BY gpu_id
    ),
    -- idle samples only; a run starts where the sample before was not idle (or unknown) or is too far back
    idle_rows AS (
        SELECT s.gpu_id, s.ts, st.step_s,
               NOT coalesce(s.prev_idle AND s.dt <= 2 * st.step_s, false) AS starts_run
        FROM s JOIN step st USING (gpu_id)
        WHERE s.idle
    ),
    numbered AS (
        SELECT *, sum(starts_run::INTEGER) OVER (PARTITION BY gpu_id ORDER BY ts
                                                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run_no
        FROM idle_rows
    ),
    islands AS (
        SELECT gpu_id, run_no, min(ts) AS run_from, max(ts) AS last_idle_ts,
               (epoch(max(ts)) - epoch(min(ts)) + any_value(step_s)) / 60.0 AS minutes
        FROM numbered
        GROUP BY gpu_id, run_no
    )
    SELECT i.gpu_id, count(*) AS idle_stretches, sum(i.minutes) AS idle_minutes_total,
           max(i.minutes) AS longest_idle_minutes, min(i.run_from) AS idle_from,
           max(i.last_idle_ts) + to_seconds(CAST(any_value(st.step_s) AS BIGINT)) AS idle_until,
           max(i.last_idle_ts) = any_value(st.last_ts) AS idle_now,
           least(sum(i.minutes) / nullif(any_value(st.n) * any_value(st.step_s) / 60.0, 0), 1.0) AS idle_share
    FROM islands i JOIN step st USING (gpu_id)
    WHERE i.minutes >= idle_minutes
    GROUP BY i.gpu_id;

-- is_xid(code) → BOOLEAN: the sample shows an XID error: DCGM_FI_DEV_XID_ERRORS (the last XID
-- code, a gauge) is a code other than 0 (NULL counts as 0).
CREATE OR REPLACE TEMP MACRO is_xid(code) AS coalesce(code, 0) <> 0;

-- is_hot(temp, hot_temp_c) → BOOLEAN: the sample's GPU temperature (degC) is above hot_temp_c (degC).
CREATE OR REPLACE TEMP MACRO is_hot(temp, hot_temp_c) AS temp > hot_temp_c;

-- gpu_health(t0, t1, hot_temp_c) → TABLE
-- The unhealthy rule. One row per GPU with a sample in [t0, t1): gpu_id, samples, xid_samples
-- (samples whose DCGM_FI_DEV_XID_ERRORS is a code other than 0: the gauge holds the last XID),
-- first_xid, last_xid (UTC), hot_samples (samples with temp_c above hot_temp_c, degC),
-- max_temp_c (degC), affected (samples with an XID or hot), affected_share (ratio 0..1,
-- affected / samples). A GPU is unhealthy when affected > 0. The drill-down queries count
-- is_xid / is_hot over gpu_activity instead, in the same pass as the delivered FLOPS.
CREATE OR REPLACE TEMP MACRO gpu_health(t0, t1, hot_temp_c) AS TABLE
    SELECT gpu_id, count(*) AS samples,
           count(*) FILTER (WHERE is_xid(xid)) AS xid_samples,
           min(ts) FILTER (WHERE is_xid(xid)) AS first_xid,
           max(ts) FILTER (WHERE is_xid(xid)) AS last_xid,
           count(*) FILTER (WHERE is_hot(temp_c, hot_temp_c)) AS hot_samples,
           max(temp_c) AS max_temp_c,
           count(*) FILTER (WHERE is_xid(xid) OR is_hot(temp_c, hot_temp_c)) AS affected,
           count(*) FILTER (WHERE is_xid(xid) OR is_hot(temp_c, hot_temp_c)) / count(*) AS affected_share
    FROM gpu_samples
    WHERE ts >= t0 AND ts < t1
    GROUP BY gpu_id;

-- gpu_sampling(t0, t1) → TABLE
-- One row per GPU with a sample in [t0, t1): gpu_id, samples, step_s (s, the median interval
-- between its consecutive samples; 0 with a single sample), last_ts (UTC, its last sample).
CREATE OR REPLACE TEMP MACRO gpu_sampling(t0, t1) AS TABLE
    SELECT gpu_id, count(*) AS samples, coalesce(median(dt), 0) AS step_s, max(ts) AS last_ts
    FROM (SELECT gpu_id, ts, epoch(ts) - epoch(lag(ts) OVER (PARTITION BY gpu_id ORDER BY ts)) AS dt
          FROM gpu_samples WHERE ts >= t0 AND ts < t1)
    GROUP BY gpu_id;

-- gpu_levels(t0, t1, precision, hot_temp_c, level, in_pod, in_rack) → TABLE
-- The drill-down rows, one rule for every level: level 'pod' gives one row per pod of the whole
-- fleet; 'rack' one row per rack of pod in_pod; 'node' one row per node (Hostname) of rack in_rack.
-- Columns: level_key (the pod, rack or hostname), pod, rack, hostname (of the row's GPUs; only those
-- above the level are meaningful), gpus (inventory as of t1, gpu_fleet), gpus_reporting (with a sample in [t0, t1)),
-- gpus_without_counters (reporting without the activity counter for the precision: not counted, not
-- zero), gpus_peak_unknown (no catalog peak at the precision), peak_tflops (TFLOPS, dense nameplate
-- of the GPUs of known peak), delivered_tflops (TFLOPS, estimate: per GPU the range mean of act_eff ×
-- peak, summed), mfu (ratio 0..1, delivered / nameplate of the GPUs counted), util_pct (%, mean
-- DCGM_FI_DEV_GPU_UTIL), tensor_active_pct (%, mean tensor-pipe activity × 100), power_kw (kW, mean
-- power summed over GPUs), max_temp_c (degC), xid_gpus (GPUs with an XID in the range), hot_gpus
-- (GPUs with a sample above hot_temp_c). GPUs without a pod, rack or node form the row whose key is NULL.
CREATE OR REPLACE TEMP MACRO gpu_levels(t0, t1, precision, hot_temp_c, level, in_pod, in_rack) AS TABLE
    WITH g AS (
        SELECT * FROM gpu_fleet(t1, precision)
        WHERE level = 'pod' OR (level = 'rack' AND pod = in_pod) OR (level = 'node' AND rack = in_rack)
    ),
    per_gpu AS (
        SELECT a.gpu_id, avg(a.act_eff) AS act_eff, count(a.act) AS n_act,
               avg(a.util) AS util, avg(a.tensor_active) AS tensor_active, avg(a.power_w) AS power_w,
               max(a.temp_c) AS max_temp_c,
               count(*) FILTER (WHERE is_xid(a.xid)) AS xid_samples,
               count(*) FILTER (WHERE is_hot(a.temp_c, hot_temp_c)) AS hot_samples
        FROM gpu_activity(t0, t1, precision) a SEMI JOIN g USING (gpu_id)
        GROUP BY a.gpu_id
    )
    SELECT CASE level WHEN 'pod' THEN g.pod WHEN 'rack' THEN g.rack ELSE g.hostname END AS level_key,
           any_value(g.pod) AS pod, any_value(g.rack) AS rack, any_value(g.hostname) AS hostname,
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
    GROUP BY level_key;
