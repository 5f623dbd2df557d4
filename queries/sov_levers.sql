-- title: What-if levers: substitutions ranked by criticality-weighted US-share reduction per euro
-- returns: one row per component that names an alternative vendor: component_id, name, layer (label), vendor, control_country (ISO 3166-1 alpha-2, ultimate parent), alternative, alternative_vendor, alternative_country (ultimate parent; the alternative vendor's ownership as of the snapshot date), criticality (1..5), spend_eur, alternative_spend_eur (EUR per year), switch_cost_eur (one-off EUR), first_year_cost_eur (EUR: switch cost + change in annual spend), us_critical_pp (percentage points the criticality-weighted US share falls), lockin_pp, kill_switch_pp (percentage points the hard lock-in and kill-switch shares fall), unknown_critical_pp (percentage points the criticality-weighted share of unknown jurisdiction falls), pp_per_meur (us_critical_pp per million EUR of first-year cost; NULL when the switch saves money in the first year), rank
-- param: snapshot DATE = NULL: the stack as of this date; NULL: the latest snapshot
-- param: limit INTEGER = 50: rows at most
-- formula: us_critical_pp = 100 · w·([US now] − [US after]) / Σ w over the stack; first_year_cost = switch_cost (or one year's spend when unknown) + alternative_spend − spend; pp_per_meur = us_critical_pp / (first_year_cost / 1e6); ranked by pp_per_meur, switches that save money first, levers that do not move the US share last
WITH cur AS (SELECT max(as_of) AS d FROM sov_stack WHERE $snapshot IS NULL OR as_of <= $snapshot),
base AS (SELECT * FROM sov_stack WHERE as_of = (SELECT d FROM cur)),
total AS (SELECT sum(criticality) AS w FROM base),
lever AS (
    SELECT b.component_id, b.name, b.layer_label AS layer, b.vendor, b.control_country,
           b.alternative, a.name AS alternative_vendor,
           coalesce(a.parent_country, a.hq_country) AS alternative_country,
           b.criticality, b.spend_eur,
           coalesce(b.alternative_spend_eur, b.spend_eur) AS alternative_spend_eur,
           coalesce(b.switch_cost_eur, b.spend_eur) AS switch_cost_eur,
           coalesce(b.switch_cost_eur, b.spend_eur) + coalesce(b.alternative_spend_eur, b.spend_eur) - b.spend_eur
               AS first_year_cost_eur,
           b.us_parent,
           coalesce(a.parent_country, a.hq_country) = 'US' AS alt_us,
           b.us_parent AND NOT b.open_source AND b.alternative IS NULL AS lockin_now,
           coalesce(a.parent_country, a.hq_country) = 'US' AND NOT b.alternative_open_source AS lockin_after,
           b.us_parent AND b.needs_vendor_service AS kill_now,
           b.control_country = 'ZZ' AS unknown_now,
           coalesce(a.parent_country, a.hq_country) = 'ZZ' AS unknown_after
    FROM base b
    -- the alternative's ownership as of the snapshot (vendor_versions: the latest valid_from on or before it)
    JOIN vendor_versions a ON a.vendor_id = b.alternative_vendor_id
        AND b.as_of >= a.applies_from AND b.as_of < a.applies_until
),
scored AS (
    SELECT *,
           100.0 * criticality * (us_parent::INTEGER - alt_us::INTEGER) / (SELECT w FROM total) AS us_critical_pp,
           100.0 * criticality * (lockin_now::INTEGER - lockin_after::INTEGER) / (SELECT w FROM total) AS lockin_pp,
           100.0 * criticality * kill_now::INTEGER / (SELECT w FROM total) AS kill_switch_pp,
           100.0 * criticality * (unknown_now::INTEGER - unknown_after::INTEGER) / (SELECT w FROM total) AS unknown_critical_pp
    FROM lever
)
SELECT component_id, name, layer, vendor, control_country, alternative, alternative_vendor,
       alternative_country, criticality, spend_eur, alternative_spend_eur, switch_cost_eur,
       first_year_cost_eur, us_critical_pp, lockin_pp, kill_switch_pp, unknown_critical_pp,
       CASE WHEN first_year_cost_eur > 0 THEN us_critical_pp / (first_year_cost_eur / 1e6) END AS pp_per_meur,
       row_number() OVER (ORDER BY us_critical_pp > 0 DESC, first_year_cost_eur <= 0 DESC,
                          us_critical_pp / greatest(first_year_cost_eur, 1) DESC,
                          kill_switch_pp + lockin_pp DESC, component_id) AS rank
FROM scored
ORDER BY rank
LIMIT $limit
