-- title: Rebuild the GPU activity runs over their extent, and the XID events of a load's range
-- returns: nothing; runs of the GPUs in temp table run_extent (see gpu_run_extent), XID events of
-- the GPUs in derive_gpus
-- param: t0 TIMESTAMP: first sample of the load (UTC)
-- param: t1 TIMESTAMP: last sample of the load (UTC)
-- param: e0 TIMESTAMP: earliest start of the runs to rebuild (min of run_extent: the scan prunes by time)
-- param: e1 TIMESTAMP: latest end of the runs to rebuild (max of run_extent)
-- A run is a maximal stretch of consecutive samples in one state (idle: greatest(tensor_active,
-- fp64_active) below derived('idle_threshold'); busy: at or above; unknown: neither counter) with no
-- gap of more than two steps.
-- One window pass: a sample starts a run when the sample before it is in another state or more
-- than two steps back; a run ends at the sample before the next start, or at the GPU's last sample.
-- The state is a small integer inside the pass (a text column made the sort 20 % slower) and the
-- pass computes only what a start needs (row number, previous state and time): where a run ends
-- is read off the next start, not from a lead() over every sample.
-- The run found starting at e0, the last sample of a stored run that ended before the load, is that
-- stored run extended: its first sample and its count of samples are carried over (gpu_run_extent).
INSERT INTO gpu_runs
WITH s AS NOT MATERIALIZED (
    SELECT s.gpu_id, s.ts,
           CASE WHEN greatest(s.tensor_active, s.fp64_active) IS NULL THEN 0
                WHEN greatest(s.tensor_active, s.fp64_active) < derived('idle_threshold') THEN 1
                ELSE 2 END::UTINYINT AS state
    FROM gpu_samples s JOIN run_extent x ON s.gpu_id = x.gpu_id AND s.ts >= x.e0 AND s.ts <= x.e1
    WHERE s.ts >= $e0 AND s.ts <= $e1
),
w AS (
    SELECT s.gpu_id, s.ts, s.state, row_number() OVER win AS rn,
           lag(s.state) OVER win AS prev_state, lag(s.ts) OVER win AS prev_ts
    FROM s WINDOW win AS (PARTITION BY s.gpu_id ORDER BY s.ts)
),
starts AS (
    SELECT w.gpu_id, w.ts, w.state, w.rn, w.prev_ts
    FROM w LEFT JOIN gpu_steps st USING (gpu_id)
    WHERE w.prev_ts IS NULL OR w.state <> w.prev_state
       OR epoch(w.ts) - epoch(w.prev_ts) > 2 * coalesce(st.step_s, 0)
),
tail AS (SELECT gpu_id, max(ts) AS last_ts, count(*) AS n FROM s GROUP BY gpu_id),
paired AS (
    SELECT st.gpu_id, st.state, st.ts, st.rn,
           coalesce(lead(st.prev_ts) OVER p, t.last_ts) AS end_ts,
           coalesce(lead(st.rn) OVER p - 1, t.n) AS end_rn
    FROM starts st JOIN tail t USING (gpu_id)
    WINDOW p AS (PARTITION BY st.gpu_id ORDER BY st.ts)
)
SELECT p.gpu_id, CASE p.state WHEN 0 THEN 'unknown' WHEN 1 THEN 'idle' ELSE 'busy' END,
       CASE WHEN merged THEN x.merge_first ELSE p.ts END, p.end_ts,
       (p.end_rn - p.rn + 1 + CASE WHEN merged THEN x.merge_n - 1 ELSE 0 END)::INTEGER
FROM paired p JOIN run_extent x USING (gpu_id),
LATERAL (SELECT p.ts = x.e0 AND x.merge_first IS NOT NULL AS merged);

DELETE FROM gpu_xid_events
WHERE ts >= $t0 AND ts <= $t1 AND gpu_id IN (SELECT gpu_id FROM derive_gpus);

INSERT INTO gpu_xid_events
SELECT ts, gpu_id, xid FROM gpu_samples
WHERE ts >= $t0 AND ts <= $t1 AND gpu_id IN (SELECT gpu_id FROM derive_gpus) AND is_xid(xid);
