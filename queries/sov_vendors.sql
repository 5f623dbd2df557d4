-- title: Vendors by jurisdiction: headquarters and ultimate parent, as of the snapshot
-- returns: one row per stored vendor, the version of its ownership valid at the snapshot date
-- param: snapshot DATE = NULL: the stack as of this date; NULL: the latest snapshot
-- column: vendor_id text: vendor id
-- column: name text: name
-- column: hq_country text: HQ country
-- column: hq_name text: HQ country name
-- column: parent text: ultimate parent
-- column: control_country text: control country — ISO 3166-1 alpha-2 of the ultimate parent, the headquarters when independent
-- column: control_name text: control country name
-- column: us_controlled bool: US-controlled
-- column: us_headquartered bool: US-headquartered
-- column: eu_controlled bool: EU-controlled — booleans
-- column: jurisdiction_unknown bool: jurisdiction unknown — the ultimate parent's country is unknown (ZZ)
-- column: views_differ bool: views differ — true when the HQ and parent views disagree about the US
-- column: components count: components — count in the stack as of the snapshot
-- column: spend_eur EUR/yr: spend
-- column: criticality 1: criticality — sum of weights
-- column: valid_from date: valid from — date this ownership record holds from; 1900-01-01: since always
-- column: valid_until date: valid until — date the next recorded ownership takes over, exclusive; NULL: still current
-- formula: vendor version at date D = the one with the latest valid_from on or before D (a vendor first recorded after D: its first version); D = the snapshot shown (its latest snapshot on or before $snapshot), or $snapshot itself when no components are stored, or the latest recorded version when neither is given
WITH cur AS (SELECT max(as_of) AS d FROM sov_stack WHERE $snapshot IS NULL OR as_of <= $snapshot),
s AS (SELECT * FROM sov_stack WHERE as_of = (SELECT d FROM cur)),
at_date AS (SELECT coalesce((SELECT d FROM cur), $snapshot, DATE '9999-12-30') AS d),
v AS (
    SELECT vv.* FROM vendor_versions vv
    WHERE (SELECT d FROM at_date) >= vv.applies_from AND (SELECT d FROM at_date) < vv.applies_until
)
SELECT v.vendor_id, v.name, v.hq_country, h.name AS hq_name, v.parent,
       coalesce(v.parent_country, v.hq_country) AS control_country, c.name AS control_name,
       coalesce(v.parent_country, v.hq_country) = 'US' AS us_controlled,
       v.hq_country = 'US' AS us_headquartered,
       coalesce(c.eu, false) AS eu_controlled,
       coalesce(v.parent_country, v.hq_country) = 'ZZ' AS jurisdiction_unknown,
       (coalesce(v.parent_country, v.hq_country) = 'US') <> (v.hq_country = 'US') AS views_differ,
       count(s.component_id) AS components,
       coalesce(sum(s.spend_eur), 0) AS spend_eur,
       coalesce(sum(s.criticality), 0) AS criticality,
       v.valid_from,
       CASE WHEN v.applies_until < DATE '9999-12-31' THEN v.applies_until END AS valid_until
FROM v
LEFT JOIN countries h ON h.code = v.hq_country
LEFT JOIN countries c ON c.code = coalesce(v.parent_country, v.hq_country)
LEFT JOIN s ON s.vendor_id = v.vendor_id
GROUP BY ALL
ORDER BY components = 0, criticality DESC, v.vendor_id
