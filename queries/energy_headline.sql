-- title: Energy and efficiency over the range
-- returns: one row
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- column: facility_kwh kWh: facility energy
-- column: it_kwh kWh: IT energy
-- column: cooling_kwh kWh: cooling energy
-- column: renewable_kwh kWh: renewable energy
-- column: reuse_kwh kWh: reused energy — kWh from the meters' energy counters, resets treated as restarts from 0
-- column: gpu_kwh kWh: GPU energy — from the GPUs' energy counters, else their power samples integrated (gpu_energy_source says which); no data when neither gives an interval
-- column: gpu_energy_source text: GPU energy from — energy counters, power samples, or both (with the GPUs each covers)
-- column: pue 1: PUE — facility/IT
-- column: ref ratio: REF (renewable) — renewable/facility
-- column: erf ratio: ERF (heat reused) — reuse/facility
-- column: facility_kw_avg kW: facility power, mean
-- column: facility_kw_peak kW: facility power, peak
-- column: it_kw_avg kW: IT power, mean
-- column: gpu_share_of_it ratio: GPU share of IT
-- column: counter_resets count: counter resets — of meter and GPU energy counters; no data when no counter gave an interval
-- column: hours h: range length — length of the range
-- Energy is the sum of counter increases between consecutive samples, each interval counted at
-- its end time, so adjacent ranges add up; the sample before the range (up to an hour back) gives
-- the first interval. A counter that goes down was reset: its new value is the energy since the
-- reset (as Prometheus increase() treats it), never negative energy.
-- Missing is not zero: an interval needs a value at both ends, so one sample (a single scrape)
-- gives no energy, and a figure without any interval is NULL (no data), never 0. A GPU interval
-- without the energy counter at both ends takes the mean of its two power samples × its length
-- (trapezoid), for intervals up to an hour (a longer gap is not bridged).
WITH m AS (
    SELECT s.meter_id, k.kind, s.ts, s.power_kw, s.energy_kwh,
           lag(s.energy_kwh) OVER (PARTITION BY s.meter_id ORDER BY s.ts) AS prev
    FROM meter_samples s JOIN meters k USING (meter_id)
    WHERE s.ts >= $start - INTERVAL 1 HOUR AND s.ts < $end
), md AS (
    SELECT kind, power_kw, ts,
           CASE WHEN prev IS NULL OR energy_kwh IS NULL THEN NULL
                WHEN energy_kwh >= prev THEN energy_kwh - prev ELSE energy_kwh END AS kwh,
           (energy_kwh < prev)::INTEGER AS reset
    FROM m WHERE ts >= $start
), g AS (
    SELECT gpu_id, ts, energy_j, power_w,
           lag(ts) OVER w AS prev_ts, lag(energy_j) OVER w AS prev_e, lag(power_w) OVER w AS prev_p
    FROM gpu_samples WHERE ts >= $start - INTERVAL 1 HOUR AND ts < $end
    WINDOW w AS (PARTITION BY gpu_id ORDER BY ts)
), gi AS (
    SELECT gpu_id,
           CASE WHEN energy_j IS NULL OR prev_e IS NULL THEN NULL
                WHEN energy_j >= prev_e THEN energy_j - prev_e ELSE energy_j END AS counter_j,
           CASE WHEN (energy_j IS NULL OR prev_e IS NULL) AND epoch(ts) - epoch(prev_ts) <= 3600
                THEN (power_w + prev_p) / 2 * (epoch(ts) - epoch(prev_ts)) END AS power_j,
           (energy_j < prev_e)::INTEGER AS reset
    FROM g WHERE ts >= $start AND prev_ts IS NOT NULL
), gd AS (
    SELECT CASE WHEN count(counter_j) + count(power_j) > 0
                THEN (coalesce(sum(counter_j), 0) + coalesce(sum(power_j), 0)) / 3.6e6 END AS gpu_kwh,
           count(DISTINCT gpu_id) FILTER (WHERE counter_j IS NOT NULL) AS counter_gpus,
           count(DISTINCT gpu_id) FILTER (WHERE power_j IS NOT NULL) AS power_gpus,
           count(counter_j) AS counter_intervals,
           count(*) FILTER (WHERE reset = 1) AS resets
    FROM gi
), facility_power AS (
    SELECT ts, sum(power_kw) AS kw FROM md WHERE kind = 'facility' GROUP BY ts
), k AS (
    SELECT sum(kwh) FILTER (WHERE kind = 'facility')  AS facility_kwh,
           sum(kwh) FILTER (WHERE kind = 'it')        AS it_kwh,
           sum(kwh) FILTER (WHERE kind = 'cooling')   AS cooling_kwh,
           sum(kwh) FILTER (WHERE kind = 'renewable') AS renewable_kwh,
           sum(kwh) FILTER (WHERE kind = 'reuse')     AS reuse_kwh,
           count(kwh)                                 AS meter_intervals,
           coalesce(sum(reset), 0)                    AS meter_resets
    FROM md
)
SELECT k.facility_kwh, k.it_kwh, k.cooling_kwh, k.renewable_kwh, k.reuse_kwh, gd.gpu_kwh,
       CASE WHEN gd.counter_gpus > 0 AND gd.power_gpus > 0
                THEN 'energy counters (' || gd.counter_gpus || CASE WHEN gd.counter_gpus = 1 THEN ' GPU' ELSE ' GPUs' END
                     || ') and power samples (' || gd.power_gpus || CASE WHEN gd.power_gpus = 1 THEN ' GPU' ELSE ' GPUs' END || ')'
            WHEN gd.counter_gpus > 0 THEN 'energy counters'
            WHEN gd.power_gpus > 0 THEN 'power samples' END AS gpu_energy_source,
       k.facility_kwh / nullif(k.it_kwh, 0)        AS pue,
       k.renewable_kwh / nullif(k.facility_kwh, 0) AS ref,
       k.reuse_kwh / nullif(k.facility_kwh, 0)     AS erf,
       (SELECT avg(kw) FROM facility_power)        AS facility_kw_avg,
       (SELECT max(kw) FROM facility_power)        AS facility_kw_peak,
       (SELECT avg(power_kw) FROM md WHERE kind = 'it') AS it_kw_avg,
       gd.gpu_kwh / nullif(k.it_kwh, 0)            AS gpu_share_of_it,
       CASE WHEN k.meter_intervals + gd.counter_intervals > 0
            THEN k.meter_resets + gd.resets END    AS counter_resets,
       (epoch($end) - epoch($start)) / 3600.0      AS hours
FROM k, gd
