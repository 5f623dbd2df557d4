-- title: OpenMetrics reader: info series
-- returns: one row per label set of an info metric (node_uname_info, ifType_info), in the order of its last line: lid, labels (JSON pairs)
-- param: mid INTEGER: the metric's id
SELECT l.lid, any_value(s.labels) AS labels
FROM om_long l JOIN om_series s USING (lid)
WHERE l.mid = $mid
GROUP BY l.lid
ORDER BY max(l.line)
