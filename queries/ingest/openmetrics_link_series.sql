-- title: OpenMetrics reader: label sets of interface samples
-- returns: one row per label set of a finite interface sample: lid, labels (JSON pairs)
SELECT s.lid, s.labels
FROM om_series s
WHERE s.lid IN (SELECT l.lid FROM om_long l JOIN om_metrics m USING (mid)
                WHERE m.kind = 'link' AND isfinite(l.value))
ORDER BY s.lid
