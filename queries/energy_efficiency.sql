-- title: Energy per delivered exaflop-hour, GFLOPS per watt beside the Green500, and the energy and carbon of idle and unhealthy GPUs
-- returns: one row
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: precision VARCHAR = bf16: the target precision the delivered FLOPS are estimated at (fp64, tf32, bf16, fp8, fp4)
-- param: idle_threshold DOUBLE = 0.05: a sample is idle when max(tensor_active, fp64_active) is below this ratio
-- param: idle_minutes INTEGER = 60: an idle run counts when it lasts at least this many minutes
-- param: hot_temp_c DOUBLE = 85: a sample above this GPU temperature (degC) is hot
-- uses: site_efficiency, energy_over, gpu_energy_rows (queries/definitions/040_energy.sql)
-- column: delivered_tflops TFLOPS: delivered, est. — mean delivered FLOPS at the precision (estimate, as perf_headline)
-- column: delivered_efh EFh: delivered work — exaflop-hours delivered at the precision: Σ over 5-minute intervals of delivered × 5 min
-- column: facility_kwh kWh: facility energy
-- column: it_kwh kWh: IT energy
-- column: gpu_kwh kWh: GPU energy
-- column: kwh_per_efh kWh/EFh: facility energy per EF·h — facility kWh per exaflop-hour delivered (1 kWh/EF·h = 1 fJ per FLOP)
-- column: it_kwh_per_efh kWh/EFh: IT energy per EF·h
-- column: gflops_per_w GFLOPS/W: delivered GFLOPS/W (facility) — delivered FLOP / facility energy
-- column: gflops_per_w_it GFLOPS/W: delivered GFLOPS/W (IT) — delivered FLOP / IT energy: nearest to the Green500's system power
-- column: fp64_ceiling_gflops_per_w GFLOPS/W: FP64 nameplate per W (IT) — dense FP64 nameplate of the GPUs reporting / mean IT power: the ceiling an HPL run could reach
-- column: green500_gflops_per_w GFLOPS/W: Green500 #1 — the latest stored list's first place (FP64 HPL on system power)
-- column: green500_system text: Green500 #1 system
-- column: green500_list date: Green500 list
-- column: co2_kg kgCO2: CO2, location-based
-- column: cue kgCO2/kWh: CUE
-- column: idle_gpus count: idle GPUs — by the idle rule (perf_idle_gpus)
-- column: idle_gpu_kwh kWh: idle GPUs' energy — each idle GPU's energy in the range × its idle share of the time (an upper bound: idle power is lower than busy power)
-- column: idle_facility_kwh kWh: with overhead — idle GPUs' energy × the range's PUE
-- column: idle_co2_kg kgCO2: idle CO2 — with overhead × the range's mean grid intensity (weighted by facility energy)
-- column: unhealthy_gpus count: unhealthy GPUs — with an XID or above hot_temp_c (perf_unhealthy_gpus)
-- column: unhealthy_gpu_kwh kWh: unhealthy GPUs' energy — each one's energy × its affected share of samples
-- column: unhealthy_facility_kwh kWh: with overhead — × the range's PUE
-- column: unhealthy_co2_kg kgCO2: unhealthy CO2 — with overhead × the mean grid intensity
-- The idle and unhealthy rules are gpu_idle and gpu_health of queries/definitions/010_performance.sql,
-- as on the Performance page.
WITH s AS (SELECT * FROM site_efficiency($start, $end, $precision)),
e AS (SELECT * FROM energy_over($start, $end, 'all', false)),  -- meters only: GPU energy is in s
per_gpu AS (
    SELECT gpu_id,
           CASE WHEN count(counter_j) + count(power_j) > 0
                THEN (coalesce(sum(counter_j), 0) + coalesce(sum(power_j), 0)) / 3.6e6 END AS kwh
    FROM gpu_energy_rows($start, $end, false) GROUP BY gpu_id
),
idle AS (
    SELECT count(*) AS gpus, sum(p.kwh * i.idle_share) AS kwh
    FROM gpu_idle($start, $end, $idle_threshold, $idle_minutes) i LEFT JOIN per_gpu p USING (gpu_id)
),
unhealthy AS (
    SELECT count(*) AS gpus, sum(p.kwh * h.affected_share) AS kwh
    FROM gpu_health($start, $end, $hot_temp_c) h LEFT JOIN per_gpu p USING (gpu_id)
    WHERE h.affected > 0
),
g500 AS (
    SELECT system, gflops_per_watt, list_date FROM green500
    WHERE list_date = (SELECT max(list_date) FROM green500) ORDER BY rank LIMIT 1
),
k AS (  -- mean grid intensity over the facility energy it covers, kg/kWh
    SELECT e.co2_kg / nullif(e.facility_kwh * e.carbon_coverage, 0) AS kg_per_kwh FROM e
)
SELECT s.delivered_tflops, s.delivered_efh, s.facility_kwh, s.it_kwh, s.gpu_kwh,
       s.facility_kwh / nullif(s.delivered_efh, 0) AS kwh_per_efh,
       s.it_kwh / nullif(s.delivered_efh, 0) AS it_kwh_per_efh,
       s.delivered_efh * 1e6 / nullif(s.facility_kwh, 0) AS gflops_per_w,
       s.delivered_efh * 1e6 / nullif(s.it_kwh, 0) AS gflops_per_w_it,
       s.fp64_peak_tflops / nullif(s.it_kwh / nullif(s.hours, 0), 0) AS fp64_ceiling_gflops_per_w,
       (SELECT gflops_per_watt FROM g500) AS green500_gflops_per_w,
       (SELECT system FROM g500) AS green500_system,
       (SELECT list_date FROM g500) AS green500_list,
       e.co2_kg, e.cue,
       idle.gpus AS idle_gpus, idle.kwh AS idle_gpu_kwh, idle.kwh * e.pue AS idle_facility_kwh,
       idle.kwh * e.pue * k.kg_per_kwh AS idle_co2_kg,
       unhealthy.gpus AS unhealthy_gpus, unhealthy.kwh AS unhealthy_gpu_kwh,
       unhealthy.kwh * e.pue AS unhealthy_facility_kwh, unhealthy.kwh * e.pue * k.kg_per_kwh AS unhealthy_co2_kg
FROM s, e, idle, unhealthy, k
