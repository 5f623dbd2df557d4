-- title: Validate staged law rules
-- returns: every staged row plus series (rule id) and reason (NULL = accepted)
-- A rule that replaces others names rules of another rule set, stored or in the same file.
WITH s AS (
    SELECT *, row_number() OVER (PARTITION BY rule_id ORDER BY line) AS dup_rank,
              min(line) OVER (PARTITION BY rule_id) AS first_line
    FROM stage
),
known AS (
    SELECT rule_id, rule_set FROM stage WHERE rule_id IS NOT NULL
    UNION ALL
    SELECT rule_id, rule_set FROM law_rules WHERE rule_id NOT IN (SELECT rule_id FROM stage WHERE rule_id IS NOT NULL)
),
bad_replaces AS (
    SELECT s.rule_id, string_agg(r.id, ', ' ORDER BY r.id) AS ids
    FROM s, unnest(string_split(trim(s.replaces), ' ')) AS r(id)
    WHERE s.replaces IS NOT NULL AND r.id <> ''
      AND NOT EXISTS (SELECT 1 FROM known k WHERE k.rule_id = r.id AND k.rule_set IS DISTINCT FROM s.rule_set)
    GROUP BY s.rule_id
)
SELECT s.*, s.rule_id AS series,
    CASE
        WHEN s.parse_error IS NOT NULL THEN s.parse_error
        WHEN s.rule_id IS NULL THEN 'rule_id is missing'
        WHEN s.rule_set IS NULL THEN 'rule_set is missing'
        WHEN s.kpi IS NULL THEN 'kpi is missing'
        WHEN s.comparator IS NULL OR s.comparator NOT IN ('<=', '>=', '<', '>', 'duty', 'info')
            THEN 'comparator ' || coalesce('''' || s.comparator || '''', 'missing') || ' is not one of <=, >=, <, >, duty, info'
        WHEN s.comparator IN ('<=', '>=', '<', '>') AND s.threshold IS NULL AND s.threshold_lower IS NULL
             AND coalesce(s.confidence, '') <> 'unverified'
            THEN 'comparator ' || s.comparator || ' needs a threshold (or confidence unverified)'
        WHEN s.legal_reference IS NULL THEN 'no legal reference'
        WHEN s.source IS NULL OR NOT regexp_matches(s.source, '^https?://') THEN 'source is not an http(s) URL'
        WHEN s.effective_until < s.effective_from
            THEN 'effective_until ' || s.effective_until || ' is before effective_from ' || s.effective_from
        WHEN s.commissioning_until < s.commissioning_from
            THEN 'commissioning_until ' || s.commissioning_until || ' is before commissioning_from ' || s.commissioning_from
        WHEN b.ids IS NOT NULL THEN 'replaces ' || b.ids || ': no such rule in another rule set'
        WHEN s.dup_rank > 1 THEN 'rule listed twice (first at line ' || s.first_line || ')'
    END AS reason
FROM s LEFT JOIN bad_replaces b USING (rule_id)
