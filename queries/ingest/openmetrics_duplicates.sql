-- title: OpenMetrics reader: duplicate series
-- returns: nothing; om_dups, every sample line that repeats the metric, label set (in any order) and timestamp of an earlier line, with that first line (rows without a line number are never duplicates)
CREATE OR REPLACE TEMP TABLE om_dups AS
WITH keyed AS (
    SELECT l.line, l.mid, s.ckey, l.ts, l.raw
    FROM om_long l JOIN om_series s USING (lid)
    WHERE l.line > 0
), twice AS (
    SELECT mid, ckey, ts, min(line) AS first
    FROM keyed
    GROUP BY mid, ckey, ts
    HAVING count(*) > 1
)
SELECT k.line, k.mid, t.first, k.raw
FROM keyed k JOIN twice t USING (mid, ckey, ts)
WHERE k.line > t.first
