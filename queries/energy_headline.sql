-- title: Energy and efficiency over the range
-- returns: one row
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- uses: gpu_span (queries/definitions/010_performance.sql), meter_kind_buckets (queries/definitions/040_energy.sql)
-- column: facility_kwh kWh: facility energy — from the facility meters' energy counters (increases between samples at most an hour apart; a decrease is a restart from 0)
-- column: it_kwh kWh: IT energy — from the IT meters' energy counters, as facility_kwh
-- column: cooling_kwh kWh: cooling energy — as facility_kwh
-- column: renewable_kwh kWh: renewable energy — as facility_kwh
-- column: reuse_kwh kWh: reused energy — heat delivered for reuse, as facility_kwh
-- column: gpu_kwh kWh: GPU energy — from the GPUs' energy counters (DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION), else their power samples integrated (gpu_energy_source says which); no data when neither gives an interval
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
-- the first interval; a longer gap is a gap. A counter that goes down was reset: its new value is the
-- energy since the reset (as Prometheus increase() treats it), never negative energy.
-- Missing is not zero: an interval needs a value at both ends, so one sample (a single scrape)
-- gives no energy, and a figure without any interval is NULL (no data), never 0. A GPU interval
-- without the energy counter at both ends takes the mean of its two power samples × its length
-- (trapezoid), for intervals up to an hour (a longer gap is not bridged). GPU energy is read from
-- the daily and hourly rollups (gpu_span), which hold both kinds of interval; meter energy and power
-- from the meters' 5-minute rollups (meter_kind_buckets: the kind's meters summed at each timestamp).
WITH mk AS (SELECT * FROM meter_kind_buckets($start, $end)),
gd AS (
    SELECT CASE WHEN sum(energy_n) + sum(power_energy_n) > 0
                THEN (coalesce(sum(energy_j), 0) + coalesce(sum(power_energy_j), 0)) / 3.6e6 END AS gpu_kwh,
           count(DISTINCT gpu_id) FILTER (WHERE energy_n > 0) AS counter_gpus,
           count(DISTINCT gpu_id) FILTER (WHERE power_energy_n > 0) AS power_gpus,
           coalesce(sum(energy_n), 0) AS counter_intervals,
           coalesce(sum(energy_resets), 0) AS resets
    FROM gpu_span($start, $end)
), k AS (
    SELECT sum(counter_kwh) FILTER (WHERE kind = 'facility')  AS facility_kwh,
           sum(counter_kwh) FILTER (WHERE kind = 'it')        AS it_kwh,
           sum(counter_kwh) FILTER (WHERE kind = 'cooling')   AS cooling_kwh,
           sum(counter_kwh) FILTER (WHERE kind = 'renewable') AS renewable_kwh,
           sum(counter_kwh) FILTER (WHERE kind = 'reuse')     AS reuse_kwh,
           coalesce(sum(counter_iv), 0)                       AS meter_intervals,
           coalesce(sum(resets), 0)                           AS meter_resets,
           sum(kw_sum) FILTER (WHERE kind = 'facility') / nullif(sum(kw_n) FILTER (WHERE kind = 'facility'), 0) AS facility_kw_avg,
           max(kw_max) FILTER (WHERE kind = 'facility')      AS facility_kw_peak,
           sum(power_sum) FILTER (WHERE kind = 'it') / nullif(sum(power_n) FILTER (WHERE kind = 'it'), 0) AS it_kw_avg
    FROM mk
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
       k.facility_kw_avg, k.facility_kw_peak, k.it_kw_avg,
       gd.gpu_kwh / nullif(k.it_kwh, 0)            AS gpu_share_of_it,
       CASE WHEN k.meter_intervals + gd.counter_intervals > 0
            THEN k.meter_resets + gd.resets END    AS counter_resets,
       (epoch($end) - epoch($start)) / 3600.0      AS hours
FROM k, gd
