-- title: Stored coverage of a source
-- returns: one row per series name and covered interval [cov_start, cov_end), oldest first
-- param: source VARCHAR: the source's name (URL, selector, tenant)
SELECT metric, cov_start, cov_end
FROM sync_coverage
WHERE source = $source
ORDER BY metric, cov_start
