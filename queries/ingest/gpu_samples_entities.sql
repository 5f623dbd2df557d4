-- title: Keep each GPU's first sample time
-- returns: count of GPUs whose first_seen moved earlier (first_seen decides the inventory of a range: perf_headline)
UPDATE gpus g SET first_seen = f.first_ts
FROM (SELECT gpu_uuid, min(ts) AS first_ts FROM checked WHERE reason IS NULL GROUP BY gpu_uuid) f
WHERE f.gpu_uuid = g.gpu_uuid AND (g.first_seen IS NULL OR f.first_ts < g.first_seen)
