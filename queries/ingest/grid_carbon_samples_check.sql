-- title: Validate staged grid carbon-intensity samples
-- returns: every staged row plus series (the grid) and reason (NULL = accepted)
WITH s AS (
    SELECT *,
           row_number() OVER (PARTITION BY ts ORDER BY line) AS dup_rank,
           min(line)    OVER (PARTITION BY ts)                AS first_line
    FROM stage
)
SELECT s.*, 'grid' AS series,
    CASE
        WHEN s.parse_error IS NOT NULL THEN s.parse_error
        WHEN s.ts IS NULL THEN 'missing timestamp'
        WHEN s.ts < TIMESTAMP '2000-01-01' OR s.ts >= TIMESTAMP '2100-01-01'
            THEN 'timestamp ' || s.ts || ' is outside 2000..2099 (milliseconds given as seconds?)'
        WHEN s.g_co2_per_kwh IS NULL THEN 'no carbon intensity'
        WHEN NOT isfinite(s.g_co2_per_kwh) THEN 'carbon intensity ' || s.g_co2_per_kwh || ' is not a number'
        WHEN s.g_co2_per_kwh < 0 THEN 'negative carbon intensity ' || s.g_co2_per_kwh || ' gCO2/kWh'
        -- lignite plants emit about 1,100 g/kWh; a grid above 2,000 g/kWh is a unit mistake
        WHEN s.g_co2_per_kwh > 2000
            THEN 'carbon intensity ' || s.g_co2_per_kwh || ' gCO2/kWh is implausible (over 2,000: kg/MWh or lb/MWh given?)'
        WHEN s.dup_rank > 1 THEN 'duplicate of line ' || s.first_line || ' (same timestamp)'
    END AS reason
FROM s
