-- title: Remove coverage rows merged into the ones just written
-- returns: count of rows removed
-- param: source VARCHAR: the source's name
-- param: load_id INTEGER: the load whose merged rows stay
DELETE FROM sync_coverage c
USING new_coverage n
WHERE c.source = $source AND c.metric = n.metric AND c.load_id <> $load_id
  AND c.cov_end >= n.cov_start AND c.cov_start <= n.cov_end
