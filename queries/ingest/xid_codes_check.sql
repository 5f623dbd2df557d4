-- title: Validate staged XID code rows
-- returns: every staged row plus series (code) and reason (NULL = accepted)
WITH s AS (
    SELECT *, row_number() OVER (PARTITION BY code ORDER BY line) AS dup_rank,
              min(line) OVER (PARTITION BY code) AS first_line
    FROM stage
)
SELECT s.*, CAST(s.code AS VARCHAR) AS series,
    CASE
        WHEN s.parse_error IS NOT NULL THEN s.parse_error
        WHEN s.code IS NULL THEN 'XID code is missing'
        WHEN s.code <= 0 THEN 'XID code must be positive (0 means no error)'
        WHEN s.meaning IS NULL THEN 'meaning is missing'
        WHEN s.source IS NULL THEN 'no source: every code''s meaning needs where it comes from'
        WHEN s.dup_rank > 1 THEN 'code listed twice (first at line ' || s.first_line || ')'
    END AS reason
FROM s
