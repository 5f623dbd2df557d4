-- title: Validate staged vendor-registry rows
-- returns: every staged row (countries upper-cased, purl namespaces lower-cased with '@' for '%40', '|'-lists trimmed) plus series (vendor_id) and reason (NULL = accepted)
WITH s0 AS (
    SELECT * EXCLUDE (hq_country, parent_country, aliases, purl_namespaces),
           upper(hq_country) AS hq_country, upper(parent_country) AS parent_country,
           hq_country AS hq_given, parent_country AS parent_given,
           nullif(array_to_string(list_filter(list_transform(string_split(coalesce(aliases, ''), '|'),
                  lambda x: trim(x)), lambda x: x <> ''), '|'), '') AS aliases,
           list_filter(list_transform(string_split(coalesce(purl_namespaces, ''), '|'),
                  lambda x: replace(lower(trim(x)), '%40', '@')), lambda x: x <> '') AS ns_list
    FROM stage
),
s AS (
    SELECT s0.* EXCLUDE (ns_list),
           nullif(array_to_string(ns_list, '|'), '') AS purl_namespaces,
           list_filter(ns_list, lambda x: NOT regexp_full_match(x, 'pkg:[a-z0-9.+-]+/[^|?#]+')) AS bad_ns,
           row_number() OVER (PARTITION BY vendor_id ORDER BY line) AS dup_rank,
           min(line) OVER (PARTITION BY vendor_id) AS first_line
    FROM s0
),
c AS (
    SELECT s.*, hq.code IS NOT NULL AS hq_ok, pc.code IS NOT NULL AS parent_ok,
           hn.code AS hq_hint, pn.code AS parent_hint
    FROM s
    LEFT JOIN countries hq ON hq.code = s.hq_country
    LEFT JOIN countries pc ON pc.code = s.parent_country
    LEFT JOIN country_names hn ON hn.name = lower(s.hq_given)
    LEFT JOIN country_names pn ON pn.name = lower(s.parent_given)
)
SELECT c.* EXCLUDE (hq_given, parent_given, hq_ok, parent_ok, hq_hint, parent_hint, bad_ns, dup_rank, first_line),
       c.vendor_id AS series,
    CASE
        WHEN c.parse_error IS NOT NULL THEN c.parse_error
        WHEN c.vendor_id IS NULL THEN 'vendor_id is missing'
        WHEN NOT regexp_full_match(c.vendor_id, '[a-z0-9_]+')
            THEN 'vendor_id ' || c.vendor_id || ' must be lower-case letters, digits and _'
        WHEN c.name IS NULL THEN 'name is missing'
        WHEN c.hq_country IS NULL THEN 'hq_country is missing (write ZZ where it is unknown)'
        WHEN NOT c.hq_ok THEN 'hq_country ' || c.hq_given || ' is not an ISO 3166-1 alpha-2 code'
            || coalesce(' (write ' || c.hq_hint || ')', '')
        WHEN c.parent_country IS NOT NULL AND NOT c.parent_ok
            THEN 'parent_country ' || c.parent_given || ' is not an ISO 3166-1 alpha-2 code'
            || coalesce(' (write ' || c.parent_hint || ')', '')
        WHEN c.parent IS NOT NULL AND c.parent_country IS NULL
            THEN 'parent ' || c.parent || ' given without parent_country'
        WHEN c.parent IS NULL AND c.parent_country IS NOT NULL
            THEN 'parent_country given without parent (the parent company''s name)'
        WHEN c.source IS NULL THEN 'no source: every registry entry needs the page its facts come from'
        WHEN NOT regexp_matches(c.source, '^https?://') THEN 'source must be a URL (http:// or https://)'
        WHEN c.as_of IS NULL THEN 'as_of is missing (the date the facts were checked)'
        WHEN len(c.bad_ns) > 0 THEN 'purl_namespaces: ' || c.bad_ns[1]
            || ' is not a package-URL prefix such as pkg:pypi/torch or pkg:maven/org.apache'
        WHEN c.dup_rank > 1 THEN 'vendor listed twice (first at line ' || c.first_line || ')'
    END AS reason
FROM c
