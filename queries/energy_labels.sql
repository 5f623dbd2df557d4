-- title: The A–G labels the site would get for PUE and WUE (EU rating act 2026)
-- returns: one row per labelled indicator (pue, wue)
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive; the label year is the calendar year of its last instant
-- param: label_rule_set VARCHAR = eu_labels_2026: the rule set whose bands (comparator <=, upper bound threshold; > for the last class) give the classes
-- uses: energy_over (queries/definitions/040_energy.sql)
-- column: indicator text: indicator — PUE or WUE
-- column: range_value 1: value in range — PUE, or WUE in L/kWh, over the selected range
-- column: value 1: projected annual — the calendar year to the range's end (PUE: facility / IT energy; WUE: freshwater L / IT kWh): the value labelled
-- column: label text: label — the class; two classes ("E or F") where a band's bound is not verified
-- column: band text: band — the bounds the value falls between
-- column: confidence text: confidence — the weakest confidence of the bands involved (docs/reference_data.md)
-- column: applies_from date: labels from — when the European database first issues labels
-- column: legal_reference text: legal reference
-- column: source text: source
-- A value falls in the first class whose verified upper bound it does not exceed; when a class
-- between that one and the previous verified bound has an unknown bound, every class in between is
-- possible and all are named. No class is invented for a bound nobody has checked.
WITH per AS (SELECT * FROM energy_over($start, $end, 'all', false)),
ytd AS (
    SELECT * FROM energy_over(date_trunc('year', $end - INTERVAL 1 MICROSECOND)::TIMESTAMP, $end, 'all', false)
),
bands AS (
    SELECT kpi, regexp_extract(applies_to, 'label class ([A-G])', 1) AS class, comparator, threshold,
           confidence, effective_from, legal_reference, source
    FROM law_rules
    WHERE rule_set = $label_rule_set AND kpi IN ('pue', 'wue') AND comparator IN ('<=', '>')
),
v AS (
    SELECT 'pue' AS kpi, 'PUE' AS indicator, per.pue AS range_value, ytd.pue AS value FROM per, ytd
    UNION ALL
    SELECT 'wue', 'WUE', per.wue, ytd.wue FROM per, ytd
),
placed AS (
    SELECT v.kpi, v.indicator, v.range_value, v.value,
           -- the first class whose verified upper bound the value does not exceed (G: above its bound)
           coalesce(min(b.class) FILTER (WHERE b.comparator = '<=' AND b.threshold IS NOT NULL AND v.value <= b.threshold),
                    max(b.class) FILTER (WHERE b.comparator = '>' AND v.value > b.threshold)) AS upper_class,
           -- the class of the highest verified bound below the value ('' when none)
           coalesce(arg_max(b.class, b.threshold) FILTER (WHERE b.comparator = '<=' AND b.threshold IS NOT NULL
                                                             AND v.value > b.threshold), '') AS lower_class,
           max(b.threshold) FILTER (WHERE b.comparator = '<=' AND b.threshold IS NOT NULL AND v.value > b.threshold) AS lower_bound,
           min(b.threshold) FILTER (WHERE b.comparator = '<=' AND b.threshold IS NOT NULL AND v.value <= b.threshold) AS upper_bound
    FROM v LEFT JOIN bands b ON b.kpi = v.kpi
    GROUP BY ALL
)
SELECT p.indicator, p.range_value, p.value,
       CASE WHEN p.value IS NULL THEN NULL
            ELSE string_agg(b.class, ' or ' ORDER BY b.class) FILTER (WHERE b.class > p.lower_class AND b.class <= p.upper_class) END AS label,
       CASE WHEN p.value IS NULL THEN NULL
            ELSE coalesce(CAST(p.lower_bound AS VARCHAR) || ' < ', '') || p.indicator
                 || coalesce(' ≤ ' || CAST(p.upper_bound AS VARCHAR), '') END AS band,
       CASE WHEN p.value IS NULL THEN NULL
            ELSE CASE min(CASE b.confidence WHEN 'unverified' THEN 0 WHEN 'inferred' THEN 1
                                            WHEN 'verified_secondary' THEN 2 ELSE 3 END)
                          FILTER (WHERE b.class > p.lower_class AND b.class <= p.upper_class)
                 WHEN 0 THEN 'unverified' WHEN 1 THEN 'inferred' WHEN 2 THEN 'verified_secondary'
                 ELSE 'verified_primary' END END AS confidence,
       min(b.effective_from) AS applies_from,
       any_value(b.legal_reference) AS legal_reference,
       any_value(b.source) AS source
FROM placed p LEFT JOIN bands b ON b.kpi = p.kpi
GROUP BY p.indicator, p.range_value, p.value, p.lower_class, p.upper_class, p.lower_bound, p.upper_bound
ORDER BY p.indicator
