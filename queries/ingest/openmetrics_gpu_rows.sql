-- title: OpenMetrics reader: GPU long rows
-- returns: nothing; rejects samples of GPU and interface metrics that are NaN or ±Inf, and GPU samples whose series names no GPU, then builds om_gpu_long (one row per GPU sample, value in the column's unit)
INSERT INTO om_rejects
SELECT l.line, m.metric, m.metric || ' value ' || value_label(l.value) || ' is not a number', l.raw, m.kind
FROM om_long l JOIN om_metrics m USING (mid)
WHERE m.kind IS NOT NULL AND NOT isfinite(l.value);
INSERT INTO om_rejects
SELECT l.line, m.metric, 'no GPU identity: the series has no UUID label', l.raw, 'gpu'
FROM om_long l JOIN om_metrics m USING (mid) JOIN om_series s USING (lid)
WHERE m.kind = 'gpu' AND isfinite(l.value) AND s.gpu_uuid IS NULL;
CREATE OR REPLACE TEMP TABLE om_gpu_long AS
SELECT l.line, l.ts, s.gpu_uuid, s.mig, s.mig_profile, s.hostname, s.gpu_index, s.model, m.col,
       l.value * m.factor AS value, m.metric, l.lid, l.mid
FROM om_long l JOIN om_metrics m USING (mid) JOIN om_series s USING (lid)
WHERE m.kind = 'gpu' AND isfinite(l.value) AND s.gpu_uuid IS NOT NULL;
