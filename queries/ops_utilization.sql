-- title: GPU utilization over time: the fleet, the band its pods span, and the pods with least tensor activity
-- returns: one row per bucket for the fleet (line = fleet, with the band across pods) and one per bucket for each of the `worst` pods (line = the pod)
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: bucket_minutes INTEGER = 60: bucket width in minutes
-- param: worst INTEGER = 3: pods drawn on their own: the ones with the lowest mean tensor activity over the range
-- uses: gpu_fleet_intervals (queries/definitions/010_performance.sql)
-- column: bucket UTC: bucket start
-- column: line text: line — fleet, or the pod
-- column: pod text: pod — NULL on fleet rows
-- column: pod_rank count: pod rank — 1 = the pod with the lowest mean tensor activity over the range; NULL on fleet rows
-- column: util_pct %: GPU_UTIL, busy — mean over the bucket's 5-minute intervals of the mean over GPUs of DCGM_FI_DEV_GPU_UTIL: a kernel was running
-- column: tensor_active_pct %: tensor active — likewise tensor-pipe activity × 100, GPUs with the counter
-- column: util_pct_min %: GPU_UTIL, lowest pod — fleet rows: the lowest pod mean in the bucket
-- column: util_pct_max %: GPU_UTIL, highest pod — fleet rows: the highest pod mean in the bucket
-- column: tensor_active_pct_min %: tensor active, lowest pod — fleet rows
-- column: tensor_active_pct_max %: tensor active, highest pod — fleet rows
-- column: pods count: pods — fleet rows: pods reporting in the bucket
-- column: gpus count: GPUs — most GPUs reporting in one 5-minute interval of the bucket
-- column: gpus_without_counters count: without the counter — most reporting GPUs without a tensor-pipe sample in one interval of the bucket (left out of tensor active, not counted as 0)
--
-- Per 5-minute interval: each GPU's interval means (gpu_fleet_intervals, from the rollups), averaged
-- over the pod's GPUs and over the fleet's; a bucket's value is the mean over its intervals with data.
WITH iv AS (
    SELECT bucket, coalesce(pod, '(no pod)') AS pod,
           sum(util_mean_sum) AS util_sum, sum(util_gpus) AS util_n,
           sum(tensor_mean_sum) AS tensor_sum, sum(tensor_gpus) AS tensor_n,
           sum(gpus) AS gpus, sum(gpus) - sum(tensor_gpus) AS without_counters
    FROM gpu_fleet_intervals($start, $end, 'bf16', 'pod', NULL)
    GROUP BY ALL
),
per_pod AS (
    SELECT time_bucket(to_minutes($bucket_minutes), bucket) AS bucket, pod,
           avg(util_sum / nullif(util_n, 0)) AS util_pct,
           100 * avg(tensor_sum / nullif(tensor_n, 0)) AS tensor_active_pct,
           max(gpus) AS gpus, max(without_counters) AS gpus_without_counters
    FROM iv GROUP BY 1, 2
),
ranked AS (
    SELECT pod, row_number() OVER (ORDER BY avg(tensor_sum / nullif(tensor_n, 0)) ASC NULLS LAST, pod) AS pod_rank
    FROM iv GROUP BY pod
),
fleet_iv AS (
    SELECT bucket, sum(util_sum) / nullif(sum(util_n), 0) AS util, sum(tensor_sum) / nullif(sum(tensor_n), 0) AS tensor,
           sum(gpus) AS gpus, sum(without_counters) AS without_counters
    FROM iv GROUP BY bucket
),
fleet AS (
    SELECT f.bucket, 'fleet' AS line, NULL::VARCHAR AS pod, NULL::BIGINT AS pod_rank,
           f.util_pct, f.tensor_active_pct,
           b.util_pct_min, b.util_pct_max, b.tensor_active_pct_min, b.tensor_active_pct_max,
           b.pods, f.gpus, f.gpus_without_counters
    FROM (SELECT time_bucket(to_minutes($bucket_minutes), bucket) AS bucket, avg(util) AS util_pct,
                 100 * avg(tensor) AS tensor_active_pct, max(gpus)::BIGINT AS gpus,
                 max(without_counters)::BIGINT AS gpus_without_counters
          FROM fleet_iv GROUP BY 1) f
    JOIN (SELECT bucket, min(util_pct) AS util_pct_min, max(util_pct) AS util_pct_max,
                 min(tensor_active_pct) AS tensor_active_pct_min, max(tensor_active_pct) AS tensor_active_pct_max,
                 count(*) AS pods
          FROM per_pod GROUP BY bucket) b USING (bucket)
),
worst AS (
    SELECT p.bucket, p.pod AS line, p.pod, r.pod_rank, p.util_pct, p.tensor_active_pct,
           NULL::DOUBLE AS util_pct_min, NULL::DOUBLE AS util_pct_max,
           NULL::DOUBLE AS tensor_active_pct_min, NULL::DOUBLE AS tensor_active_pct_max,
           NULL::BIGINT AS pods, p.gpus::BIGINT, p.gpus_without_counters::BIGINT
    FROM per_pod p JOIN ranked r USING (pod)
    WHERE r.pod_rank <= $worst
)
SELECT * FROM fleet
UNION ALL
SELECT * FROM worst
ORDER BY bucket, pod_rank NULLS FIRST
