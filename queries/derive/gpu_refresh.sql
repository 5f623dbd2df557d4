-- title: Rebuild the GPU rollups for a time range
-- returns: nothing; rows of gpu_hourly (GPUs in temp table derive_gpus) and gpu_groups_5m (all GPUs);
-- temp table derive_5m is left for the caller (its `repeats` count samples at a timestamp already seen)
-- param: h0 TIMESTAMP: first hour to rebuild (hour start, UTC)
-- param: h1 TIMESTAMP: end of the hours to rebuild (exclusive, an hour start)
-- One pass over the samples (macro gpu_sample_rows: clock factor, energy increases) into per-GPU
-- 5-minute sums, from which the tables are summed (macro gpu_rollup for the hours and days). The macros gpu_hour_rows and gpu_interval_rows
-- (queries/definitions/010_performance.sql) compute the same rows straight from the samples for the
-- partial hours and intervals at the ends of a figure's range; tests/test_derived.py holds the two
-- to equality.
CREATE OR REPLACE TEMP TABLE derive_5m AS
SELECT time_bucket(INTERVAL 5 MINUTE, ts) AS bucket, gpu_id, count(*) AS n,
       count(util) AS util_n, sum(util) AS util_sum,
       count(tensor_active) AS tensor_n, sum(tensor_active) AS tensor_sum, sum(tensor_active * cf) AS tensor_eff_sum,
       count(fp64_active) AS fp64_n, sum(fp64_active) AS fp64_sum, sum(fp64_active * cf) AS fp64_eff_sum,
       count(sm_active) AS sm_n, sum(sm_active) AS sm_sum,
       count(sm_clock_mhz) AS clock_n, sum(sm_clock_mhz) AS clock_sum, sum(cf) AS cf_sum,
       count(power_w) AS power_n, sum(power_w) AS power_sum, max(power_w) AS power_max,
       count(temp_c) AS temp_n, sum(temp_c) AS temp_sum, max(temp_c) AS temp_max,
       count(*) FILTER (WHERE is_xid(xid)) AS xid_n,
       count(*) FILTER (WHERE is_hot(temp_c, derived('hot_temp_c'))) AS hot_n,
       count(*) FILTER (WHERE is_xid(xid) OR is_hot(temp_c, derived('hot_temp_c'))) AS affected_n,
       sum(de) AS energy_j, count(de) AS energy_n, count(*) FILTER (WHERE reset) AS energy_resets,
       sum(pe) AS power_energy_j, count(pe) AS power_energy_n,
       min(ts) AS first_ts, max(ts) AS last_ts, count(*) FILTER (WHERE repeat) AS repeats
FROM gpu_sample_rows($h0, $h1)
GROUP BY ALL;

DELETE FROM gpu_hourly WHERE bucket >= $h0 AND bucket < $h1 AND gpu_id IN (SELECT gpu_id FROM derive_gpus);

INSERT INTO gpu_hourly BY NAME
SELECT * FROM gpu_rollup('derive_5m', INTERVAL 1 HOUR, $h0, $h1)
WHERE gpu_id IN (SELECT gpu_id FROM derive_gpus);

DELETE FROM gpu_groups_5m WHERE bucket >= $h0 AND bucket < $h1;

-- summed per group number first (an integer key: grouping 2.9 M rows by three strings took 0.9 s of
-- a 10,000-GPU day's load, by one integer 0.15 s), the group's rack, pod and model joined after
INSERT INTO gpu_groups_5m BY NAME
WITH k AS (SELECT gpu_id, rack, pod, model, dense_rank() OVER (ORDER BY rack, pod, model) AS k FROM gpus),
per_k AS (
SELECT d.bucket, k.k, count(*)::INTEGER AS gpus,
       count(d.util_sum)::INTEGER AS util_gpus, sum(d.util_sum / d.util_n) AS util_mean_sum,
       count(d.tensor_sum)::INTEGER AS tensor_gpus, sum(d.tensor_sum / d.tensor_n) AS tensor_mean_sum,
       sum(d.tensor_eff_sum / d.tensor_n) AS tensor_eff_mean_sum,
       count(d.fp64_sum)::INTEGER AS fp64_gpus, sum(d.fp64_sum / d.fp64_n) AS fp64_mean_sum,
       sum(d.fp64_eff_sum / d.fp64_n) AS fp64_eff_mean_sum,
       count(d.power_sum)::INTEGER AS power_gpus, sum(d.power_sum / d.power_n) AS power_mean_sum,
       sum(d.energy_j) AS energy_j, max(d.temp_max) AS temp_max
FROM derive_5m d JOIN k USING (gpu_id)
GROUP BY d.bucket, k.k
)
SELECT p.bucket, g.rack, g.pod, g.model, p.* EXCLUDE (bucket, k)
FROM per_k p JOIN (SELECT DISTINCT k, rack, pod, model FROM k) g USING (k);

DELETE FROM gpu_pods_5m WHERE bucket >= $h0 AND bucket < $h1;

INSERT INTO gpu_pods_5m BY NAME
SELECT bucket, NULL AS rack, pod, model, sum(gpus)::INTEGER AS gpus, count(DISTINCT rack)::INTEGER AS racks,
       sum(util_gpus)::INTEGER AS util_gpus, sum(util_mean_sum) AS util_mean_sum,
       sum(tensor_gpus)::INTEGER AS tensor_gpus, sum(tensor_mean_sum) AS tensor_mean_sum,
       sum(tensor_eff_mean_sum) AS tensor_eff_mean_sum,
       sum(fp64_gpus)::INTEGER AS fp64_gpus, sum(fp64_mean_sum) AS fp64_mean_sum,
       sum(fp64_eff_mean_sum) AS fp64_eff_mean_sum,
       sum(power_gpus)::INTEGER AS power_gpus, sum(power_mean_sum) AS power_mean_sum,
       sum(energy_j) AS energy_j, max(temp_max) AS temp_max
FROM gpu_groups_5m
WHERE bucket >= $h0 AND bucket < $h1
GROUP BY bucket, pod, model;

-- the days the rebuilt hours belong to, summed again from gpu_hourly
DELETE FROM gpu_daily
WHERE bucket >= time_bucket(INTERVAL 1 DAY, $h0) AND bucket < $h1 AND gpu_id IN (SELECT gpu_id FROM derive_gpus);

INSERT INTO gpu_daily BY NAME
SELECT * FROM gpu_rollup('gpu_hourly', INTERVAL 1 DAY, time_bucket(INTERVAL 1 DAY, $h0),
                         time_bucket(INTERVAL 1 DAY, $h1 - INTERVAL 1 MICROSECOND) + INTERVAL 1 DAY)
WHERE gpu_id IN (SELECT gpu_id FROM derive_gpus);
