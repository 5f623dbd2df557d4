-- title: Validate staged water-meter readings
-- returns: every staged row plus series (water meter) and reason (NULL = accepted)
WITH s AS (
    SELECT *,
           row_number() OVER (PARTITION BY meter, ts ORDER BY line) AS dup_rank,
           min(line)    OVER (PARTITION BY meter, ts)                AS first_line
    FROM stage
)
SELECT s.*, s.meter AS series,
    CASE
        WHEN s.parse_error IS NOT NULL THEN s.parse_error
        WHEN s.ts IS NULL THEN 'missing timestamp'
        WHEN s.ts < TIMESTAMP '2000-01-01' OR s.ts >= TIMESTAMP '2100-01-01'
            THEN 'timestamp ' || s.ts || ' is outside 2000..2099 (milliseconds given as seconds?)'
        WHEN s.meter IS NULL THEN 'no water meter: meter is missing'
        WHEN s.water_m3 IS NULL THEN 'no meter reading'
        WHEN NOT isfinite(s.water_m3) THEN 'water reading ' || s.water_m3 || ' is not a number'
        WHEN s.water_m3 < 0 THEN 'negative water register ' || s.water_m3 || ' m³'
        WHEN s.dup_rank > 1 THEN 'duplicate of line ' || s.first_line || ' (same meter and timestamp)'
    END AS reason
FROM s
