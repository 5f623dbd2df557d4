-- title: Validate staged peer figures
-- returns: every staged row plus series (row_id) and reason (NULL = accepted)
--
-- Vocabularies are the tables of migration 009 (peer_metrics, peer_units, peer_precisions):
-- a figure in a metric, unit or precision not listed there cannot be compared, so it is refused
-- with the line and the reason, never stored and never guessed.
WITH s AS (
    SELECT *, row_number() OVER (PARTITION BY row_id ORDER BY line) AS dup_rank,
              min(line) OVER (PARTITION BY row_id) AS first_line,
              list_filter(string_split(source, ';'),
                          lambda u: NOT regexp_matches(trim(u), '^https?://[^[:space:]]+$')) AS not_urls
    FROM stage
),
known AS (
    SELECT (SELECT string_agg(unit, ', ' ORDER BY unit) FROM peer_units) AS units,
           (SELECT string_agg(precision, ', ' ORDER BY ord) FROM peer_precisions) AS precisions
)
SELECT s.* EXCLUDE (dup_rank, first_line, not_urls), s.row_id AS series,
    CASE
        WHEN s.parse_error IS NOT NULL THEN s.parse_error
        WHEN s.row_id IS NULL THEN 'row_id is missing'
        WHEN s.peer_id IS NULL THEN 'peer_id is missing'
        WHEN s.peer IS NULL THEN 'peer (the name) is missing'
        WHEN s.peer_group IS NULL THEN 'group is missing'
        WHEN s.metric IS NULL THEN 'metric is missing'
        WHEN m.metric IS NULL THEN 'unknown metric ''' || s.metric || ''' (the metrics are listed in docs/peers.md)'
        WHEN s.source IS NULL THEN 'no source: every peer figure needs the URL it comes from'
        WHEN len(s.not_urls) > 0 THEN 'source is not a URL: ''' || trim(s.not_urls[1]) || ''''
                                      || ' (several URLs are separated by " ; ")'
        WHEN s.source_kind IS NULL THEN 'source_kind is missing (primary, press, secondary, derived)'
        WHEN s.unit IS NULL AND s.metric <> 'note' THEN 'a value needs a unit'
        WHEN s.unit IS NOT NULL AND u.unit IS NULL THEN 'unknown unit ''' || s.unit || '''; known: ' || known.units
        WHEN s.precision IS NOT NULL AND p.precision IS NULL
            THEN 'unknown precision ''' || s.precision || '''; known: ' || known.precisions
        WHEN s.sparsity NOT IN ('dense', 'sparse') THEN 'unknown sparsity ''' || s.sparsity || '''; known: dense, sparse'
        WHEN s.confidence NOT IN ('high', 'medium', 'low') THEN 'unknown confidence ''' || s.confidence || '''; known: high, medium, low'
        WHEN m.precision IS NOT NULL AND s.precision IS DISTINCT FROM m.precision
            THEN 'metric ' || s.metric || ' is ' || m.precision || ', the row says ' || coalesce(s.precision, 'none')
        WHEN m.sparsity IS NOT NULL AND s.sparsity IS DISTINCT FROM m.sparsity
            THEN 'metric ' || s.metric || ' is ' || m.sparsity || ', the row says ' || coalesce(s.sparsity, 'none')
        WHEN m.quantity <> 'other' AND u.quantity <> m.quantity AND NOT (m.quantity = 'flops' AND u.unit = 'ratio')
            THEN 'metric ' || s.metric || ' is a ' || m.quantity || ' figure; unit ' || s.unit || ' is not'
        WHEN s.value_low > s.value_high THEN 'value_high ' || s.value_high || ' is below value_low ' || s.value_low
        WHEN NOT list_has_all(['precision', 'sparsity'],
                              list_filter(list_transform(string_split(coalesce(s.inferred, ''), ';'), lambda x: trim(x)),
                                          lambda x: x <> ''))
            THEN 'inferred must name precision and/or sparsity, not ''' || s.inferred || ''''
        WHEN s.dup_rank > 1 THEN 'row_id listed twice (first at line ' || s.first_line || ')'
    END AS reason
FROM s
CROSS JOIN known
LEFT JOIN peer_metrics m ON m.metric = s.metric
LEFT JOIN peer_units u ON u.unit = s.unit
LEFT JOIN peer_precisions p ON p.precision = s.precision
