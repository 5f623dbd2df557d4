-- title: Validate staged meter inventory rows
-- returns: every staged row plus series (meter name) and reason (NULL = accepted)
WITH s AS (
    SELECT *, row_number() OVER (PARTITION BY meter_id ORDER BY line) AS dup_rank,
              min(line) OVER (PARTITION BY meter_id) AS first_line
    FROM stage
)
SELECT s.*, s.meter_id AS series,
    CASE
        WHEN s.parse_error IS NOT NULL THEN s.parse_error
        WHEN s.meter_id IS NULL THEN 'no meter identity: meter_id is missing'
        WHEN s.kind IS NULL OR lower(s.kind) NOT IN ('facility', 'it', 'cooling', 'renewable', 'reuse')
            THEN 'meter kind ' || coalesce('''' || s.kind || '''', 'missing')
                 || ' is not one of facility, it, cooling, renewable, reuse'
        WHEN s.dup_rank > 1 THEN 'meter listed twice (first at line ' || s.first_line || ')'
    END AS reason
FROM s
