-- Definitions: the sovereignty views the sov_*.sql queries read. Applied as TEMP views on every
-- connection (dashboard/store.py); see docs/sovereignty.md.

-- weighted_share(w, flag) → DOUBLE (an aggregate): Σ w over the rows where flag holds / Σ w; 0 when
-- flag holds nowhere, NULL when Σ w is 0 or no row has a weight (no spend recorded is no data, not 0).
CREATE OR REPLACE TEMP MACRO weighted_share(w, flag) AS
    coalesce(sum(w) FILTER (WHERE flag), 0) / nullif(sum(w), 0);

-- Each vendor version with the dates it applies to: from its valid_from (the first version: from
-- any date, so a component dated before a vendor's first recorded version still has a vendor)
-- until the next version's valid_from (exclusive; 9999-12-31 for the current one).
CREATE OR REPLACE TEMP VIEW vendor_versions AS
SELECT v.*,
       CASE WHEN row_number() OVER w = 1 THEN DATE '0001-01-01' ELSE v.valid_from END AS applies_from,
       coalesce(lead(v.valid_from) OVER w, DATE '9999-12-31') AS applies_until
FROM vendors v
WINDOW w AS (PARTITION BY v.vendor_id ORDER BY v.valid_from);

-- The stack as of every snapshot date: each component's latest record on or before the date,
-- retired ones left out, joined with the version of its vendor valid on that date (the latest
-- valid_from on or before it). The score queries read this.
CREATE OR REPLACE TEMP VIEW sov_stack AS
WITH dates AS (SELECT DISTINCT snapshot_date AS as_of FROM components),
latest AS (
    SELECT d.as_of, c.*,
           row_number() OVER (PARTITION BY d.as_of, c.component_id ORDER BY c.snapshot_date DESC) AS rn
    FROM dates d JOIN components c ON c.snapshot_date <= d.as_of
)
SELECT l.as_of, l.component_id, l.snapshot_date AS recorded_on, l.name, l.layer,
       ly.label AS layer_label, ly.ord AS layer_ord,
       l.vendor_id, v.name AS vendor, v.hq_country,
       coalesce(v.parent, v.name) AS ultimate_parent,
       coalesce(v.parent_country, v.hq_country) AS control_country,
       l.quantity, coalesce(l.annual_spend_eur, 0) AS spend_eur, l.annual_spend_eur IS NULL AS spend_unknown,
       l.criticality, l.open_source, l.export_controlled, l.licence_server, l.cloud_connection,
       l.alternative, l.alternative_vendor_id, l.alternative_open_source, l.alternative_spend_eur, l.switch_cost_eur,
       l.source, l.notes,
       coalesce(v.parent_country, v.hq_country) = 'US' AS us_parent,     -- US-controlled (parent view)
       v.hq_country = 'US' AS us_hq,                                     -- US-headquartered (HQ view)
       coalesce(pc.eu, false) AS eu_parent,                              -- EU-controlled
       (l.licence_server OR l.cloud_connection) AS needs_vendor_service
FROM latest l
JOIN vendor_versions v ON v.vendor_id = l.vendor_id
                      AND l.as_of >= v.applies_from AND l.as_of < v.applies_until
JOIN sov_layers ly ON ly.layer = l.layer
LEFT JOIN countries pc ON pc.code = coalesce(v.parent_country, v.hq_country)
WHERE l.rn = 1 AND NOT l.retired;
