-- title: Vendors by jurisdiction: headquarters and ultimate parent
-- returns: one row per stored vendor: vendor_id, name, hq_country, hq_name, parent, control_country (ISO 3166-1 alpha-2 of the ultimate parent, the headquarters when independent), control_name, us_controlled, us_headquartered, eu_controlled (booleans), views_differ (true when the HQ and parent views disagree about the US), components (count in the stack as of the snapshot), spend_eur (EUR per year), criticality (sum of weights)
-- param: snapshot DATE = NULL: the stack as of this date; NULL: the latest snapshot
WITH s AS (
    SELECT * FROM sov_stack
    WHERE as_of = (SELECT max(as_of) FROM sov_stack WHERE $snapshot IS NULL OR as_of <= $snapshot)
)
SELECT v.vendor_id, v.name, v.hq_country, h.name AS hq_name, v.parent,
       coalesce(v.parent_country, v.hq_country) AS control_country, c.name AS control_name,
       coalesce(v.parent_country, v.hq_country) = 'US' AS us_controlled,
       v.hq_country = 'US' AS us_headquartered,
       coalesce(c.eu, false) AS eu_controlled,
       (coalesce(v.parent_country, v.hq_country) = 'US') <> (v.hq_country = 'US') AS views_differ,
       count(s.component_id) AS components,
       coalesce(sum(s.spend_eur), 0) AS spend_eur,
       coalesce(sum(s.criticality), 0) AS criticality
FROM vendors v
LEFT JOIN countries h ON h.code = v.hq_country
LEFT JOIN countries c ON c.code = coalesce(v.parent_country, v.hq_country)
LEFT JOIN s ON s.vendor_id = v.vendor_id
GROUP BY ALL
ORDER BY components = 0, criticality DESC, v.vendor_id
