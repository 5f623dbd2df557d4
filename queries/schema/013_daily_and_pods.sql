-- Migration 013: two coarser derived tables, so that a month of 10,000 GPUs stays quick.
-- gpu_daily: gpu_hourly summed per GPU and day (UTC), for totals over ranges of days.
-- gpu_pods_5m: gpu_groups_5m summed per 5-minute interval, pod and model (racks: racks reporting),
-- for fleet and pod time series; rack rows are read only for one pod's racks.
-- Both are kept by each load with the tables they sum (dashboard/derive.py); a store made before
-- this migration gets them summed here from what it already holds.
CREATE TABLE IF NOT EXISTS gpu_daily AS SELECT * FROM gpu_hourly WHERE false;

INSERT INTO gpu_daily BY NAME
SELECT time_bucket(INTERVAL 1 DAY, bucket) AS bucket, gpu_id, sum(n)::INTEGER AS n,
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
FROM gpu_hourly
GROUP BY ALL;

CREATE TABLE IF NOT EXISTS gpu_pods_5m AS
SELECT bucket, NULL::VARCHAR AS rack, pod, model, gpus, 1 AS racks, util_gpus, util_mean_sum, tensor_gpus,
       tensor_mean_sum, tensor_eff_mean_sum, fp64_gpus, fp64_mean_sum, fp64_eff_mean_sum, power_gpus,
       power_mean_sum, energy_j, temp_max
FROM gpu_groups_5m WHERE false;

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
GROUP BY bucket, pod, model;
