-- title: Validate staged fiber-link counter samples
-- returns: every staged row plus series (link name) and reason (NULL = accepted)
-- uses: link_value_problem (queries/definitions/030_value_limits.sql)
-- A link missing from the inventory is not a reason: it is registered from the row, with its
-- capacity when the row has one, else with capacity unknown (utilisation unknown, never 0).
WITH s AS (
    SELECT *,
           row_number() OVER (PARTITION BY link_id, ts ORDER BY line) AS dup_rank,
           min(line)    OVER (PARTITION BY link_id, ts)                AS first_line
    FROM stage
)
SELECT s.*, s.link_id AS series,
    CASE
        WHEN s.parse_error IS NOT NULL THEN s.parse_error
        WHEN s.ts IS NULL THEN 'missing timestamp'
        WHEN s.ts < TIMESTAMP '2000-01-01' OR s.ts >= TIMESTAMP '2100-01-01'
            THEN 'timestamp ' || s.ts || ' is outside 2000..2099 (milliseconds given as seconds?)'
        WHEN s.link_id IS NULL THEN 'no link identity: link_id is missing'
        WHEN s.rx_bytes IS NULL AND s.tx_bytes IS NULL THEN 'no counter values'
        ELSE coalesce(
            link_value_problem('rx_bytes', s.rx_bytes),
            link_value_problem('tx_bytes', s.tx_bytes),
            link_value_problem('capacity_gbps', s.capacity_gbps),
            CASE WHEN s.dup_rank > 1 THEN 'duplicate of line ' || s.first_line || ' (same link and timestamp)' END)
    END AS reason
FROM s
