-- title: Validate staged Green500 rows
-- returns: every staged row plus series (list date and rank) and reason (NULL = accepted)
WITH s AS (
    SELECT *, row_number() OVER (PARTITION BY list_date, rank ORDER BY line) AS dup_rank,
              min(line) OVER (PARTITION BY list_date, rank) AS first_line
    FROM stage
)
SELECT s.*, s.list_date || ' #' || s.rank AS series,
    CASE
        WHEN s.parse_error IS NOT NULL THEN s.parse_error
        WHEN s.list_date IS NULL THEN 'list_date is missing'
        WHEN s.rank IS NULL OR s.rank < 1 THEN 'rank ' || coalesce(CAST(s.rank AS VARCHAR), 'missing') || ' is not a place (1, 2, ...)'
        WHEN s.system IS NULL THEN 'system is missing'
        WHEN s.gflops_per_watt IS NULL OR NOT isfinite(s.gflops_per_watt) OR s.gflops_per_watt <= 0
            THEN 'gflops_per_watt ' || coalesce(CAST(s.gflops_per_watt AS VARCHAR), 'missing') || ' is not a positive number'
        WHEN s.gflops_per_watt > 1000
            THEN 'gflops_per_watt ' || s.gflops_per_watt || ' is implausible for HPL (over 1,000: MFLOPS/W given?)'
        WHEN s.source IS NULL OR NOT regexp_matches(s.source, '^https?://') THEN 'source is not an http(s) URL'
        WHEN s.dup_rank > 1 THEN 'place listed twice in this list (first at line ' || s.first_line || ')'
    END AS reason
FROM s
