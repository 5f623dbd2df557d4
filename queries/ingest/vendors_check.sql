-- title: Validate staged vendor rows
-- returns: every staged row (countries upper-cased, valid_from defaulted to 1900-01-01 = since always) plus series (vendor_id) and reason (NULL = accepted)
WITH s0 AS (
    SELECT * EXCLUDE (valid_from), coalesce(valid_from, DATE '1900-01-01') AS valid_from
    FROM stage
),
s AS (
    SELECT * EXCLUDE (hq_country, parent_country),
           upper(hq_country) AS hq_country, upper(parent_country) AS parent_country,
           hq_country AS hq_given, parent_country AS parent_given,
           row_number() OVER (PARTITION BY vendor_id, valid_from ORDER BY line) AS dup_rank,
           min(line) OVER (PARTITION BY vendor_id, valid_from) AS first_line
    FROM s0
),
c AS (
    SELECT s.*,
           hq.code IS NOT NULL AS hq_ok, pc.code IS NOT NULL AS parent_ok,
           hn.code AS hq_hint, pn.code AS parent_hint
    FROM s
    LEFT JOIN countries hq ON hq.code = s.hq_country
    LEFT JOIN countries pc ON pc.code = s.parent_country
    LEFT JOIN country_names hn ON hn.name = lower(s.hq_given)
    LEFT JOIN country_names pn ON pn.name = lower(s.parent_given)
)
SELECT c.* EXCLUDE (hq_given, parent_given, hq_ok, parent_ok, hq_hint, parent_hint, dup_rank, first_line),
       c.vendor_id AS series,
    CASE
        WHEN c.parse_error IS NOT NULL THEN c.parse_error
        WHEN c.vendor_id IS NULL THEN 'vendor_id is missing'
        WHEN c.name IS NULL THEN 'name is missing'
        WHEN c.hq_country IS NULL THEN 'hq_country is missing'
        WHEN NOT c.hq_ok THEN 'hq_country ' || c.hq_given || ' is not an ISO 3166-1 alpha-2 code'
            || coalesce(' (write ' || c.hq_hint || ')', '')
        WHEN c.parent_country IS NOT NULL AND NOT c.parent_ok
            THEN 'parent_country ' || c.parent_given || ' is not an ISO 3166-1 alpha-2 code'
            || coalesce(' (write ' || c.parent_hint || ')', '')
        WHEN c.parent IS NOT NULL AND c.parent_country IS NULL
            THEN 'parent ' || c.parent || ' given without parent_country'
        WHEN c.parent IS NULL AND c.parent_country IS NOT NULL
            THEN 'parent_country given without parent (the parent company''s name)'
        WHEN c.valid_from < DATE '1900-01-01'
            THEN 'valid_from ' || c.valid_from || ' is before 1900-01-01 (leave it blank for since always)'
        WHEN c.dup_rank > 1 THEN
            CASE WHEN c.valid_from = DATE '1900-01-01' THEN 'vendor listed twice'
                 ELSE 'vendor listed twice for valid_from ' || c.valid_from END
            || ' (first at line ' || c.first_line || ')'
    END AS reason
FROM c
