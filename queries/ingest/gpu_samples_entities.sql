-- title: Keep each GPU's first sample time
-- returns: count of GPUs whose first_seen moved earlier (first_seen decides the inventory of a range: perf_headline)
-- param: load_id INTEGER: this load (its rows are read back from the store: integer keys, pruned by time)
-- param: ts_min TIMESTAMP: earliest accepted timestamp
-- param: ts_max TIMESTAMP: latest accepted timestamp
UPDATE gpus g SET first_seen = f.first_ts
FROM (SELECT gpu_id, min(ts) AS first_ts FROM gpu_samples
      WHERE load_id = $load_id AND ts BETWEEN $ts_min AND $ts_max GROUP BY gpu_id) f
WHERE f.gpu_id = g.gpu_id AND (g.first_seen IS NULL OR f.first_ts < g.first_seen)
