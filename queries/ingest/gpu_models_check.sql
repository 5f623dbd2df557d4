-- title: Validate staged GPU catalog rows
-- returns: every staged row plus series (model) and reason (NULL = accepted)
WITH s AS (
    SELECT *, row_number() OVER (PARTITION BY model ORDER BY line) AS dup_rank,
              min(line) OVER (PARTITION BY model) AS first_line
    FROM stage
)
SELECT s.*, s.model AS series,
    CASE
        WHEN s.parse_error IS NOT NULL THEN s.parse_error
        WHEN s.model IS NULL THEN 'model name is missing'
        WHEN s.source IS NULL THEN 'no source: every catalog figure needs the datasheet it comes from'
        WHEN least(s.fp64_tflops, s.tf32_tflops, s.bf16_tflops, s.fp8_tflops, s.fp4_tflops) <= 0
            THEN 'peak TFLOPS must be positive (leave blank where the datasheet gives none)'
        WHEN s.bf16_tflops > 100000 OR s.fp8_tflops > 100000 OR s.fp4_tflops > 100000
            THEN 'peak above 100 PFLOPS for one GPU: TFLOPS expected (FLOPS given?)'
        WHEN s.tdp_w <= 0 OR s.tdp_w > 5000 THEN 'TDP ' || s.tdp_w || ' W is outside 0..5000'
        WHEN s.fp4_sparse_factor < 1 OR s.fp4_sparse_factor > 2 THEN 'fp4_sparse_factor must be within 1..2'
        WHEN s.mig_slices < 1 OR s.mig_slices > 8
            THEN 'mig_slices ' || s.mig_slices || ' is outside 1..8 (compute slices of the whole GPU: 7 on H100)'
        WHEN s.dup_rank > 1 THEN 'model listed twice (first at line ' || s.first_line || ')'
    END AS reason
FROM s
