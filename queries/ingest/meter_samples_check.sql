-- title: Validate staged facility-meter samples
-- returns: every staged row plus series (meter name) and reason (NULL = accepted)
-- uses: meter_value_problem (queries/definitions/030_value_limits.sql)
WITH s AS (
    SELECT *,
           row_number() OVER (PARTITION BY meter_id, ts ORDER BY line) AS dup_rank,
           min(line)    OVER (PARTITION BY meter_id, ts)                AS first_line
    FROM stage
)
SELECT s.*, s.meter_id AS series,
    CASE
        WHEN s.parse_error IS NOT NULL THEN s.parse_error
        WHEN s.ts IS NULL THEN 'missing timestamp'
        WHEN s.ts < TIMESTAMP '2000-01-01' OR s.ts >= TIMESTAMP '2100-01-01'
            THEN 'timestamp ' || s.ts || ' is outside 2000..2099 (milliseconds given as seconds?)'
        WHEN s.meter_id IS NULL THEN 'no meter identity: meter_id is missing'
        WHEN m.meter_id IS NULL
            THEN 'unknown meter ' || s.meter_id || ': not in the meters inventory (its kind decides which KPI it feeds)'
        WHEN s.power_kw IS NULL AND s.energy_kwh IS NULL THEN 'no meter values'
        ELSE coalesce(
            meter_value_problem('power_kw', s.power_kw),
            meter_value_problem('energy_kwh', s.energy_kwh),
            CASE WHEN s.dup_rank > 1 THEN 'duplicate of line ' || s.first_line || ' (same meter and timestamp)' END)
    END AS reason
FROM s LEFT JOIN meters m ON m.meter_name = s.meter_id
