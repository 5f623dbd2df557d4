-- title: What-if levers: substitutions ranked by criticality-weighted US-share reduction per euro
-- returns: one row per component that names an alternative vendor
-- param: snapshot DATE = NULL: the stack as of this date; NULL: the latest snapshot
-- param: limit INTEGER = 50: rows at most
-- column: component_id text: component id
-- column: name text: name
-- column: layer text: layer — label
-- column: vendor text: vendor
-- column: control_country text: control country — ISO 3166-1 alpha-2, ultimate parent
-- column: alternative text: alternative
-- column: alternative_vendor text: alternative vendor
-- column: alternative_country text: alternative's country — ultimate parent; the alternative vendor's ownership as of the snapshot date
-- column: criticality 1: criticality — 1..5
-- column: spend_eur EUR/yr: spend
-- column: alternative_spend_eur EUR/yr: alternative spend
-- column: switch_cost_eur EUR: switch cost — one-off EUR
-- column: first_year_cost_eur EUR: first-year cost — EUR: switch cost + change in annual spend
-- column: us_critical_pp pp: US share change — percentage points the criticality-weighted US share falls
-- column: lockin_pp pp: lock-in change
-- column: kill_switch_pp pp: kill switch change — percentage points the hard lock-in and kill-switch shares fall
-- column: unknown_critical_pp pp: unknown share change — percentage points the criticality-weighted share of unknown jurisdiction falls
-- column: annual_change_eur EUR/yr: annual spend change — alternative spend − spend, every year after the switch
-- column: cost_effect text: first-year cost — 'saves money' (first-year cost below 0), 'no first-year cost' (exactly 0), 'costs money' (above 0)
-- column: pp_per_meur pp/MEUR: change per € M — us_critical_pp per million EUR of first-year cost; NULL when the first-year cost is 0 or below (nothing to divide by: see cost_effect)
-- column: rank count: rank — among the levers that lower the US share (us_critical_pp > 0); NULL for a substitution that does not lower it
-- formula: us_critical_pp = 100 · w·([US now] − [US after]) / Σ w over the stack; first_year_cost = switch_cost (or one year's spend when unknown) + alternative_spend − spend; pp_per_meur = us_critical_pp / (first_year_cost / 1e6); ranked only where us_critical_pp > 0: switches that cost nothing or save money first (most pp first), then by pp_per_meur; substitutions that do not lower the US share are listed after them, unranked, by their lock-in and kill-switch change
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
       alternative_spend_eur - spend_eur AS annual_change_eur,
       CASE WHEN first_year_cost_eur < 0 THEN 'saves money' WHEN first_year_cost_eur = 0 THEN 'no first-year cost'
            ELSE 'costs money' END AS cost_effect,
       CASE WHEN first_year_cost_eur > 0 THEN us_critical_pp / (first_year_cost_eur / 1e6) END AS pp_per_meur,
       CASE WHEN us_critical_pp > 0 THEN
           row_number() OVER (PARTITION BY us_critical_pp > 0
                              ORDER BY first_year_cost_eur <= 0 DESC,
                                       CASE WHEN first_year_cost_eur <= 0 THEN us_critical_pp END DESC NULLS LAST,
                                       us_critical_pp / greatest(first_year_cost_eur, 1) DESC,
                                       kill_switch_pp + lockin_pp DESC, component_id) END AS rank
FROM scored
ORDER BY rank NULLS LAST, kill_switch_pp + lockin_pp DESC, us_critical_pp DESC, component_id
LIMIT $limit
