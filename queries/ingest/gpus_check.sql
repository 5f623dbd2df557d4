-- title: Validate staged GPU inventory rows
-- returns: every staged row plus series (GPU UUID) and reason (NULL = accepted)
WITH s AS (
    SELECT *, row_number() OVER (PARTITION BY gpu_uuid ORDER BY line) AS dup_rank,
              min(line) OVER (PARTITION BY gpu_uuid) AS first_line
    FROM stage
)
SELECT s.*, s.gpu_uuid AS series,
    CASE
        WHEN s.parse_error IS NOT NULL THEN s.parse_error
        WHEN s.gpu_uuid IS NULL THEN 'no GPU identity: gpu_uuid is missing'
        WHEN s.gpu_index < 0 THEN 'negative gpu_index'
        WHEN s.dup_rank > 1 THEN 'GPU listed twice (first at line ' || s.first_line || ')'
    END AS reason
FROM s
