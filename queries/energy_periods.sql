-- title: Energy per period: facility, IT, cooling and GPU energy, PUE, REF, ERF, CUE, WUE
-- returns: one row per period (hour, day, month or year) of the range with data
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: period VARCHAR = day: hour, day, month or year (UTC calendar)
-- uses: energy_over, energy_hours, meter_kind_buckets, gpu_energy_rows (queries/definitions/040_energy.sql)
-- column: period UTC: period — start of the period, UTC
-- column: hours h: metered — hours of the period covered by facility-meter intervals
-- column: facility_kwh kWh: facility energy — whole site at the grid connection
-- column: it_kwh kWh: IT energy
-- column: cooling_kwh kWh: cooling energy
-- column: gpu_kwh kWh: GPU energy — from the GPUs' energy counters, else their power samples (gpu_source)
-- column: renewable_kwh kWh: renewable energy
-- column: reuse_kwh kWh: heat reused
-- column: pue 1: PUE — facility energy / IT energy over the time both are metered (ISO/IEC 30134-2), never a mean of instantaneous ratios
-- column: ref ratio: REF — renewable energy / facility energy
-- column: erf ratio: ERF — reused energy / facility energy
-- column: co2_kg kgCO2: CO2, location-based — each hour's facility energy × that hour's grid intensity
-- column: cue kgCO2/kWh: CUE — CO2 / IT energy, over the hours with a grid intensity (ISO/IEC 30134-8)
-- column: carbon_coverage ratio: carbon coverage — share of facility energy in hours with a grid intensity
-- column: fresh_l L: freshwater — freshwater input from the water meters' registers
-- column: wue L/kWh: WUE — freshwater / IT energy (WIN-FRE / EIT, the 2026 EU rating act)
-- column: meter_source text: meters from — energy counters, power samples (trapezoid) or both
-- column: gpu_source text: GPU energy from — energy counters, power samples (× sampling step) or both
-- column: resets count: counter resets — of meter and GPU energy counters (restarts counted from 0)
-- Intervals count at their end time: a day's energy is that of the intervals ending in the day, so
-- periods add up to the range. No data (NULL) is never 0: a kind without a meter is empty.
SELECT period, hours, facility_kwh, it_kwh, cooling_kwh, gpu_kwh, renewable_kwh, reuse_kwh, pue, ref, erf,
       co2_kg, cue, carbon_coverage, fresh_l, wue, meter_source, gpu_source, resets
FROM energy_over($start, $end, $period, true)
ORDER BY period
