-- title: Stored samples of the staged GPUs in the staged time range
-- returns: 1 when some GPU of the staged rows already has a stored sample in [ts_min, ts_max], else 0
-- (files of other GPUs over the same hours, one per node, do not overlap)
-- param: ts_min TIMESTAMP: earliest staged timestamp
-- param: ts_max TIMESTAMP: latest staged timestamp
SELECT count(*) FROM (
    SELECT 1 FROM gpu_samples s
    WHERE s.ts BETWEEN $ts_min AND $ts_max
      AND s.gpu_id IN (SELECT g.gpu_id FROM gpus g SEMI JOIN (SELECT DISTINCT gpu_uuid FROM stage) u USING (gpu_uuid))
    LIMIT 1)
