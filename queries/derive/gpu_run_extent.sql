-- title: Steps of new GPUs, and the stored runs a load touches (deleted, their extent kept in run_extent)
-- returns: nothing; the steps of new GPUs (gpu_steps) and the runs (gpu_runs) of the GPUs in temp
-- table derive_gpus, rebuilt over the extent of every stored run the range touches
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

CREATE OR REPLACE TEMP TABLE run_extent AS
SELECT d.gpu_id, least(coalesce(min(r.first_ts), $t0), $t0) AS e0, greatest(coalesce(max(r.last_ts), $t1), $t1) AS e1
FROM derive_gpus d
LEFT JOIN gpu_steps st USING (gpu_id)
LEFT JOIN gpu_runs r ON r.gpu_id = d.gpu_id
     AND r.last_ts >= $t0 - to_microseconds(CAST((2 * coalesce(st.step_s, 0) + 1) * 1e6 AS BIGINT))
     AND r.first_ts <= $t1 + to_microseconds(CAST((2 * coalesce(st.step_s, 0) + 1) * 1e6 AS BIGINT))
GROUP BY d.gpu_id;

DELETE FROM gpu_runs
WHERE gpu_id IN (SELECT gpu_id FROM run_extent)
  AND EXISTS (SELECT 1 FROM run_extent x WHERE x.gpu_id = gpu_runs.gpu_id
              AND gpu_runs.first_ts >= x.e0 AND gpu_runs.last_ts <= x.e1);

