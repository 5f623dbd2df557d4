-- title: Validate staged fiber-link counter samples
-- returns: every staged row plus series (link name) and reason (NULL = accepted)
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
        WHEN l.link_id IS NULL AND s.capacity_gbps IS NULL
            THEN 'unknown link ' || s.link_id || ': not in the links inventory (capacity unknown)'
        WHEN s.rx_bytes IS NULL AND s.tx_bytes IS NULL THEN 'no counter values'
        WHEN s.rx_bytes < 0 OR s.tx_bytes < 0 THEN 'negative byte counter'
        WHEN s.rx_bytes > 18446744073709551615 OR s.tx_bytes > 18446744073709551615
            THEN 'byte counter above 2^64-1 (not a 64-bit interface counter)'
        WHEN s.capacity_gbps <= 0 THEN 'capacity ' || s.capacity_gbps || ' Gbit/s is not positive'
        WHEN s.dup_rank > 1 THEN 'duplicate of line ' || s.first_line || ' (same link and timestamp)'
    END AS reason
FROM s LEFT JOIN links l ON l.link_name = s.link_id
