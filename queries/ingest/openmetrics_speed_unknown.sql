-- title: OpenMetrics reader: interfaces without a speed
-- returns: one row per link whose speed samples are 0 or less (down or virtual interfaces report 0 or -1: capacity unknown): link_id
SELECT DISTINCT i.link_id
FROM om_long l JOIN om_metrics m USING (mid) JOIN om_link_ids i USING (lid)
WHERE m.kind = 'link' AND m.col = 'capacity_gbps' AND isfinite(l.value) AND l.value <= 0
  AND i.err IS NULL
ORDER BY 1
