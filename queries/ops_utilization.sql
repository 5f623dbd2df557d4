-- title: GPU utilization over time: the fleet, the band its pods span, and the pods with least tensor activity
-- returns: one row per bucket for the fleet (line = fleet, with the band across pods) and one per bucket for each of the `worst` pods (line = the pod)
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: bucket_minutes INTEGER = 60: bucket width in minutes
-- param: worst INTEGER = 3: pods drawn on their own: the ones with the lowest mean tensor activity over the range
-- column: bucket UTC: bucket start — UTC start
-- column: line text: line — fleet, or the pod
-- column: pod text: pod — NULL on fleet rows
-- column: pod_rank count: pod rank — 1 = the pod with the lowest mean tensor activity over the range; NULL on fleet rows
-- column: util_pct %: GPU_UTIL, busy — mean DCGM_FI_DEV_GPU_UTIL over the samples, %: a kernel was running
-- column: tensor_active_pct %: tensor active — mean tensor-pipe activity × 100 over the samples that have it
-- column: util_pct_min %: GPU_UTIL, lowest pod — fleet rows: the lowest pod mean in the bucket
-- column: util_pct_max %: GPU_UTIL, highest pod — fleet rows: the highest pod mean in the bucket
-- column: tensor_active_pct_min %: tensor active, lowest pod — fleet rows
-- column: tensor_active_pct_max %: tensor active, highest pod — fleet rows
-- column: pods count: pods — fleet rows: pods reporting in the bucket
-- column: gpus count: GPUs — reporting in the bucket
-- column: gpus_without_counters count: without the counter in the bucket — reporting GPUs with no tensor-pipe sample in this bucket (left out of tensor active, not counted as 0)
WITH per_gpu AS (
    SELECT time_bucket(to_minutes($bucket_minutes), s.ts) AS bucket, s.gpu_id,
           coalesce(any_value(g.pod), '(no pod)') AS pod,
           sum(s.util) AS util_sum, count(s.util) AS util_n,
           sum(s.tensor_active) AS tensor_sum, count(s.tensor_active) AS tensor_n
    FROM gpu_samples s JOIN gpus g USING (gpu_id)
    WHERE s.ts >= $start AND s.ts < $end
    GROUP BY ALL
),
per_pod AS (
    SELECT bucket, pod, sum(util_sum) AS util_sum, sum(util_n) AS util_n,
           sum(tensor_sum) AS tensor_sum, sum(tensor_n) AS tensor_n,
           sum(util_sum) / nullif(sum(util_n), 0) AS util_pct,
           100 * sum(tensor_sum) / nullif(sum(tensor_n), 0) AS tensor_active_pct,
           count(*) AS gpus, count(*) FILTER (WHERE tensor_n = 0) AS gpus_without_counters
    FROM per_gpu
    GROUP BY bucket, pod
),
ranked AS (
    SELECT pod, row_number() OVER (ORDER BY sum(tensor_sum) / nullif(sum(tensor_n), 0) ASC NULLS LAST, pod) AS pod_rank
    FROM per_pod
    GROUP BY pod
),
fleet AS (
    SELECT bucket, 'fleet' AS line, NULL::VARCHAR AS pod, NULL::BIGINT AS pod_rank,
           sum(util_sum) / nullif(sum(util_n), 0) AS util_pct,
           100 * sum(tensor_sum) / nullif(sum(tensor_n), 0) AS tensor_active_pct,
           min(util_pct) AS util_pct_min, max(util_pct) AS util_pct_max,
           min(tensor_active_pct) AS tensor_active_pct_min, max(tensor_active_pct) AS tensor_active_pct_max,
           count(*) AS pods, sum(gpus)::BIGINT AS gpus, sum(gpus_without_counters)::BIGINT AS gpus_without_counters
    FROM per_pod
    GROUP BY bucket
),
worst AS (
    SELECT p.bucket, p.pod AS line, p.pod, r.pod_rank, p.util_pct, p.tensor_active_pct,
           NULL::DOUBLE AS util_pct_min, NULL::DOUBLE AS util_pct_max,
           NULL::DOUBLE AS tensor_active_pct_min, NULL::DOUBLE AS tensor_active_pct_max,
           NULL::BIGINT AS pods, p.gpus, p.gpus_without_counters
    FROM per_pod p JOIN ranked r USING (pod)
    WHERE r.pod_rank <= $worst
)
SELECT * FROM fleet
UNION ALL
SELECT * FROM worst
ORDER BY bucket, pod_rank NULLS FIRST
