-- title: EU Cloud Sovereignty Framework rating: SEAL level per objective, weighted score
-- returns: one row per objective SOV-1..SOV-8
-- param: rubric VARCHAR: path of the rubric CSV (settings: [sovereignty] rubric or AIFD_RUBRIC; default queries/reference/sovereignty_rubric.csv, passed as an absolute path by the pages and `aifd query`)
-- param: snapshot DATE = NULL: the stack as of this date; NULL: the latest snapshot
-- column: objective text: objective
-- column: title text: title
-- column: weight ratio: weight — the framework's
-- column: indicator text: indicator — name
-- column: indicator_value ratio: indicator value — ratio 0..1; NULL for assessed objectives
-- column: seal_level 1: SEAL level — 0..4
-- column: seal_label text: SEAL
-- column: thresholds text: thresholds SEAL 1/2/3/4 — indicator values for SEAL 1/2/3/4
-- column: min_seal 1: tender minimum — 0..4, the tender gate
-- column: gate_met bool: gate met — boolean
-- column: weighted_score ratio: weighted score — weight × level / 4, ratio
-- column: components_in_scope count: components in scope — count
-- column: shortfall count: shortfall — count of in-scope components holding the indicator down
-- column: unknown_in_scope count: unknown jurisdiction in scope — in-scope components whose ultimate parent's country is unknown (ZZ); they never count as EU
-- column: unknown_share ratio: unknown share in scope — their criticality-weighted share of the scope; NULL for assessed and energy objectives
-- column: evidence_components text: components holding it down — up to 6 of them, most critical first
-- column: criteria text: criteria
-- column: evidence text: evidence
-- column: assumption text: assumption — text from the rubric
-- column: framework_score ratio: framework score — ratio 0..1: sum of weighted_score
-- column: all_gates_met bool: all gates met — boolean
-- column: weights_check text: weights check
-- formula: indicator = Σ w·[component meets the objective's test] / Σ w over the components in the objective's layers (w = criticality); SEAL level = number of the rubric's thresholds the indicator reaches (assessed objectives: the rubric's level); framework score = Σ weight · level / 4
WITH r AS (
    SELECT objective, title, CAST(weight AS DOUBLE) AS weight, indicator,
           CASE WHEN nullif(trim(layers), '') IS NOT NULL THEN string_split(trim(layers), ';') END AS layer_list,
           CAST(seal1 AS DOUBLE) AS seal1, CAST(seal2 AS DOUBLE) AS seal2,
           CAST(seal3 AS DOUBLE) AS seal3, CAST(seal4 AS DOUBLE) AS seal4,
           CAST(min_seal AS INTEGER) AS min_seal, TRY_CAST(assessed_level AS INTEGER) AS assessed_level,
           criteria, evidence, assumption
    FROM read_csv($rubric, header = true, all_varchar = true)
),
base AS (
    SELECT * FROM sov_stack
    WHERE as_of = (SELECT max(as_of) FROM sov_stack WHERE $snapshot IS NULL OR as_of <= $snapshot)
),
energy AS (
    SELECT CASE WHEN sum(avg_kw) FILTER (WHERE kind = 'facility') > 0
                THEN least(1.0, coalesce(sum(avg_kw) FILTER (WHERE kind = 'renewable'), 0)
                                / sum(avg_kw) FILTER (WHERE kind = 'facility')) END AS renewable_share
    FROM (SELECT m.kind, m.meter_id, sum(r.power_sum) / nullif(sum(r.power_n), 0) AS avg_kw
          FROM meters m JOIN meter_buckets(TIMESTAMP '2000-01-01', TIMESTAMP '2100-01-01') r ON r.meter_id = m.meter_id
          GROUP BY m.kind, m.meter_id)
),
scoped AS (
    SELECT r.objective, r.indicator, b.*,
           CASE r.indicator
               WHEN 'eu_controlled' THEN b.eu_parent
               WHEN 'eu_or_open' THEN b.eu_parent OR b.open_source
               WHEN 'no_kill_switch' THEN NOT (b.needs_vendor_service AND NOT b.eu_parent)
               WHEN 'has_exit' THEN b.eu_parent OR b.open_source OR b.alternative IS NOT NULL
               WHEN 'renewable_share' THEN NULL
               WHEN 'manual' THEN NULL
               ELSE error('rubric: unknown indicator ' || r.indicator
                          || ' (known: eu_controlled, eu_or_open, no_kill_switch, has_exit, renewable_share, manual)')
           END AS meets
    FROM r
    JOIN base b ON r.layer_list IS NULL OR list_contains(r.layer_list, b.layer)
),
ind AS (
    SELECT objective,
           count(*) AS components_in_scope,
           sum(criticality) FILTER (WHERE meets) / nullif(sum(criticality), 0) AS share,
           count(*) FILTER (WHERE NOT meets) AS shortfall,
           count(*) FILTER (WHERE control_country = 'ZZ') AS unknown_in_scope,
           weighted_share(criticality, control_country = 'ZZ') AS unknown_share,
           array_to_string(list(name || ' (' || vendor || ', ' || control_country || ')'
                                ORDER BY criticality DESC, spend_eur DESC, component_id)
                               FILTER (WHERE NOT meets)[1:6], '; ') AS evidence_components
    FROM scoped
    GROUP BY objective
),
rated AS (
    SELECT r.*, coalesce(i.components_in_scope, 0) AS components_in_scope,
           CASE WHEN r.indicator = 'manual' THEN 0 ELSE coalesce(i.shortfall, 0) END AS shortfall,
           i.evidence_components,
           CASE WHEN r.indicator IN ('manual', 'renewable_share') THEN 0 ELSE coalesce(i.unknown_in_scope, 0) END
               AS unknown_in_scope,
           CASE WHEN r.indicator NOT IN ('manual', 'renewable_share') THEN i.unknown_share END AS unknown_share,
           CASE r.indicator WHEN 'manual' THEN NULL
                            WHEN 'renewable_share' THEN (SELECT renewable_share FROM energy)
                            ELSE i.share END AS indicator_value
    FROM r LEFT JOIN ind i USING (objective)
),
leveled AS (
    SELECT *,
           CASE WHEN indicator = 'manual' THEN coalesce(assessed_level, 0)
                WHEN indicator_value IS NULL THEN 0
                ELSE (indicator_value >= seal1)::INTEGER + (indicator_value >= seal2)::INTEGER
                   + (indicator_value >= seal3)::INTEGER + (indicator_value >= seal4)::INTEGER
           END AS seal_level
    FROM rated
),
seal(level, label) AS (VALUES
    (0, 'SEAL-0: no sovereignty'), (1, 'SEAL-1: jurisdictional sovereignty only'),
    (2, 'SEAL-2: data sovereignty'), (3, 'SEAL-3: digital resilience'),
    (4, 'SEAL-4: full digital sovereignty'))
SELECT l.objective, l.title, l.weight, l.indicator, l.indicator_value, l.seal_level, s.label AS seal_label,
       CASE WHEN l.indicator = 'manual' THEN 'assessed'
            ELSE printf('%.2f / %.2f / %.2f / %.2f', l.seal1, l.seal2, l.seal3, l.seal4) END AS thresholds,
       l.min_seal, l.seal_level >= l.min_seal AS gate_met,
       l.weight * l.seal_level / 4.0 AS weighted_score,
       l.components_in_scope, l.shortfall, l.unknown_in_scope, l.unknown_share, l.evidence_components, l.criteria, l.evidence, l.assumption,
       sum(l.weight * l.seal_level / 4.0) OVER () AS framework_score,
       bool_and(l.seal_level >= l.min_seal) OVER () AS all_gates_met,
       CASE WHEN abs(sum(l.weight) OVER () - 1.0) > 1e-6
            THEN error('rubric: objective weights add up to ' || sum(l.weight) OVER () || ', not 1') END AS weights_check
FROM leveled l
JOIN seal s ON s.level = l.seal_level
ORDER BY l.objective
