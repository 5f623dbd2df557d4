-- title: Validate staged link inventory rows
-- returns: every staged row plus series (link name) and reason (NULL = accepted)
-- uses: link_value_problem (queries/definitions/030_value_limits.sql)
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
        ELSE coalesce(
            link_value_problem('capacity_gbps', s.capacity_gbps),
            CASE WHEN s.dup_rank > 1 THEN 'link listed twice (first at line ' || s.first_line || ')' END)
    END AS reason
FROM s
