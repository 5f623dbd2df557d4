-- title: Record fetched windows as covered, merged with the intervals they touch
-- returns: count of merged coverage rows written (the superseded ones go in coverage_prune)
-- param: source VARCHAR: the source's name
-- param: load_id INTEGER: the load storing the windows' samples
-- Reads new_coverage (metric, grp, cov_start, cov_end, samples, last_sample): one row per series
-- name and contiguous fetched interval, registered by dashboard/sync/writer.py.
INSERT INTO sync_coverage
SELECT $source, n.metric, n.grp,
       least(n.cov_start, min(c.cov_start)), greatest(n.cov_end, max(c.cov_end)),
       n.samples + coalesce(sum(c.samples), 0), greatest(n.last_sample, max(c.last_sample)),
       $load_id, now()::TIMESTAMP
FROM new_coverage n
LEFT JOIN sync_coverage c
    ON c.source = $source AND c.metric = n.metric AND c.cov_end >= n.cov_start AND c.cov_start <= n.cov_end
GROUP BY n.metric, n.grp, n.cov_start, n.cov_end, n.samples, n.last_sample
