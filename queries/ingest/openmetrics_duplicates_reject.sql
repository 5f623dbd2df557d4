-- title: OpenMetrics reader: reject duplicate series
-- returns: nothing; moves the lines of om_dups from om_long to om_rejects
INSERT INTO om_rejects
SELECT d.line, m.metric, 'duplicate series (first at line ' || d.first || ')', d.raw, m.route
FROM om_dups d JOIN om_metrics m USING (mid);
DELETE FROM om_long WHERE line IN (SELECT line FROM om_dups);
