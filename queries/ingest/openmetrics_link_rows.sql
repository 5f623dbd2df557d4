-- title: OpenMetrics reader: link long rows
-- returns: nothing; rejects interface samples that cannot be placed (om_link_ids.err) and builds om_link_long; a speed of 0 or less is left out (capacity unknown)
INSERT INTO om_rejects
SELECT l.line, m.metric, i.err, l.raw, 'link'
FROM om_long l JOIN om_metrics m USING (mid) JOIN om_link_ids i USING (lid)
WHERE m.kind = 'link' AND isfinite(l.value) AND i.err IS NOT NULL;
CREATE OR REPLACE TEMP TABLE om_link_long AS
SELECT l.line, l.ts, i.link_id, i.a_end, i.is_virtual, m.col, l.value * m.factor AS value,
       CASE WHEN m.col = 'capacity_gbps' THEN m.metric END AS capacity_source, m.metric, l.lid, l.mid
FROM om_long l JOIN om_metrics m USING (mid) JOIN om_link_ids i USING (lid)
WHERE m.kind = 'link' AND isfinite(l.value) AND i.err IS NULL
  AND NOT (m.col = 'capacity_gbps' AND l.value <= 0);
