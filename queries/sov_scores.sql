-- title: Sovereignty scores, stored stack against a what-if scenario
-- returns: one row per score (the unknown_share_* rows: the share whose jurisdiction is unknown, ultimate parent's country ZZ); spend scores are NULL (no data) when no component has spend recorded, every score NULL when the stack is empty; stored records are not changed
-- param: snapshot DATE = NULL: the stack as of this date; NULL: the latest snapshot
-- param: swaps VARCHAR = []: JSON list of substitutions [{"component_id": ..., "vendor_id": ... (the alternative's vendor), optional "annual_spend_eur", "open_source", "licence_server", "cloud_connection"}]; a substituted component takes the new vendor's jurisdictions (its ownership version valid at the snapshot date), its spend if given (else keeps its own), and the flags given (else false)
-- column: score text: score — name
-- column: label text: label
-- column: formula text: formula
-- column: baseline ratio: now — the stored stack
-- column: scenario ratio: scenario — with the substitutions applied
-- column: delta ratio: change — scenario - baseline, ratio
-- formula: US = ultimate parent in US (HQ view: headquarters in US); unknown = ultimate parent's country unknown (ZZ); w = criticality 1..5; hard lock-in = US and not open source and no EU or open alternative (a substituted component: US and not open source); kill switch = US and needs a licence server or cloud connection
WITH cur AS (SELECT max(as_of) AS d FROM sov_stack WHERE $snapshot IS NULL OR as_of <= $snapshot),
base AS (SELECT * FROM sov_stack WHERE as_of = (SELECT d FROM cur)),
swaps_raw AS (SELECT unnest(CAST(json($swaps) AS JSON[])) AS s),
swaps AS (
    SELECT s->>'component_id' AS component_id, s->>'vendor_id' AS vendor_id,
           TRY_CAST(s->>'annual_spend_eur' AS DOUBLE) AS spend_eur,
           coalesce(TRY_CAST(s->>'open_source' AS BOOLEAN), false) AS open_source,
           coalesce(TRY_CAST(s->>'licence_server' AS BOOLEAN), false)
               OR coalesce(TRY_CAST(s->>'cloud_connection' AS BOOLEAN), false) AS needs_vendor_service
    FROM swaps_raw
),
swaps_checked AS (
    SELECT sw.*, v.hq_country, coalesce(v.parent_country, v.hq_country) AS control_country,
           CASE WHEN v.vendor_id IS NULL THEN error('what-if: unknown vendor ' || coalesce(sw.vendor_id, '(none)'))
                WHEN b.component_id IS NULL THEN error('what-if: no component ' || coalesce(sw.component_id, '(none)') || ' in the stack')
           END AS invalid
    FROM swaps sw
    -- the alternative's ownership as of the snapshot (vendor_versions: the latest valid_from on or before it)
    LEFT JOIN vendor_versions v ON v.vendor_id = sw.vendor_id
        AND coalesce((SELECT d FROM cur), DATE '9999-12-30') >= v.applies_from
        AND coalesce((SELECT d FROM cur), DATE '9999-12-30') < v.applies_until
    LEFT JOIN base b ON b.component_id = sw.component_id
),
stacks AS (
    SELECT 'baseline' AS view, criticality, spend_eur, us_parent, us_hq,
           us_parent AND NOT open_source AND alternative IS NULL AS hard_lockin,
           us_parent AND needs_vendor_service AS kill_switch,
           control_country = 'ZZ' AS unknown
    FROM base
    UNION ALL
    SELECT 'scenario', b.criticality,
           CASE WHEN sw.component_id IS NULL THEN b.spend_eur ELSE coalesce(sw.spend_eur, b.spend_eur) END,
           CASE WHEN sw.component_id IS NULL THEN b.us_parent ELSE sw.control_country = 'US' END,
           CASE WHEN sw.component_id IS NULL THEN b.us_hq ELSE sw.hq_country = 'US' END,
           CASE WHEN sw.component_id IS NULL THEN b.us_parent AND NOT b.open_source AND b.alternative IS NULL
                ELSE sw.control_country = 'US' AND NOT sw.open_source AND sw.invalid IS NULL END,
           CASE WHEN sw.component_id IS NULL THEN b.us_parent AND b.needs_vendor_service
                ELSE sw.control_country = 'US' AND sw.needs_vendor_service END,
           CASE WHEN sw.component_id IS NULL THEN b.control_country = 'ZZ' ELSE sw.control_country = 'ZZ' END
    FROM base b
    LEFT JOIN (SELECT * FROM swaps_checked QUALIFY row_number() OVER (PARTITION BY component_id) = 1) sw
        ON sw.component_id = b.component_id
),
agg AS (
    SELECT view,
           avg(us_parent::INTEGER) AS us_share_count,
           weighted_share(spend_eur, us_parent) AS us_share_spend,
           weighted_share(criticality, us_parent) AS us_share_critical,
           avg(us_hq::INTEGER) AS us_share_count_hq,
           weighted_share(spend_eur, us_hq) AS us_share_spend_hq,
           weighted_share(criticality, us_hq) AS us_share_critical_hq,
           weighted_share(criticality, hard_lockin) AS hard_lockin_share,
           weighted_share(criticality, kill_switch) AS kill_switch_share,
           avg(unknown::INTEGER) AS unknown_share_count,
           weighted_share(spend_eur, unknown) AS unknown_share_spend,
           weighted_share(criticality, unknown) AS unknown_share_critical
    FROM stacks
    GROUP BY view
),
long AS (
    SELECT view, score, value
    FROM agg UNPIVOT INCLUDE NULLS (value FOR score IN (
        us_share_count, us_share_spend, us_share_critical, us_share_count_hq, us_share_spend_hq,
        us_share_critical_hq, hard_lockin_share, kill_switch_share,
        unknown_share_count, unknown_share_spend, unknown_share_critical))
),
meta(ord, score, label, formula) AS (VALUES
    (1, 'us_share_count', 'US-controlled, by count', 'N(US) / N'),
    (2, 'us_share_spend', 'US-controlled, by spend', 'Σ spend·[US] / Σ spend'),
    (3, 'us_share_critical', 'US-controlled, criticality-weighted', 'Σ w·[US] / Σ w'),
    (4, 'us_share_count_hq', 'US-headquartered, by count', 'N(US HQ) / N'),
    (5, 'us_share_spend_hq', 'US-headquartered, by spend', 'Σ spend·[US HQ] / Σ spend'),
    (6, 'us_share_critical_hq', 'US-headquartered, criticality-weighted', 'Σ w·[US HQ] / Σ w'),
    (7, 'hard_lockin_share', 'Hard lock-in', 'Σ w·[US ∧ ¬open source ∧ no EU/open alternative] / Σ w'),
    (8, 'kill_switch_share', 'Kill switch', 'Σ w·[US ∧ (licence server ∨ cloud connection)] / Σ w'),
    (9, 'unknown_share_count', 'Jurisdiction unknown, by count', 'N(unknown) / N'),
    (10, 'unknown_share_spend', 'Jurisdiction unknown, by spend', 'Σ spend·[unknown] / Σ spend'),
    (11, 'unknown_share_critical', 'Jurisdiction unknown, criticality-weighted', 'Σ w·[unknown] / Σ w')
)
SELECT m.score, m.label, m.formula,
       max(l.value) FILTER (WHERE l.view = 'baseline') AS baseline,
       max(l.value) FILTER (WHERE l.view = 'scenario') AS scenario,
       max(l.value) FILTER (WHERE l.view = 'scenario') - max(l.value) FILTER (WHERE l.view = 'baseline') AS delta
FROM meta m
LEFT JOIN long l ON l.score = m.score
GROUP BY m.ord, m.score, m.label, m.formula
ORDER BY m.ord
