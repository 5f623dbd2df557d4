-- Definitions: energy, carbon and water per hour, from meters, GPUs, the grid's carbon intensity and
-- water registers; applied as TEMP on every connection (dashboard/store.py). docs/energy.md explains
-- the rules; the energy_*.sql figures call these.
--
-- Every interval is counted at its end time (as the energy counters are), so that the energy of
-- adjacent ranges adds up; an interval needs a sample at both ends no more than an hour apart (a
-- longer gap is a gap: no energy, never an invented one).

-- meter_sample_rows(t0, t1) → TABLE
-- One row per meter sample in [t0, t1): meter_id, kind (facility, it, cooling, renewable, reuse),
-- ts, power_kw, and the interval the sample ends when the meter's previous sample is at most an hour
-- earlier (interval true; else false and the rest NULL): dt (s), counter_kwh (the energy counter's
-- increase where both samples carry it, a counter that went down restarting from 0: its new value),
-- power_kwh (the two power samples integrated by the trapezoid rule, (p0 + p1) / 2 × dt), kwh
-- (counter_kwh, else power_kwh), source ('counter' or 'power', NULL when neither), reset (1 when
-- the counter went down).
CREATE OR REPLACE TEMP MACRO meter_sample_rows(t0, t1) AS TABLE
    SELECT *, coalesce(counter_kwh, power_kwh) AS kwh,
           CASE WHEN counter_kwh IS NOT NULL THEN 'counter' WHEN power_kwh IS NOT NULL THEN 'power' END AS source
    FROM (
        SELECT s.meter_id, m.kind, s.ts, s.power_kw, s.ok AS interval,
               CASE WHEN s.ok THEN epoch(s.ts) - epoch(s.prev_ts) END AS dt,
               CASE WHEN s.ok AND s.energy_kwh IS NOT NULL AND s.prev_e IS NOT NULL
                    THEN CASE WHEN s.energy_kwh >= s.prev_e THEN s.energy_kwh - s.prev_e ELSE s.energy_kwh END
               END AS counter_kwh,
               CASE WHEN s.ok THEN (s.power_kw + s.prev_p) / 2 * (epoch(s.ts) - epoch(s.prev_ts)) / 3600 END AS power_kwh,
               coalesce(s.ok AND s.energy_kwh < s.prev_e, false)::INTEGER AS reset
        FROM (SELECT *, coalesce(prev_ts < ts AND ts - prev_ts <= INTERVAL 1 HOUR, false) AS ok
              FROM (SELECT meter_id, ts, power_kw, energy_kwh,
                           lag(ts) OVER w AS prev_ts, lag(energy_kwh) OVER w AS prev_e, lag(power_kw) OVER w AS prev_p
                    FROM meter_samples
                    WHERE ts >= t0 - INTERVAL 1 HOUR AND ts < t1 AND t0 < t1
                    WINDOW w AS (PARTITION BY meter_id ORDER BY ts))
              WHERE ts >= t0) s
        JOIN meters m USING (meter_id));

-- meter_interval_rows(t0, t1) → TABLE
-- The rows of table meter_5m computed from the samples (columns as there): per meter and 5-minute
-- bucket of [t0, t1), its samples' power and the intervals ending in it.
CREATE OR REPLACE TEMP MACRO meter_interval_rows(t0, t1) AS TABLE
    SELECT time_bucket(INTERVAL 5 MINUTE, ts) AS bucket, meter_id, count(*)::INTEGER AS samples,
           count(power_kw)::INTEGER AS power_n, sum(power_kw) AS power_sum, max(power_kw) AS power_max,
           count(*) FILTER (WHERE interval)::INTEGER AS intervals,
           count(kwh)::INTEGER AS energy_n, sum(kwh) AS kwh,
           count(counter_kwh)::INTEGER AS counter_n, sum(counter_kwh) AS counter_kwh,
           sum(reset)::INTEGER AS resets
    FROM meter_sample_rows(t0, t1)
    GROUP BY ALL;

-- meter_kind_interval_rows(t0, t1) → TABLE
-- The rows of table meter_kind_5m computed from the samples (columns as there): the kind's meters
-- are summed at each timestamp first (its energy, its longest interval, the meters with an interval,
-- its power), then per 5-minute bucket of [t0, t1).
CREATE OR REPLACE TEMP MACRO meter_kind_interval_rows(t0, t1) AS TABLE
    SELECT time_bucket(INTERVAL 5 MINUTE, ts) AS bucket, kind, sum(intervals)::INTEGER AS intervals,
           sum(kwh) AS kwh, sum(covered_s / meters) AS covered_s, max(kwh / dt * 3600) AS kw_peak,
           sum(counter_n)::INTEGER AS counter_n, sum(power_iv_n)::INTEGER AS power_iv_n,
           sum(resets)::INTEGER AS resets, sum(counter_kwh) AS counter_kwh, sum(counter_iv)::INTEGER AS counter_iv,
           sum(power_n)::INTEGER AS power_n, sum(power_sum) AS power_sum,
           count(kw)::INTEGER AS kw_n, sum(kw) AS kw_sum, max(kw) AS kw_max
    FROM (
        SELECT kind, ts, count(*) FILTER (WHERE interval) AS intervals,
               sum(kwh) AS kwh, max(dt) AS dt, count(DISTINCT meter_id) FILTER (WHERE interval) AS meters,
               sum(dt) FILTER (WHERE kwh IS NOT NULL) AS covered_s,
               count(*) FILTER (WHERE source = 'counter') AS counter_n,
               count(*) FILTER (WHERE source = 'power') AS power_iv_n, sum(reset) AS resets,
               sum(counter_kwh) AS counter_kwh, count(counter_kwh) AS counter_iv,
               count(power_kw) AS power_n, sum(power_kw) AS power_sum, sum(power_kw) AS kw
        FROM meter_sample_rows(t0, t1)
        GROUP BY kind, ts)
    GROUP BY ALL;

-- meters_built() → BOOLEAN: the meter rollups are built (false in a store from before migration 014
-- until its next writer builds them). The session variable derived_meters_built (dashboard/store.py)
-- is a constant to the planner, so the branch a query does not take is not read at all.
CREATE OR REPLACE TEMP MACRO meters_built() AS coalesce(getvariable('derived_meters_built'), 0) = 1;

-- meter_buckets(t0, t1), meter_kind_buckets(t0, t1) → TABLE
-- The meter_5m and meter_kind_5m rows that make up [t0, t1): whole 5-minute buckets from the
-- tables, the partial ones at either end from the samples inside the range; while the tables are
-- not built, the whole buckets from the samples too (otherwise that branch's range is empty).
CREATE OR REPLACE TEMP MACRO meter_buckets(t0, t1) AS TABLE
    SELECT * FROM meter_interval_rows(t0, whole_from(t0, t1, 5))
    UNION ALL BY NAME
    SELECT * FROM meter_5m
    WHERE bucket >= whole_from(t0, t1, 5) AND bucket < whole_until(t0, t1, 5) AND meters_built()
    UNION ALL BY NAME
    SELECT * FROM meter_interval_rows(whole_from(t0, t1, 5),
                                      CASE WHEN meters_built() THEN whole_from(t0, t1, 5) ELSE whole_until(t0, t1, 5) END)
    UNION ALL BY NAME
    SELECT * FROM meter_interval_rows(whole_until(t0, t1, 5), t1);

CREATE OR REPLACE TEMP MACRO meter_kind_buckets(t0, t1) AS TABLE
    SELECT * FROM meter_kind_interval_rows(t0, whole_from(t0, t1, 5))
    UNION ALL BY NAME
    SELECT * FROM meter_kind_5m
    WHERE bucket >= whole_from(t0, t1, 5) AND bucket < whole_until(t0, t1, 5) AND meters_built()
    UNION ALL BY NAME
    SELECT * FROM meter_kind_interval_rows(whole_from(t0, t1, 5),
                                           CASE WHEN meters_built() THEN whole_from(t0, t1, 5) ELSE whole_until(t0, t1, 5) END)
    UNION ALL BY NAME
    SELECT * FROM meter_kind_interval_rows(whole_until(t0, t1, 5), t1);

-- gpu_energy_rows(t0, t1, hourly) → TABLE
-- Per GPU and row of [t0, t1): bucket, gpu_id, counter_j (J: DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION
-- increases, resets handled, over the intervals that have the counter at both ends), power_j (J: the
-- other intervals of at most an hour, their two DCGM_FI_DEV_POWER_USAGE samples' mean × their
-- length: the same rule as energy_headline's), resets. hourly true: one row per hour (gpu_hours: the
-- hourly rollups, partial hours from the samples); false: the fewest rows that make up the range
-- (gpu_span: whole days from gpu_daily), for totals per GPU: the same sums, a 30-day range reads 24
-- times fewer rows. (hourly is a constant: the branch not taken is not read.)
CREATE OR REPLACE TEMP MACRO gpu_energy_rows(t0, t1, hourly) AS TABLE
    SELECT h.bucket, h.gpu_id,
           CASE WHEN h.energy_n > 0 THEN h.energy_j END AS counter_j,
           CASE WHEN h.power_energy_n > 0 THEN h.power_energy_j END AS power_j,
           h.energy_resets AS resets
    FROM (SELECT * FROM gpu_hours(t0, t1) WHERE hourly
          UNION ALL BY NAME
          SELECT * FROM gpu_span(t0, t1) WHERE NOT hourly) h;

-- grid_carbon_hours(t0, t1) → TABLE
-- Per hour of [t0, t1) with a grid carbon-intensity sample: hour (UTC), g_co2_per_kwh (gCO2/kWh, the
-- mean of the samples in the hour).
CREATE OR REPLACE TEMP MACRO grid_carbon_hours(t0, t1) AS TABLE
    SELECT time_bucket(INTERVAL 1 HOUR, ts) AS hour, avg(g_co2_per_kwh) AS g_co2_per_kwh
    FROM grid_carbon_samples
    WHERE ts >= time_bucket(INTERVAL 1 HOUR, t0) AND ts < t1
    GROUP BY 1;

-- water_intervals(t0, t1) → TABLE
-- One row per water-meter interval ending in [t0, t1): meter, ts (UTC), m3 (the register's
-- increase; a register that went down was replaced and counts from 0), freshwater. Water registers
-- are read less often than power: readings up to 25 hours apart make an interval.
CREATE OR REPLACE TEMP MACRO water_intervals(t0, t1) AS TABLE
    SELECT meter, ts, CASE WHEN water_m3 >= prev THEN water_m3 - prev ELSE water_m3 END AS m3, freshwater
    FROM (SELECT meter, ts, water_m3, freshwater,
                 lag(ts) OVER w AS prev_ts, lag(water_m3) OVER w AS prev
          FROM water_samples
          WHERE ts >= t0 - INTERVAL 25 HOUR AND ts < t1 AND t0 < t1
          WINDOW w AS (PARTITION BY meter ORDER BY ts))
    WHERE ts >= t0 AND prev_ts IS NOT NULL AND ts > prev_ts AND ts - prev_ts <= INTERVAL 25 HOUR;

-- energy_hours(t0, t1, gpus, hourly) → TABLE
-- Per hour of [t0, t1) with any meter, GPU or water data (GPU energy only when gpus is true: the
-- law's KPIs need the meters alone, and a year of GPU-hours is the costly part; with hourly false
-- the GPU energy of each whole day is on the day's first hour, read from the daily rollups, which
-- gives the same sums per day or longer from 24 times fewer rows): hour (UTC); facility_kwh, it_kwh,
-- cooling_kwh, renewable_kwh, reuse_kwh (kWh, summed over the meters of the kind; NULL when no
-- meter of the kind gave an interval); pue_facility_kwh, pue_it_kwh (kWh: facility and IT energy of the
-- 5-minute buckets in which both kinds were metered, so that a gap in one meter leaves the same
-- time out of the other); facility_s (s, the facility meters' covered time, mean over
-- them); facility_kw_peak, it_kw_peak (kW, the busiest interval's mean power, meters of the kind
-- summed at each timestamp); gpu_counter_kwh, gpu_power_kwh, gpu_kwh (kWh, from gpu_energy_rows);
-- fresh_l, water_l (L, freshwater and all water); g_co2_per_kwh (the hour's grid intensity);
-- counter_n, power_n (meter intervals from counters / from power samples), gpu_counter_n,
-- gpu_power_n (GPU-hours from counters / from power samples), resets (meter and GPU counters).
CREATE OR REPLACE TEMP MACRO energy_hours(t0, t1, gpus, hourly) AS TABLE
    WITH mk AS (SELECT * FROM meter_kind_buckets(t0, t1) WHERE intervals > 0),
    meters AS (
        SELECT time_bucket(INTERVAL 1 HOUR, bucket) AS hour,
               sum(kwh) FILTER (WHERE kind = 'facility') AS facility_kwh,
               sum(kwh) FILTER (WHERE kind = 'it') AS it_kwh,
               sum(kwh) FILTER (WHERE kind = 'cooling') AS cooling_kwh,
               sum(kwh) FILTER (WHERE kind = 'renewable') AS renewable_kwh,
               sum(kwh) FILTER (WHERE kind = 'reuse') AS reuse_kwh,
               sum(covered_s) FILTER (WHERE kind = 'facility') AS facility_s,
               max(kw_peak) FILTER (WHERE kind = 'facility') AS facility_kw_peak,
               max(kw_peak) FILTER (WHERE kind = 'it') AS it_kw_peak,
               sum(counter_n) AS counter_n, sum(power_iv_n) AS power_n, sum(resets) AS meter_resets
        FROM mk GROUP BY 1
    ),
    matched AS (  -- facility and IT energy over the 5-minute buckets in which both were metered
        SELECT time_bucket(INTERVAL 1 HOUR, b) AS hour,
               sum(fac) FILTER (WHERE it IS NOT NULL) AS pue_facility_kwh,
               sum(it) FILTER (WHERE fac IS NOT NULL) AS pue_it_kwh
        FROM (SELECT bucket AS b, sum(kwh) FILTER (WHERE kind = 'facility') AS fac,
                     sum(kwh) FILTER (WHERE kind = 'it') AS it
              FROM mk GROUP BY 1)
        GROUP BY 1
    ),
    gpu AS (
        SELECT bucket AS hour, sum(counter_j) / 3.6e6 AS gpu_counter_kwh, sum(power_j) / 3.6e6 AS gpu_power_kwh,
               count(counter_j) AS gpu_counter_n, count(power_j) AS gpu_power_n, sum(resets) AS gpu_resets
        FROM gpu_energy_rows(t0, CASE WHEN gpus THEN t1 ELSE t0 END, hourly) GROUP BY 1
    ),
    water AS (
        SELECT time_bucket(INTERVAL 1 HOUR, ts) AS hour, sum(m3) FILTER (WHERE freshwater) * 1000 AS fresh_l,
               sum(m3) * 1000 AS water_l
        FROM water_intervals(t0, t1) GROUP BY 1
    )
    SELECT hour, m.facility_kwh, m.it_kwh, m.cooling_kwh, m.renewable_kwh, m.reuse_kwh,
           p.pue_facility_kwh, p.pue_it_kwh, m.facility_s,
           m.facility_kw_peak, m.it_kw_peak,
           g.gpu_counter_kwh, g.gpu_power_kwh,
           CASE WHEN g.gpu_counter_n + g.gpu_power_n > 0
                THEN coalesce(g.gpu_counter_kwh, 0) + coalesce(g.gpu_power_kwh, 0) END AS gpu_kwh,
           w.fresh_l, w.water_l, c.g_co2_per_kwh,
           coalesce(m.counter_n, 0) AS counter_n, coalesce(m.power_n, 0) AS power_n,
           coalesce(g.gpu_counter_n, 0) AS gpu_counter_n, coalesce(g.gpu_power_n, 0) AS gpu_power_n,
           coalesce(m.meter_resets, 0) + coalesce(g.gpu_resets, 0) AS resets
    FROM meters m LEFT JOIN matched p USING (hour) FULL JOIN gpu g USING (hour) FULL JOIN water w USING (hour)
         LEFT JOIN grid_carbon_hours(t0, t1) c USING (hour);

-- energy_sources(counter_n, power_n) → VARCHAR: where energy came from: 'counters', 'power samples'
-- (integrated), 'counters and power samples', or NULL when neither gave an interval.
CREATE OR REPLACE TEMP MACRO energy_sources(counter_n, power_n) AS
    CASE WHEN counter_n > 0 AND power_n > 0 THEN 'counters and power samples'
         WHEN counter_n > 0 THEN 'counters' WHEN power_n > 0 THEN 'power samples' END;

-- energy_over(t0, t1, period, gpus) → TABLE
-- energy_hours summed per period ('hour', 'day', 'month', 'year', or 'all' for one row from t0; GPU
-- energy when gpus is true):
-- period (UTC start), hours (h, the facility meters' covered time), the energies (kWh) as in
-- energy_hours, and:
--   pue = facility / IT energy over the 5-minute buckets in which both were metered (ISO/IEC
--         30134-2: a ratio of energies, never a mean of instantaneous ratios);
--   ref = renewable / facility energy; erf = reuse / facility energy (ISO/IEC 30134-3, -6);
--   co2_kg = Σ over hours of facility energy × the hour's grid intensity (location-based, all the
--         site's energy as if drawn from the grid), over the hours with an intensity;
--   cue = co2_kg / IT energy of those hours (kgCO2/kWh, ISO/IEC 30134-8);
--   carbon_coverage = facility energy in hours with an intensity / facility energy;
--   fresh_l, water_l; wue = fresh_l / IT energy (L/kWh; the 2026 EU rating act: WIN-FRE / EIT); the
--         water meters are taken to cover the whole period (their readings may be hours apart);
--   facility_kw_peak, it_kw_peak; meter_source, gpu_source (energy_sources); resets.
CREATE OR REPLACE TEMP MACRO energy_over(t0, t1, period, gpus) AS TABLE
    SELECT CASE WHEN period NOT IN ('hour', 'day', 'month', 'year', 'all')
                THEN error('period must be one of hour, day, month, year, all, not ' || period)
                WHEN period = 'all' THEN t0::TIMESTAMP
                -- the inner CASE keeps date_trunc's part valid while 'all' is folded as a constant
                ELSE date_trunc(CASE WHEN period = 'all' THEN 'hour' ELSE period END, hour) END AS period,
           sum(facility_s) / 3600 AS hours,
           sum(facility_kwh) AS facility_kwh, sum(it_kwh) AS it_kwh, sum(cooling_kwh) AS cooling_kwh,
           sum(gpu_kwh) AS gpu_kwh, sum(renewable_kwh) AS renewable_kwh, sum(reuse_kwh) AS reuse_kwh,
           sum(pue_facility_kwh) / nullif(sum(pue_it_kwh), 0) AS pue,
           sum(renewable_kwh) / nullif(sum(facility_kwh), 0) AS ref,
           sum(reuse_kwh) / nullif(sum(facility_kwh), 0) AS erf,
           sum(facility_kwh * g_co2_per_kwh) / 1000 AS co2_kg,
           sum(facility_kwh * g_co2_per_kwh) / 1000
               / nullif(sum(it_kwh) FILTER (WHERE g_co2_per_kwh IS NOT NULL AND facility_kwh IS NOT NULL), 0) AS cue,
           sum(facility_kwh) FILTER (WHERE g_co2_per_kwh IS NOT NULL) / nullif(sum(facility_kwh), 0) AS carbon_coverage,
           sum(fresh_l) AS fresh_l, sum(water_l) AS water_l,
           sum(fresh_l) / nullif(sum(it_kwh), 0) AS wue,
           max(facility_kw_peak) AS facility_kw_peak, max(it_kw_peak) AS it_kw_peak,
           energy_sources(sum(counter_n), sum(power_n)) AS meter_source,
           energy_sources(sum(gpu_counter_n), sum(gpu_power_n)) AS gpu_source,
           sum(resets) AS resets
    FROM energy_hours(t0, t1, gpus, period = 'hour')
    GROUP BY 1;

-- rule_meets(v, comparator, t) → BOOLEAN: value v meets the rule's threshold t (comparator <=, <,
-- >=, >); NULL when v or t is missing or the rule has no number (duty, info).
CREATE OR REPLACE TEMP MACRO rule_meets(v, comparator, t) AS
    CASE comparator WHEN '<=' THEN v <= t WHEN '<' THEN v < t WHEN '>=' THEN v >= t WHEN '>' THEN v > t END;

-- rule_near(v, comparator, t, margin, share) → BOOLEAN: v is within margin of the threshold t on the
-- side that meets it (PUE ≤ 1.5 with margin 0.05: above 1.45). A share (share = true, 0..1) cannot
-- exceed 1: at a threshold of 100 % a share of 100 % is not near, it is met.
CREATE OR REPLACE TEMP MACRO rule_near(v, comparator, t, margin, share) AS
    CASE WHEN comparator IN ('<=', '<') THEN v > t - margin
         WHEN comparator IN ('>=', '>') THEN v < CASE WHEN share THEN least(t + margin, 1.0) ELSE t + margin END END;

-- rule_value_text(v, rule_kpi, is_share) → VARCHAR: a rule's value as the law writes it: PUE to three
-- decimals, a share (0..1) in percent, else kW peak; 'no data' without a value.
CREATE OR REPLACE TEMP MACRO rule_value_text(v, rule_kpi, is_share) AS
    CASE WHEN v IS NULL THEN 'no data'
         WHEN rule_kpi = 'pue' THEN format('{:.3f}', v)
         WHEN is_share THEN format('{:.1f} %', v * 100)
         ELSE format('{:.0f} kW peak', v) END;

-- rule_verdict(projected, period, comparator, t, margin, share) → VARCHAR: 'fail' when the projected
-- annual value misses the threshold; 'at risk' when it meets it within margin, or meets it while the
-- period itself does not; 'pass' otherwise; 'no data' without a projected value.
CREATE OR REPLACE TEMP MACRO rule_verdict(projected, period, comparator, t, margin, share) AS
    CASE WHEN projected IS NULL THEN 'no data'
         WHEN NOT rule_meets(projected, comparator, t) THEN 'fail'
         WHEN rule_near(projected, comparator, t, margin, share)
              OR NOT coalesce(rule_meets(period, comparator, t), true) THEN 'at risk'
         ELSE 'pass' END;

-- rule_set_known(rule_set) → BOOLEAN: true, or an error naming the known rule sets when law_rules
-- has no rule of this set (a query filters its outermost rows with it, where DuckDB always runs it).
CREATE OR REPLACE TEMP MACRO rule_set_known(rule_set_) AS (
    SELECT CASE WHEN EXISTS (SELECT 1 FROM law_rules WHERE rule_set = rule_set_) THEN true
                ELSE error('rule set ' || rule_set_ || ' has no rules in law_rules (known: '
                           || coalesce((SELECT string_agg(DISTINCT rule_set, ', ' ORDER BY rule_set) FROM law_rules), 'none')
                           || '); the shipped rules load with `aifd demo` or `aifd ingest`') END);

-- rules_for(rule_set, also_rule_sets) → TABLE
-- The rules of law_rules that hold when rule_set is chosen: its own rules; the rules of the sets it
-- amends (the sets of the rules its rules replace, column replaces) except the replaced ones; and the
-- rules of also_rule_sets (comma-separated; e.g. EU rules that hold whatever the national choice).
-- An unknown rule_set gives the also_rule_sets' rules only: check it with rule_set_known.
CREATE OR REPLACE TEMP MACRO rules_for(rule_set_, also_rule_sets) AS TABLE
    WITH chosen AS (
        SELECT * FROM law_rules WHERE rule_set = rule_set_
    ),
    replaced AS (
        SELECT DISTINCT unnest(string_split(trim(replaces), ' ')) AS rule_id FROM chosen WHERE replaces IS NOT NULL
    )
    SELECT * FROM chosen
    UNION
    SELECT * FROM law_rules
    WHERE rule_set IN (SELECT l.rule_set FROM law_rules l JOIN replaced r ON r.rule_id = l.rule_id)
      AND rule_set <> rule_set_ AND rule_id NOT IN (SELECT rule_id FROM replaced)
    UNION
    SELECT * FROM law_rules
    WHERE list_contains(string_split(also_rule_sets, ','), rule_set) AND rule_set <> rule_set_
      AND rule_id NOT IN (SELECT rule_id FROM replaced);

-- site_efficiency(t0, t1, precision) → TABLE
-- One row: delivered_tflops (TFLOPS, estimate at the precision: the mean over [t0, t1)'s 5-minute
-- intervals of the fleet's delivered FLOPS, as perf_headline), delivered_efh (EF·h: Σ over those
-- intervals of delivered × 5 min), facility_kwh, it_kwh, gpu_kwh, hours (as energy_over),
-- fp64_peak_tflops (TFLOPS: FP64 dense nameplate of the GPUs reporting in the range).
CREATE OR REPLACE TEMP MACRO site_efficiency(t0, t1, precision) AS TABLE
    WITH iv AS (
        SELECT bucket, sum(delivered_tflops) AS delivered
        FROM gpu_fleet_intervals(t0, t1, precision, 'pod', NULL) GROUP BY bucket
    ),
    reporting AS (SELECT DISTINCT gpu_id FROM gpu_hours(t0, t1))
    SELECT (SELECT avg(delivered) FROM iv) AS delivered_tflops,
           (SELECT sum(delivered) * 5 / 60 / 1e6 FROM iv) AS delivered_efh,
           e.facility_kwh, e.it_kwh, e.gpu_kwh, e.hours,
           (SELECT sum(p.peak) FROM gpu_peaks('fp64') p SEMI JOIN reporting r USING (gpu_id)) AS fp64_peak_tflops
    FROM energy_over(t0, t1, 'all', true) e;
