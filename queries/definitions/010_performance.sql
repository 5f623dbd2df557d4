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

-- is_xid(code) → BOOLEAN: the sample shows an XID error: DCGM_FI_DEV_XID_ERRORS (the last XID
-- code, a gauge) is a code other than 0 (NULL counts as 0).
CREATE OR REPLACE TEMP MACRO is_xid(code) AS coalesce(code, 0) <> 0;

-- is_hot(temp, hot_temp_c) → BOOLEAN: the sample's GPU temperature (degC) is above hot_temp_c (degC).
CREATE OR REPLACE TEMP MACRO is_hot(temp, hot_temp_c) AS temp > hot_temp_c;

-- derived(k) → DOUBLE: the rule the derived tables were built with (derived_config: idle_threshold,
-- hot_temp_c).
CREATE OR REPLACE TEMP MACRO derived(k) AS (SELECT value FROM derived_config WHERE key = k);

-- floor_to(t, minutes), ceil_to(t, minutes) → TIMESTAMP: t rounded down / up to a whole number of
-- minutes-wide buckets (aligned as time_bucket aligns them: whole hours, whole 5 minutes).
CREATE OR REPLACE TEMP MACRO floor_to(t, minutes) AS time_bucket(to_minutes(minutes), t);
CREATE OR REPLACE TEMP MACRO ceil_to(t, minutes) AS
    CASE WHEN time_bucket(to_minutes(minutes), t) = t THEN t
         ELSE time_bucket(to_minutes(minutes), t) + to_minutes(minutes) END;

-- gpu_sample_rows(t0, t1) → TABLE
-- Every GPU sample with t0 <= ts < t1, with what the derived tables add up:
--   cf (clock factor, ratio 0..1: least(sm_clock_mhz / max_boost_mhz, 1); 1 where the catalog has no
--      max boost clock or the sample has no SM clock), xid (0 where not reported),
--   de (J: increase of DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION since the GPU's previous sample, when
--      that sample is at most an hour earlier and both carry the counter; a decrease is a restart,
--      whose new value is the increase; NULL otherwise: a gap of more than an hour is a gap, not
--      one long interval), reset (BOOLEAN, the counter went down),
--   pe (J: for an interval of at most an hour without the energy counter at both ends, the mean of
--      its two power samples × its length (trapezoid); NULL otherwise),
--   repeat (BOOLEAN: the GPU's previous sample has the same timestamp; never true in a committed
--      store, the loader's check of a file's duplicates: dashboard/derive.py).
-- Empty, without reading anything, when t0 >= t1.
CREATE OR REPLACE TEMP MACRO gpu_sample_rows(t0, t1) AS TABLE
    SELECT s.gpu_id, s.ts, s.util, s.tensor_active, s.fp64_active, s.sm_active, s.sm_clock_mhz, s.power_w,
           s.temp_c, coalesce(s.xid, 0) AS xid,
           CASE WHEN m.max_boost_mhz > 0 AND s.sm_clock_mhz IS NOT NULL
                THEN least(s.sm_clock_mhz / m.max_boost_mhz, 1.0) ELSE 1.0 END AS cf,
           CASE WHEN s.prev_ts IS NULL OR s.ts - s.prev_ts > INTERVAL 1 HOUR
                     OR s.energy_j IS NULL OR s.prev_e IS NULL THEN NULL
                WHEN s.energy_j >= s.prev_e THEN s.energy_j - s.prev_e ELSE s.energy_j END AS de,
           coalesce(s.ts - s.prev_ts <= INTERVAL 1 HOUR AND s.energy_j < s.prev_e, false) AS reset,
           CASE WHEN (s.energy_j IS NULL OR s.prev_e IS NULL) AND s.ts - s.prev_ts <= INTERVAL 1 HOUR
                THEN (s.power_w + s.prev_p) / 2 * (epoch(s.ts) - epoch(s.prev_ts)) END AS pe,
           coalesce(s.ts = s.prev_ts, false) AS repeat
    FROM (SELECT *, lag(ts) OVER w AS prev_ts, lag(energy_j) OVER w AS prev_e, lag(power_w) OVER w AS prev_p
          FROM gpu_samples
          WHERE ts >= t0 - INTERVAL 1 HOUR AND ts < t1 AND t0 < t1
          WINDOW w AS (PARTITION BY gpu_id ORDER BY ts)) s
    JOIN gpus g USING (gpu_id) LEFT JOIN gpu_models m ON m.model = g.model
    WHERE s.ts >= t0;

-- gpu_rollup(rows_table, width, b0, b1) → TABLE
-- The rows of a per-GPU rollup table (the refresh's 5-minute rows, gpu_hourly: the same columns,
-- their start in `bucket`) with b0 <= bucket < b1, summed per GPU into buckets of `width`: counts
-- and sums add, maxima take the largest, first_ts / last_ts the earliest and latest. The columns of
-- gpu_hourly and gpu_daily.
CREATE OR REPLACE TEMP MACRO gpu_rollup(rows_table, width, b0, b1) AS TABLE
SELECT time_bucket(width, bucket) AS bucket, gpu_id, sum(n)::INTEGER AS n,
       sum(util_n)::INTEGER AS util_n, sum(util_sum) AS util_sum,
       sum(tensor_n)::INTEGER AS tensor_n, sum(tensor_sum) AS tensor_sum, sum(tensor_eff_sum) AS tensor_eff_sum,
       sum(fp64_n)::INTEGER AS fp64_n, sum(fp64_sum) AS fp64_sum, sum(fp64_eff_sum) AS fp64_eff_sum,
       sum(sm_n)::INTEGER AS sm_n, sum(sm_sum) AS sm_sum,
       sum(clock_n)::INTEGER AS clock_n, sum(clock_sum) AS clock_sum, sum(cf_sum) AS cf_sum,
       sum(power_n)::INTEGER AS power_n, sum(power_sum) AS power_sum, max(power_max) AS power_max,
       sum(temp_n)::INTEGER AS temp_n, sum(temp_sum) AS temp_sum, max(temp_max) AS temp_max,
       sum(xid_n)::INTEGER AS xid_n, sum(hot_n)::INTEGER AS hot_n, sum(affected_n)::INTEGER AS affected_n,
       sum(energy_j) AS energy_j, sum(energy_n)::INTEGER AS energy_n, sum(energy_resets)::INTEGER AS energy_resets,
       sum(power_energy_j) AS power_energy_j, sum(power_energy_n)::INTEGER AS power_energy_n,
       min(first_ts) AS first_ts, max(last_ts) AS last_ts
FROM query_table(rows_table)
WHERE bucket >= b0 AND bucket < b1
GROUP BY ALL;

-- gpu_hour_rows(t0, t1) → TABLE
-- gpu_sample_rows summed per GPU and hour: the rows of table gpu_hourly (see migration 007 for the
-- columns), computed from the samples. hot_n / affected_n count temperatures above
-- derived('hot_temp_c').
CREATE OR REPLACE TEMP MACRO gpu_hour_rows(t0, t1) AS TABLE
    SELECT time_bucket(INTERVAL 1 HOUR, ts) AS bucket, gpu_id, count(*)::INTEGER AS n,
           count(util)::INTEGER AS util_n, sum(util) AS util_sum,
           count(tensor_active)::INTEGER AS tensor_n, sum(tensor_active) AS tensor_sum,
           sum(tensor_active * cf) AS tensor_eff_sum,
           count(fp64_active)::INTEGER AS fp64_n, sum(fp64_active) AS fp64_sum,
           sum(fp64_active * cf) AS fp64_eff_sum,
           count(sm_active)::INTEGER AS sm_n, sum(sm_active) AS sm_sum,
           count(sm_clock_mhz)::INTEGER AS clock_n, sum(sm_clock_mhz) AS clock_sum, sum(cf) AS cf_sum,
           count(power_w)::INTEGER AS power_n, sum(power_w) AS power_sum, max(power_w) AS power_max,
           count(temp_c)::INTEGER AS temp_n, sum(temp_c) AS temp_sum, max(temp_c) AS temp_max,
           count(*) FILTER (WHERE is_xid(xid))::INTEGER AS xid_n,
           count(*) FILTER (WHERE is_hot(temp_c, derived('hot_temp_c')))::INTEGER AS hot_n,
           count(*) FILTER (WHERE is_xid(xid) OR is_hot(temp_c, derived('hot_temp_c')))::INTEGER AS affected_n,
           sum(de) AS energy_j, count(de)::INTEGER AS energy_n,
           count(*) FILTER (WHERE reset)::INTEGER AS energy_resets,
           sum(pe) AS power_energy_j, count(pe)::INTEGER AS power_energy_n,
           min(ts) AS first_ts, max(ts) AS last_ts
    FROM gpu_sample_rows(t0, t1)
    GROUP BY ALL;

-- gpu_interval_rows(t0, t1) → TABLE
-- The rows of table gpu_groups_5m computed from the samples: per 5-minute interval, each GPU's
-- means over its samples in the interval, then summed per (rack, pod, model).
CREATE OR REPLACE TEMP MACRO gpu_interval_rows(t0, t1) AS TABLE
    WITH per AS (
        SELECT time_bucket(INTERVAL 5 MINUTE, ts) AS bucket, gpu_id,
               avg(util) AS util, avg(tensor_active) AS ten, avg(tensor_active * cf) AS ten_eff,
               avg(fp64_active) AS f64, avg(fp64_active * cf) AS f64_eff, avg(power_w) AS pw,
               sum(de) AS e, max(temp_c) AS t
        FROM gpu_sample_rows(t0, t1)
        GROUP BY ALL
    )
    SELECT per.bucket, g.rack, g.pod, g.model, count(*)::INTEGER AS gpus,
           count(per.util)::INTEGER AS util_gpus, sum(per.util) AS util_mean_sum,
           count(per.ten)::INTEGER AS tensor_gpus, sum(per.ten) AS tensor_mean_sum,
           sum(per.ten_eff) AS tensor_eff_mean_sum,
           count(per.f64)::INTEGER AS fp64_gpus, sum(per.f64) AS fp64_mean_sum, sum(per.f64_eff) AS fp64_eff_mean_sum,
           count(per.pw)::INTEGER AS power_gpus, sum(per.pw) AS power_mean_sum,
           sum(per.e) AS energy_j, max(per.t) AS temp_max
    FROM per JOIN gpus g USING (gpu_id)
    GROUP BY per.bucket, g.rack, g.pod, g.model;

-- gpu_hours(t0, t1) → TABLE
-- The gpu_hourly rows that make up [t0, t1) exactly: whole hours from the table, the partial hours
-- at either end computed from the samples inside the range. Sum a column over a GPU's rows for its
-- total over the range; sum / count for its mean. (A range on whole hours reads no samples.)
CREATE OR REPLACE TEMP MACRO gpu_hours(t0, t1) AS TABLE
    SELECT * FROM gpu_hour_rows(t0, least(ceil_to(t0, 60), t1))
    UNION ALL BY NAME
    SELECT * FROM gpu_hourly
    WHERE bucket >= least(ceil_to(t0, 60), t1) AND bucket < greatest(floor_to(t1, 60), least(ceil_to(t0, 60), t1))
    UNION ALL BY NAME
    SELECT * FROM gpu_hour_rows(greatest(floor_to(t1, 60), least(ceil_to(t0, 60), t1)), t1);

-- whole_from(t0, t1, minutes), whole_until(t0, t1, minutes) → TIMESTAMP: the whole minutes-wide
-- buckets inside [t0, t1) are [whole_from, whole_until) (empty when none fits).
CREATE OR REPLACE TEMP MACRO whole_from(t0, t1, minutes) AS least(ceil_to(t0, minutes), t1);
CREATE OR REPLACE TEMP MACRO whole_until(t0, t1, minutes) AS
    greatest(floor_to(t1, minutes), least(ceil_to(t0, minutes), t1));

-- gpu_span(t0, t1) → TABLE
-- Rows with gpu_hourly's columns that make up [t0, t1) exactly, as few as possible, for totals per GPU:
-- whole days from gpu_daily, whole hours around them from gpu_hourly, the partial hours at either
-- end from the samples (bucket: the row's day or hour). Per-hour figures read gpu_hours instead.
-- The bounds are constant expressions of t0 and t1, so the tables' zone maps prune by time.
CREATE OR REPLACE TEMP MACRO gpu_span(t0, t1) AS TABLE
    SELECT * FROM gpu_hour_rows(t0, whole_from(t0, t1, 60))
    UNION ALL BY NAME
    SELECT * FROM gpu_hourly
    WHERE bucket >= whole_from(t0, t1, 60)
      AND bucket < whole_from(whole_from(t0, t1, 60), whole_until(t0, t1, 60), 1440)
    UNION ALL BY NAME
    SELECT * FROM gpu_daily
    WHERE bucket >= whole_from(whole_from(t0, t1, 60), whole_until(t0, t1, 60), 1440)
      AND bucket < whole_until(whole_from(t0, t1, 60), whole_until(t0, t1, 60), 1440)
    UNION ALL BY NAME
    SELECT * FROM gpu_hourly
    WHERE bucket >= whole_until(whole_from(t0, t1, 60), whole_until(t0, t1, 60), 1440)
      AND bucket < whole_until(t0, t1, 60)
    UNION ALL BY NAME
    SELECT * FROM gpu_hour_rows(whole_until(t0, t1, 60), t1);

-- gpu_groups(t0, t1, level, in_pod) → TABLE
-- The 5-minute group rows that make up [t0, t1): whole intervals from the tables, the partial ones at
-- either end from the samples inside the range. level 'rack': the rows of gpu_groups_5m (per rack,
-- pod and model; only pod in_pod when it is given); level 'pod': the rows of gpu_pods_5m (per pod
-- and model, racks = racks reporting, rack NULL): the same sums, ten times fewer rows.
CREATE OR REPLACE TEMP MACRO gpu_groups(t0, t1, level, in_pod) AS TABLE
    WITH edges AS (
        SELECT * FROM gpu_interval_rows(t0, least(ceil_to(t0, 5), t1))
        UNION ALL BY NAME
        SELECT * FROM gpu_interval_rows(greatest(floor_to(t1, 5), least(ceil_to(t0, 5), t1)), t1)
    ),
    racks AS (
        SELECT *, 1 AS racks FROM edges
        UNION ALL BY NAME
        SELECT *, 1 AS racks FROM gpu_groups_5m
        WHERE bucket >= least(ceil_to(t0, 5), t1) AND bucket < greatest(floor_to(t1, 5), least(ceil_to(t0, 5), t1))
    )
    SELECT * FROM racks WHERE level = 'rack' AND (in_pod IS NULL OR pod = in_pod)
    UNION ALL BY NAME
    SELECT bucket, NULL::VARCHAR AS rack, pod, model, sum(gpus)::INTEGER AS gpus, count(DISTINCT rack)::INTEGER AS racks,
           sum(util_gpus)::INTEGER AS util_gpus, sum(util_mean_sum) AS util_mean_sum,
           sum(tensor_gpus)::INTEGER AS tensor_gpus, sum(tensor_mean_sum) AS tensor_mean_sum,
           sum(tensor_eff_mean_sum) AS tensor_eff_mean_sum,
           sum(fp64_gpus)::INTEGER AS fp64_gpus, sum(fp64_mean_sum) AS fp64_mean_sum,
           sum(fp64_eff_mean_sum) AS fp64_eff_mean_sum,
           sum(power_gpus)::INTEGER AS power_gpus, sum(power_mean_sum) AS power_mean_sum,
           sum(energy_j) AS energy_j, max(temp_max) AS temp_max
    FROM edges WHERE level = 'pod'
    GROUP BY bucket, pod, model
    UNION ALL BY NAME
    SELECT * FROM gpu_pods_5m
    WHERE level = 'pod'
      AND bucket >= least(ceil_to(t0, 5), t1) AND bucket < greatest(floor_to(t1, 5), least(ceil_to(t0, 5), t1));

-- gpu_fleet_intervals(t0, t1, precision, level, in_pod) → TABLE
-- Per 5-minute interval and group in [t0, t1) (gpu_groups at the level: 'pod' for the fleet and its
-- pods, 'rack' for the racks of pod in_pod): gpus (reporting), racks (reporting), delivered_tflops
-- (TFLOPS, estimate: Σ over the group's GPUs of their interval mean of activity × clock factor, ×
-- the model's dense peak at the precision; NULL where the peak is unknown), counted_peak_tflops
-- (TFLOPS, nameplate of the GPUs with the activity counter), act_gpus (GPUs with the counter),
-- util_gpus, util_mean_sum (Σ of GPUs' mean GPU_UTIL, %), tensor_gpus, tensor_mean_sum (Σ of mean
-- tensor activity, ratio), power_mean_sum (W), energy_j (J), temp_max (degC), peak (TFLOPS per GPU;
-- NULL = unknown). Time series are means over the intervals with data of these sums.
CREATE OR REPLACE TEMP MACRO gpu_fleet_intervals(t0, t1, precision, level, in_pod) AS TABLE
    SELECT r.bucket, r.rack, r.pod, r.model, r.gpus, r.racks, pk.peak,
           CASE WHEN prm.p = 'fp64' THEN r.fp64_eff_mean_sum ELSE r.tensor_eff_mean_sum END * pk.peak AS delivered_tflops,
           CASE WHEN prm.p = 'fp64' THEN r.fp64_gpus ELSE r.tensor_gpus END * pk.peak AS counted_peak_tflops,
           CASE WHEN prm.p = 'fp64' THEN r.fp64_gpus ELSE r.tensor_gpus END AS act_gpus,
           r.util_gpus, r.util_mean_sum, r.tensor_gpus, r.tensor_mean_sum, r.power_mean_sum, r.energy_j, r.temp_max
    FROM gpu_groups(t0, t1, level, in_pod) r
    LEFT JOIN (SELECT model,
                      CASE perf_precision(precision) WHEN 'fp64' THEN fp64_tflops WHEN 'tf32' THEN tf32_tflops
                           WHEN 'bf16' THEN bf16_tflops WHEN 'fp8' THEN fp8_tflops WHEN 'fp4' THEN fp4_tflops END AS peak
               FROM gpu_models) pk ON pk.model = r.model,
         (SELECT perf_precision(precision) AS p) prm;

-- gpu_totals(t0, t1, precision) → TABLE
-- Per GPU of the inventory as of the range (gpu_fleet: reporting or not), its totals over [t0, t1)
-- from gpu_hours:
-- gpu_id, gpu_uuid, hostname, gpu_index, rack, pod, model, peak (as gpu_peaks), samples (0 when not
-- reporting), act_n (samples with the activity counter for the precision), act_eff (mean activity ×
-- clock factor over those), util (%), tensor_active, fp64_active (ratios), cf (mean clock factor),
-- sm_clock_mhz (MHz), power_w (W, mean), max_temp_c (degC), xid_n, hot_n, affected_n (samples),
-- energy_j (J), last_ts (UTC, last sample).
CREATE OR REPLACE TEMP MACRO gpu_totals(t0, t1, precision) AS TABLE
    WITH h AS (
        SELECT gpu_id, sum(n) AS samples, sum(tensor_n) AS tensor_n, sum(tensor_sum) AS tensor_sum,
               sum(tensor_eff_sum) AS tensor_eff_sum, sum(fp64_n) AS fp64_n, sum(fp64_sum) AS fp64_sum,
               sum(fp64_eff_sum) AS fp64_eff_sum, sum(util_n) AS util_n, sum(util_sum) AS util_sum,
               sum(cf_sum) AS cf_sum, sum(clock_n) AS clock_n, sum(clock_sum) AS clock_sum,
               sum(power_n) AS power_n, sum(power_sum) AS power_sum, max(temp_max) AS max_temp_c,
               sum(xid_n) AS xid_n, sum(hot_n) AS hot_n, sum(affected_n) AS affected_n,
               sum(energy_j) AS energy_j, max(last_ts) AS last_ts
        FROM gpu_span(t0, t1) GROUP BY gpu_id
    )
    SELECT g.gpu_id, g.gpu_uuid, g.hostname, g.gpu_index, g.rack, g.pod, g.model, g.peak,
           coalesce(h.samples, 0) AS samples,
           CASE WHEN prm.p = 'fp64' THEN h.fp64_n ELSE h.tensor_n END AS act_n,
           CASE WHEN prm.p = 'fp64' THEN h.fp64_eff_sum / nullif(h.fp64_n, 0)
                ELSE h.tensor_eff_sum / nullif(h.tensor_n, 0) END AS act_eff,
           h.util_sum / nullif(h.util_n, 0) AS util,
           h.tensor_sum / nullif(h.tensor_n, 0) AS tensor_active,
           h.fp64_sum / nullif(h.fp64_n, 0) AS fp64_active,
           h.cf_sum / nullif(h.samples, 0) AS cf,
           h.clock_sum / nullif(h.clock_n, 0) AS sm_clock_mhz,
           h.power_sum / nullif(h.power_n, 0) AS power_w,
           h.max_temp_c, h.xid_n, h.hot_n, h.affected_n, h.energy_j, h.last_ts
    FROM gpu_fleet(t1, precision) g LEFT JOIN h USING (gpu_id),
         (SELECT perf_precision(precision) AS p) prm;

-- gpu_runs_in(t0, t1) → TABLE
-- The stored runs (table gpu_runs) that overlap [t0, t1), cut to the range: first_ts / last_ts are
-- the run's first and last sample inside the range (looked up in the samples only for runs that
-- cross an end of the range), with the GPU's step_s (s).
CREATE OR REPLACE TEMP MACRO gpu_runs_in(t0, t1) AS TABLE
    WITH r AS (
        SELECT r.*, coalesce(st.step_s, 0) AS step_s
        FROM gpu_runs r LEFT JOIN gpu_steps st USING (gpu_id)
        WHERE r.first_ts < t1 AND r.last_ts >= t0
    ),
    head AS (  -- runs that started before t0: their first sample at or after t0 (within two steps)
        SELECT r.gpu_id, r.first_ts, min(s.ts) AS ts
        FROM r JOIN gpu_samples s ON s.gpu_id = r.gpu_id AND s.ts >= t0 AND s.ts <= r.last_ts
        WHERE r.first_ts < t0
          AND s.ts >= t0 AND s.ts <= t0 + to_seconds(2 * (SELECT coalesce(max(step_s), 0) FROM gpu_steps)::BIGINT + 1)
        GROUP BY ALL
    ),
    tail AS (  -- runs that end at or after t1: their last sample before t1
        SELECT r.gpu_id, r.first_ts, max(s.ts) AS ts
        FROM r JOIN gpu_samples s ON s.gpu_id = r.gpu_id AND s.ts < t1 AND s.ts >= r.first_ts
        WHERE r.last_ts >= t1
          AND s.ts < t1 AND s.ts >= t1 - to_seconds(2 * (SELECT coalesce(max(step_s), 0) FROM gpu_steps)::BIGINT + 1)
        GROUP BY ALL
    )
    SELECT r.gpu_id, r.state, coalesce(h.ts, r.first_ts) AS first_ts, coalesce(t.ts, r.last_ts) AS last_ts,
           r.step_s
    FROM r LEFT JOIN head h ON h.gpu_id = r.gpu_id AND h.first_ts = r.first_ts
           LEFT JOIN tail t ON t.gpu_id = r.gpu_id AND t.first_ts = r.first_ts
    WHERE coalesce(h.ts, r.first_ts) >= t0 AND coalesce(t.ts, r.last_ts) < t1;

-- gpu_runs_from_samples(t0, t1, idle_threshold) → TABLE
-- The runs of gpu_runs_in computed from the samples in [t0, t1) for another threshold than the
-- stored runs' (same columns, same rule). Reads nothing when idle_threshold is the stored one.
CREATE OR REPLACE TEMP MACRO gpu_runs_from_samples(t0, t1, idle_threshold) AS TABLE
    WITH s AS (
        SELECT gpu_id, ts,
               CASE WHEN greatest(tensor_active, fp64_active) IS NULL THEN 'unknown'
                    WHEN greatest(tensor_active, fp64_active) < idle_threshold THEN 'idle'
                    ELSE 'busy' END AS state
        FROM gpu_samples
        WHERE ts >= t0 AND ts < t1 AND idle_threshold <> getvariable('derived_idle_threshold')
    ),
    w AS (
        SELECT s.*, lag(state) OVER win AS prev_state, lag(ts) OVER win AS prev_ts
        FROM s WINDOW win AS (PARTITION BY gpu_id ORDER BY ts)
    ),
    m AS (
        SELECT w.gpu_id, w.ts, w.state, coalesce(st.step_s, 0) AS step_s,
               (w.prev_ts IS NULL OR w.state <> w.prev_state
                OR epoch(w.ts) - epoch(w.prev_ts) > 2 * coalesce(st.step_s, 0))::INTEGER AS starts
        FROM w LEFT JOIN gpu_steps st USING (gpu_id)
    ),
    n AS (SELECT *, sum(starts) OVER (PARTITION BY gpu_id ORDER BY ts ROWS UNBOUNDED PRECEDING) AS run_no FROM m)
    SELECT gpu_id, any_value(state) AS state, min(ts) AS first_ts, max(ts) AS last_ts, any_value(step_s) AS step_s
    FROM n GROUP BY gpu_id, run_no;

-- gpu_idle(t0, t1, idle_threshold, idle_minutes) → TABLE
-- The idle rule. One row per GPU with at least one idle run of idle_minutes or more in [t0, t1):
-- gpu_id, idle_stretches (such runs), idle_minutes_total (min, in them), longest_idle_minutes (min),
-- idle_from (UTC, start of the first), idle_until (UTC, end of the last: its last idle sample plus
-- one step), idle_now (BOOLEAN, the last run reaches the GPU's last sample in the range),
-- idle_share (ratio 0..1: idle_minutes_total / observed minutes, observed = samples × step).
-- A sample is idle when greatest(tensor_active, fp64_active) is below idle_threshold (a sample with
-- neither counter is unknown and breaks a run: GPUs without profiling counters are never idle).
-- A run also breaks where the gap to the previous sample exceeds two steps (step = the GPU's
-- sampling step, table gpu_steps). A run lasts from its first idle sample to its last plus one step:
-- 12 idle samples 5 minutes apart make 60 minutes. Read from the runs stored at ingest (gpu_runs)
-- when idle_threshold is the one they were built for (derived('idle_threshold')), else computed from
-- the samples (slower, same rule).
CREATE OR REPLACE TEMP MACRO gpu_idle(t0, t1, idle_threshold, idle_minutes) AS TABLE
    WITH runs AS (
        SELECT gpu_id, state, first_ts, last_ts, step_s FROM gpu_runs_in(t0, t1)
        WHERE idle_threshold = getvariable('derived_idle_threshold')
        UNION ALL
        SELECT gpu_id, state, first_ts, last_ts, step_s FROM gpu_runs_from_samples(t0, t1, idle_threshold)
    ),
    idle_runs AS (
        SELECT gpu_id, first_ts, last_ts, step_s,
               (epoch(last_ts) - epoch(first_ts) + step_s) / 60.0 AS minutes
        FROM runs WHERE state = 'idle'
    ),
    last_run AS (SELECT gpu_id, max(last_ts) AS last_ts FROM runs GROUP BY gpu_id),
    samples AS (SELECT gpu_id, sum(n) AS n FROM gpu_span(t0, t1) GROUP BY gpu_id)
    SELECT i.gpu_id, count(*) AS idle_stretches, sum(i.minutes) AS idle_minutes_total,
           max(i.minutes) AS longest_idle_minutes, min(i.first_ts) AS idle_from,
           max(i.last_ts) + to_seconds(CAST(any_value(i.step_s) AS BIGINT)) AS idle_until,
           max(i.last_ts) = any_value(l.last_ts) AS idle_now,
           least(sum(i.minutes) / nullif(any_value(sm.n) * any_value(i.step_s) / 60.0, 0), 1.0) AS idle_share
    FROM idle_runs i JOIN last_run l USING (gpu_id) JOIN samples sm USING (gpu_id)
    WHERE i.minutes >= idle_minutes
    GROUP BY i.gpu_id;

-- gpu_health(t0, t1, hot_temp_c) → TABLE
-- The unhealthy rule. One row per GPU with a sample in [t0, t1): gpu_id, samples, xid_samples
-- (samples whose DCGM_FI_DEV_XID_ERRORS is a code other than 0: the gauge holds the last XID),
-- first_xid, last_xid (UTC), hot_samples (samples with temp_c above hot_temp_c, degC), max_temp_c
-- (degC), affected (samples with an XID or hot), affected_share (ratio 0..1, affected / samples).
-- A GPU is unhealthy when affected > 0. Counted at ingest (gpu_hourly) for derived('hot_temp_c');
-- for another temperature the hot samples are counted from the samples (slower, same rule).
CREATE OR REPLACE TEMP MACRO gpu_health(t0, t1, hot_temp_c) AS TABLE
    WITH stored AS (
        SELECT gpu_id, sum(n) AS samples, sum(xid_n) AS xid_samples, sum(hot_n) AS hot_samples,
               max(temp_max) AS max_temp_c, sum(affected_n) AS affected
        FROM gpu_span(t0, t1)
        WHERE hot_temp_c = getvariable('derived_hot_temp_c')
        GROUP BY gpu_id
    ),
    counted AS (
        SELECT gpu_id, count(*) AS samples, count(*) FILTER (WHERE is_xid(xid)) AS xid_samples,
               count(*) FILTER (WHERE is_hot(temp_c, hot_temp_c)) AS hot_samples, max(temp_c) AS max_temp_c,
               count(*) FILTER (WHERE is_xid(xid) OR is_hot(temp_c, hot_temp_c)) AS affected
        FROM gpu_samples
        WHERE ts >= t0 AND ts < t1 AND hot_temp_c <> getvariable('derived_hot_temp_c')
        GROUP BY gpu_id
    ),
    h AS (SELECT * FROM stored UNION ALL SELECT * FROM counted),
    x AS (
        SELECT gpu_id, min(ts) AS first_xid, max(ts) AS last_xid
        FROM gpu_xid_events WHERE ts >= t0 AND ts < t1 GROUP BY gpu_id
    )
    SELECT h.gpu_id, h.samples, h.xid_samples, x.first_xid, x.last_xid, h.hot_samples, h.max_temp_c,
           h.affected, h.affected / h.samples AS affected_share
    FROM h LEFT JOIN x USING (gpu_id);

-- gpu_sampling(t0, t1) → TABLE
-- One row per GPU with a sample in [t0, t1): gpu_id, samples, step_s (s, the GPU's sampling step,
-- table gpu_steps; 0 when unknown), last_ts (UTC, its last sample).
CREATE OR REPLACE TEMP MACRO gpu_sampling(t0, t1) AS TABLE
    SELECT h.gpu_id, sum(h.n) AS samples, coalesce(any_value(st.step_s), 0) AS step_s, max(h.last_ts) AS last_ts
    FROM gpu_span(t0, t1) h LEFT JOIN gpu_steps st USING (gpu_id)
    GROUP BY h.gpu_id;

-- gpu_levels(t0, t1, precision, hot_temp_c, level, in_pod, in_rack) → TABLE
-- The drill-down rows, one rule for every level: level 'pod' gives one row per pod of the whole
-- fleet; 'rack' one row per rack of pod in_pod; 'node' one row per node (Hostname) of rack in_rack.
-- Columns: level_key (the pod, rack or hostname), pod, rack, hostname (of the row's GPUs; only those
-- above the level are meaningful), gpus (inventory as of t1, gpu_fleet), gpus_reporting (with a sample in [t0, t1)),
-- gpus_without_counters (reporting without the activity counter for the precision: not counted, not
-- zero), gpus_peak_unknown (no catalog peak at the precision), peak_tflops (TFLOPS, dense nameplate
-- of the GPUs of known peak), delivered_tflops (TFLOPS, estimate: per GPU the range mean of activity
-- × clock factor × peak, summed), mfu (ratio 0..1, delivered / nameplate of the GPUs counted),
-- util_pct (%, mean over GPUs of their mean DCGM_FI_DEV_GPU_UTIL), tensor_active_pct (%, likewise
-- tensor activity × 100), power_kw (kW, mean power summed over GPUs), max_temp_c (degC), xid_gpus
-- (GPUs with an XID in the range), hot_gpus (GPUs with a sample above hot_temp_c). GPUs without a
-- pod, rack or node form the row whose key is NULL.
CREATE OR REPLACE TEMP MACRO gpu_levels(t0, t1, precision, hot_temp_c, level, in_pod, in_rack) AS TABLE
    WITH t AS (
        SELECT * FROM gpu_totals(t0, t1, precision)
        WHERE level = 'pod' OR (level = 'rack' AND pod = in_pod) OR (level = 'node' AND rack = in_rack)
    )
    SELECT CASE level WHEN 'pod' THEN t.pod WHEN 'rack' THEN t.rack ELSE t.hostname END AS level_key,
           any_value(t.pod) AS pod, any_value(t.rack) AS rack, any_value(t.hostname) AS hostname,
           count(*) AS gpus,
           count(*) FILTER (WHERE t.samples > 0) AS gpus_reporting,
           count(*) FILTER (WHERE t.samples > 0 AND t.act_n = 0) AS gpus_without_counters,
           count(*) FILTER (WHERE t.peak IS NULL) AS gpus_peak_unknown,
           sum(t.peak) AS peak_tflops,
           sum(t.act_eff * t.peak) AS delivered_tflops,
           sum(t.act_eff * t.peak) / nullif(sum(t.peak) FILTER (WHERE t.act_n > 0), 0) AS mfu,
           avg(t.util) AS util_pct,
           100 * avg(t.tensor_active) AS tensor_active_pct,
           sum(t.power_w) / 1000 AS power_kw,
           max(t.max_temp_c) AS max_temp_c,
           count(*) FILTER (WHERE t.xid_n > 0) AS xid_gpus,
           count(*) FILTER (WHERE h.hot_samples > 0) AS hot_gpus
    FROM t LEFT JOIN gpu_health(t0, t1, hot_temp_c) h USING (gpu_id)
    GROUP BY level_key;
