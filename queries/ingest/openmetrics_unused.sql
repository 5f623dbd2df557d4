-- title: OpenMetrics reader: metrics not used
-- returns: one row per metric that feeds no record kind asked for: metric, samples (duplicates left out)
SELECT m.metric, count(*) AS samples
FROM om_long l JOIN om_metrics m USING (mid)
WHERE m.kind IS NULL
GROUP BY m.metric
ORDER BY m.metric
