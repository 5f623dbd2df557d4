-- title: What-if cost: what a scenario's substitutions cost, in total
-- returns: one row
-- param: snapshot DATE = NULL: the stack as of this date; NULL: the latest snapshot
-- param: swaps VARCHAR = []: JSON list of substitutions, as sov_scores takes it [{"component_id": ..., "vendor_id": ..., optional "annual_spend_eur"}]
-- column: components_swapped count: components substituted
-- column: annual_spend_eur EUR/yr: annual spend now — the whole stored stack
-- column: scenario_annual_spend_eur EUR/yr: annual spend, scenario — the stack with the substitutions
-- column: annual_change_eur EUR/yr: annual spend change — scenario − now, every year
-- column: switch_cost_eur EUR: switch costs — one-off, summed over the substitutions
-- column: first_year_change_eur EUR: first-year cost change — switch costs + one year's spend change
-- column: switch_costs_assumed count: switch costs assumed — substitutions without a recorded switch cost, counted at one year's spend
-- formula: a substitution to the component's named alternative takes the record's alternative spend and switch cost; to another vendor it keeps the component's spend unless the swap gives annual_spend_eur; an unknown switch cost counts as one year's spend (as sov_levers assumes)
WITH cur AS (SELECT max(as_of) AS d FROM sov_stack WHERE $snapshot IS NULL OR as_of <= $snapshot),
base AS (SELECT * FROM sov_stack WHERE as_of = (SELECT d FROM cur)),
swaps AS (
    SELECT s->>'component_id' AS component_id, s->>'vendor_id' AS vendor_id,
           TRY_CAST(s->>'annual_spend_eur' AS DOUBLE) AS spend_eur
    FROM (SELECT unnest(CAST(json($swaps) AS JSON[])) AS s)
    QUALIFY row_number() OVER (PARTITION BY s->>'component_id') = 1
),
checked AS (
    SELECT sw.*, b.spend_eur AS spend_now, b.alternative_vendor_id, b.alternative_spend_eur, b.switch_cost_eur,
           sw.vendor_id = b.alternative_vendor_id AS named,
           CASE WHEN b.component_id IS NULL THEN error('what-if: no component ' || coalesce(sw.component_id, '(none)') || ' in the stack')
                WHEN NOT EXISTS (SELECT 1 FROM vendors v WHERE v.vendor_id = sw.vendor_id)
                    THEN error('what-if: unknown vendor ' || coalesce(sw.vendor_id, '(none)'))
           END AS invalid
    FROM swaps sw LEFT JOIN base b ON b.component_id = sw.component_id
),
costed AS (
    SELECT spend_now,
           coalesce(spend_eur, CASE WHEN named THEN alternative_spend_eur END, spend_now) AS spend_after,
           CASE WHEN named AND switch_cost_eur IS NOT NULL THEN switch_cost_eur ELSE spend_now END AS switch_cost,
           NOT (named AND switch_cost_eur IS NOT NULL) AS assumed,
           invalid
    FROM checked
)
SELECT (SELECT count(*) FILTER (WHERE invalid IS NULL) FROM costed) AS components_swapped,
       (SELECT coalesce(sum(spend_eur), 0) FROM base) AS annual_spend_eur,
       (SELECT coalesce(sum(spend_eur), 0) FROM base)
           + (SELECT coalesce(sum(spend_after - spend_now), 0) FROM costed) AS scenario_annual_spend_eur,
       (SELECT coalesce(sum(spend_after - spend_now), 0) FROM costed) AS annual_change_eur,
       (SELECT coalesce(sum(switch_cost), 0) FROM costed) AS switch_cost_eur,
       (SELECT coalesce(sum(switch_cost + spend_after - spend_now), 0) FROM costed) AS first_year_change_eur,
       (SELECT count(*) FILTER (WHERE assumed) FROM costed) AS switch_costs_assumed
