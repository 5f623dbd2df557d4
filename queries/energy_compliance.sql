-- title: The site against the law: each rule that applies, its threshold, the period's and the projected annual value, the verdict
-- returns: one row per rule of the chosen rule set (with the rules it amends and the EU rules beside it) that applies to the site and has not ended before the year judged
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive; the year judged is the calendar year of its last instant
-- param: rule_set VARCHAR = enefg_2023: the national rule set (enefg_2023: EnEfG in force; enefg_amendment_2026_bill: the pending bill as if passed)
-- param: commissioned DATE = 2026-02-04: the site's start of operation, which decides the thresholds (settings [site] commissioned)
-- param: also_rule_sets VARCHAR = eu_eed_2024_1364: rule sets that hold beside the national one, comma-separated
-- param: at_risk_margin DOUBLE = 0.1: a projected value meeting its threshold by less than this (PUE 0.1, a share 10 percentage points) is at risk: a part of the year misses the other seasons
-- uses: energy_over, rules_for, rule_set_known, rule_verdict, rule_value_text (queries/definitions/040_energy.sql)
-- column: rule_set text: rule set — the set the rule belongs to (a rule the chosen bill does not amend comes from the law it amends)
-- column: rule_id text: rule
-- column: kpi text: KPI — pue, erf, ref, scope, or a duty (management_system, metering, register, customer_statement, reporting)
-- column: requirement text: requirement
-- column: due_from date: applies from — the later of the rule's effective date and commissioning + the years the rule grants ("within N years of commissioning")
-- column: due_until date: applies until
-- column: timing text: timing — in force on the last day of the range, upcoming, or ended during the year
-- column: period_value 1: value in range, number — the range's value (PUE; ERF and REF as ratios 0..1; scope: peak kW)
-- column: projected_value 1: projected annual — the calendar year to the range's end: energies summed, then divided (the rest of the year taken to look like the part metered)
-- column: threshold_value 1: threshold — in the KPI's terms (PUE; shares as ratios 0..1; kW)
-- column: value_text text: projected annual value — as the law writes it
-- column: period_text text: value in range — the range's value as the law writes it
-- column: verdict text: verdict — pass, at risk, fail, no data; duties say duty; scope says in scope or check rated power
-- column: year_coverage ratio: year metered — facility-meter hours of the year to date / hours in the year
-- column: legal_reference text: legal reference
-- column: description text: what the rule says
-- column: deadline text: deadline
-- column: status text: status — in force, pending bill, adopted but not yet applicable
-- column: confidence text: confidence — verified_primary, verified_secondary, inferred, unverified (docs/reference_data.md)
-- column: source text: source
-- A rule applies to the site when its commissioning window holds the commissioning date. Verdicts
-- judge the projected annual value (the laws set annual averages); an upcoming rule is judged as if
-- the site kept this year's performance. Scope and duties with a size limit compare the measured peak
-- power with it: the rated power the laws name is at least the peak drawn, so a peak at or above the
-- limit puts the site in scope, a lower peak needs the rated power checked.
WITH judged AS (
    SELECT ($end - INTERVAL 1 MICROSECOND)::DATE AS d,
           date_trunc('year', $end - INTERVAL 1 MICROSECOND)::TIMESTAMP AS y0
),
per AS (SELECT * FROM energy_over($start, $end, 'all', false)),
-- the year's start written out (not read from judged): a constant lets DuckDB push the range into the scans
ytd AS (SELECT * FROM energy_over(date_trunc('year', $end - INTERVAL 1 MICROSECOND)::TIMESTAMP, $end, 'all', false)),
site AS (
    SELECT r.*, nullif(regexp_extract(r.deadline, 'within (\d+) years? of commissioning', 1), '') AS grace_years,
           CASE WHEN regexp_matches(coalesce(r.size_basis, ''), '\bIT\b') THEN 'it' ELSE 'facility' END AS basis
    FROM rules_for($rule_set, $also_rule_sets) r
    WHERE r.comparator <> 'info' AND r.kpi <> 'fine'
      AND (r.commissioning_from IS NULL OR $commissioned >= r.commissioning_from)
      AND (r.commissioning_until IS NULL OR $commissioned <= r.commissioning_until)
),
dated AS (
    SELECT s.*,
           CASE WHEN grace_years IS NULL THEN s.effective_from
                ELSE greatest(s.effective_from, ($commissioned + to_years(CAST(grace_years AS INTEGER)))::DATE) END AS due_from
    FROM site s
),
valued AS (
    SELECT d.*,
           CASE WHEN d.unit = '%' THEN d.threshold / 100 ELSE d.threshold END AS t,
           d.unit = '%' AS share,
           CASE d.kpi WHEN 'pue' THEN per.pue WHEN 'erf' THEN per.erf WHEN 'ref' THEN per.ref
                      ELSE CASE d.basis WHEN 'it' THEN per.it_kw_peak ELSE per.facility_kw_peak END END AS pv,
           CASE d.kpi WHEN 'pue' THEN ytd.pue WHEN 'erf' THEN ytd.erf WHEN 'ref' THEN ytd.ref
                      ELSE CASE d.basis WHEN 'it' THEN ytd.it_kw_peak ELSE ytd.facility_kw_peak END END AS yv,
           ytd.hours / (epoch(judged.y0 + INTERVAL 1 YEAR) - epoch(judged.y0)) * 3600 AS coverage,
           judged.d AS judged_on
    -- without meter data energy_over has no row: the rules still show, with verdict 'no data'
    FROM dated d CROSS JOIN judged LEFT JOIN per ON true LEFT JOIN ytd ON true
    WHERE d.effective_until IS NULL OR d.effective_until >= judged.y0::DATE
)
SELECT rule_set, rule_id, kpi,
       CASE WHEN comparator = 'duty' THEN replace(kpi, '_', ' ') || ' (duty)'
            ELSE CASE kpi WHEN 'scope' THEN 'size' ELSE upper(kpi) END || ' '
                 || replace(replace(comparator, '<=', '≤'), '>=', '≥') || ' '
                 || coalesce(CASE WHEN threshold = round(threshold) THEN CAST(CAST(threshold AS BIGINT) AS VARCHAR)
                                  ELSE CAST(threshold AS VARCHAR) END, '?')
                 || CASE WHEN unit = '%' THEN ' %' WHEN unit IN ('kW', 'L/kWh') THEN ' ' || unit ELSE '' END
       END AS requirement,
       due_from, effective_until AS due_until,
       CASE WHEN due_from IS NULL THEN 'date not set'
            WHEN due_from > judged_on THEN 'upcoming'
            WHEN effective_until < judged_on THEN 'ended'
            ELSE 'in force' END AS timing,
       CASE WHEN comparator = 'duty' AND size_threshold_kw IS NULL THEN NULL ELSE pv END AS period_value,
       CASE WHEN comparator = 'duty' AND size_threshold_kw IS NULL THEN NULL ELSE yv END AS projected_value,
       CASE WHEN comparator = 'duty' THEN size_threshold_kw ELSE t END AS threshold_value,
       CASE WHEN comparator = 'duty' AND size_threshold_kw IS NULL THEN NULL
            ELSE rule_value_text(yv, kpi, share) END AS value_text,
       CASE WHEN comparator = 'duty' AND size_threshold_kw IS NULL THEN NULL
            ELSE rule_value_text(pv, kpi, share) END AS period_text,
       CASE WHEN comparator = 'duty'
                 THEN CASE WHEN size_threshold_kw IS NULL OR yv >= size_threshold_kw THEN 'duty'
                           ELSE 'duty if rated ≥ ' || CAST(size_threshold_kw AS VARCHAR) || ' kW' END
            WHEN kpi = 'scope'
                 THEN CASE WHEN yv IS NULL THEN 'no data' WHEN rule_meets(yv, comparator, t) THEN 'in scope'
                           ELSE 'check rated power' END
            ELSE rule_verdict(yv, pv, comparator, t, $at_risk_margin, share) END AS verdict,
       coverage AS year_coverage,
       legal_reference, description, deadline, status, confidence, source
FROM valued
WHERE rule_set_known($rule_set)
ORDER BY CASE timing WHEN 'in force' THEN 0 WHEN 'upcoming' THEN 1 WHEN 'ended' THEN 2 ELSE 3 END,
         CASE kpi WHEN 'pue' THEN 0 WHEN 'erf' THEN 1 WHEN 'ref' THEN 2 WHEN 'scope' THEN 3 ELSE 4 END,
         due_from, rule_id
