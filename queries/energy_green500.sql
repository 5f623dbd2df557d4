-- title: The site's GFLOPS per watt beside the Green500 leaders
-- returns: one row per place of the latest stored Green500 list, and three rows for the site
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: precision VARCHAR = bf16: the target precision the site's delivered FLOPS are estimated at
-- uses: site_efficiency (queries/definitions/040_energy.sql)
-- column: rank count: Green500 rank — empty for the site's rows
-- column: system text: system
-- column: site text: site
-- column: country text: country
-- column: accelerator text: accelerator
-- column: gflops_per_watt GFLOPS/W: GFLOPS per W
-- column: precision text: precision — fp64 for the Green500 (HPL); the site's delivered rows at the target precision
-- column: basis text: basis — what was measured and on which power
-- column: list_date date: list — the Green500 list the row comes from
-- column: is_site bool: this site
-- column: source text: source
-- Not like for like: the Green500 runs HPL in FP64 and divides by the system's power during the run;
-- the site's delivered rows estimate AI work at the target precision from activity counters. The
-- FP64 nameplate row is the ceiling an HPL run on the site could approach (HPL reaches a share of it).
WITH s AS (SELECT * FROM site_efficiency($start, $end, $precision)),
latest AS (SELECT * FROM green500 WHERE list_date = (SELECT max(list_date) FROM green500)),
site AS (
    SELECT 'This site: delivered, IT power' AS system, s.delivered_efh * 1e6 / nullif(s.it_kwh, 0) AS gflops_per_watt,
           lower($precision) AS precision, 'delivered FLOPS estimate / IT energy over the range' AS basis
    FROM s
    UNION ALL
    SELECT 'This site: delivered, facility power', s.delivered_efh * 1e6 / nullif(s.facility_kwh, 0),
           lower($precision), 'delivered FLOPS estimate / facility energy over the range'
    FROM s
    UNION ALL
    SELECT 'This site: FP64 nameplate, IT power', s.fp64_peak_tflops / nullif(s.it_kwh / nullif(s.hours, 0), 0),
           'fp64', 'dense FP64 nameplate of the GPUs reporting / mean IT power (a ceiling, not a measurement)'
    FROM s
)
SELECT rank, system, site, country, accelerator, gflops_per_watt, precision,
       basis || ', system power during the run' AS basis, list_date, false AS is_site, source
FROM latest
UNION ALL
SELECT NULL, system, NULL, NULL, NULL, gflops_per_watt, precision, basis, NULL, true, NULL
FROM site
ORDER BY gflops_per_watt DESC NULLS LAST, rank
