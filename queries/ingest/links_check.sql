-- title: Validate staged link inventory rows
-- returns: every staged row plus series (link name) and reason (NULL = accepted)
WITH s AS (
    SELECT *, row_number() OVER (PARTITION BY link_id ORDER BY line) AS dup_rank,
              min(line) OVER (PARTITION BY link_id) AS first_line
    FROM stage
)
SELECT s.*, s.link_id AS series,
    CASE
        WHEN s.parse_error IS NOT NULL THEN s.parse_error
        WHEN s.link_id IS NULL THEN 'no link identity: link_id is missing'
        WHEN s.capacity_gbps IS NULL THEN 'missing capacity_gbps'
        WHEN s.capacity_gbps <= 0 THEN 'capacity ' || s.capacity_gbps || ' Gbit/s is not positive'
        WHEN s.capacity_gbps > 1000000 THEN 'capacity ' || s.capacity_gbps || ' Gbit/s is implausible (Mbit/s given?)'
        WHEN s.dup_rank > 1 THEN 'link listed twice (first at line ' || s.first_line || ')'
    END AS reason
FROM s
