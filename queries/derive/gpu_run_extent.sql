-- title: Steps of new GPUs, and the stored runs a load touches (deleted, their extent kept in run_extent)
-- returns: nothing; the steps of new GPUs (gpu_steps) and the runs (gpu_runs) of the GPUs in temp
-- table derive_gpus, rebuilt over the extent of every stored run the range touches (temp table
-- run_extent: per GPU the samples to read, e0..e1, the stored runs deleted, d0..e1, and the head
-- run to extend, merge_first / merge_n)
-- param: t0 TIMESTAMP: first sample of the load (UTC)
-- param: t1 TIMESTAMP: last sample of the load (UTC)
-- A GPU's step is fixed by the first load that gives it two samples: the median interval between
-- its consecutive samples. A run is a maximal stretch of consecutive samples in one state (idle:
-- greatest(tensor_active, fp64_active) below derived('idle_threshold'); busy: at or above; unknown:
-- neither counter) with no gap of more than two steps.
INSERT INTO gpu_steps
SELECT gpu_id, median(dt) FROM (
    SELECT gpu_id, epoch(ts) - epoch(lag(ts) OVER (PARTITION BY gpu_id ORDER BY ts)) AS dt
    FROM gpu_samples
    WHERE ts >= $t0 - INTERVAL 1 HOUR AND ts <= $t1
      AND gpu_id IN (SELECT gpu_id FROM derive_gpus) AND gpu_id NOT IN (SELECT gpu_id FROM gpu_steps)
)
WHERE dt > 0
GROUP BY gpu_id;

-- The earliest stored run the range touches (the head) is not read again when it ends before the
-- load's first sample (the usual case: a load appends): its samples are consecutive, in one state,
-- so a run that contains its last sample contains all of them. The scan starts at that last sample
-- (e0) and the run found starting there is the head extended (merge_first, merge_n: gpu_runs.sql).
-- Without this, a GPU in one state for weeks (no profiling counters: unknown) made every load read
-- the whole fleet's samples back to that run's start.
CREATE OR REPLACE TEMP TABLE run_extent AS
WITH touching AS (
    SELECT d.gpu_id, r.first_ts, r.last_ts, r.samples
    FROM derive_gpus d
    LEFT JOIN gpu_steps st USING (gpu_id)
    JOIN gpu_runs r ON r.gpu_id = d.gpu_id
         AND r.last_ts >= $t0 - to_microseconds(CAST((2 * coalesce(st.step_s, 0) + 1) * 1e6 AS BIGINT))
         AND r.first_ts <= $t1 + to_microseconds(CAST((2 * coalesce(st.step_s, 0) + 1) * 1e6 AS BIGINT))
),
head AS (
    SELECT gpu_id, min(first_ts) AS head_first, arg_min(last_ts, first_ts) AS head_last,
           arg_min(samples, first_ts) AS head_n, max(last_ts) AS last_ts
    FROM touching GROUP BY gpu_id
)
SELECT d.gpu_id,
       CASE WHEN h.head_last < $t0 THEN h.head_last ELSE least(coalesce(h.head_first, $t0), $t0) END AS e0,
       least(coalesce(h.head_first, $t0), $t0) AS d0,
       greatest(coalesce(h.last_ts, $t1), $t1) AS e1,
       CASE WHEN h.head_last < $t0 THEN h.head_first END AS merge_first,
       CASE WHEN h.head_last < $t0 THEN h.head_n END AS merge_n
FROM derive_gpus d LEFT JOIN head h USING (gpu_id);

DELETE FROM gpu_runs
WHERE gpu_id IN (SELECT gpu_id FROM run_extent)
  AND EXISTS (SELECT 1 FROM run_extent x WHERE x.gpu_id = gpu_runs.gpu_id
              AND gpu_runs.first_ts >= x.d0 AND gpu_runs.last_ts <= x.e1);
