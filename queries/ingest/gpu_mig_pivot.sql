-- title: GPU long rows with MIG instances: one row per GPU and time
-- returns: nothing; view src (one row per GPU and time, the columns of gpu_samples) and table mig_gpus (per GPU
-- with instance series: its model, its compute slices, whether its ratios could be weighted)
-- Reads temp relations gpu_long (line, ts, gpu_uuid, mig, mig_profile, hostname, gpu_index, model, col, value;
-- one row per sample, series that disagree already rejected), mig_model_slices (model, slices: the
-- catalog's gpu_models.mig_slices) and mig_gpu_slices (gpu_uuid, slices: by the inventory's model). Both
-- readers (the file reader, the Prometheus sync) pivot MIG rows here.
-- Per GPU, time and column: a whole-GPU series wins (dcgm-exporter can give one beside the instances);
-- else device-level fields repeat the GPU's value in every instance (dcgm-exporter #257, docs/real-inputs.md) and
-- are taken once; DCGM_FI_DEV_GPU_UTIL reads 0 on an instance (dcgm-exporter #216) and is left empty;
-- a profiling ratio of an instance is relative to the instance (NVIDIA DCGM #138: a saturated compute
-- instance reads 100 %), so the GPU's ratio is Σ ratio × instance slices / GPU slices ("3g.40gb": 3 of
-- 7): a slice no instance holds counts as inactive. Without the slices (no GPU_I_PROFILE label, or a
-- model without mig_slices in the catalog) the instances are averaged, which overstates a partly used GPU.
CREATE OR REPLACE TEMP TABLE mig_inst AS
SELECT ts, gpu_uuid, mig, col, min(line) AS line, any_value(value) AS value,
       TRY_CAST(regexp_extract(any_value(mig_profile), '^(?:[0-9]+c\.)?([0-9]+)g\.', 1) AS INTEGER) AS slices
FROM gpu_long
GROUP BY ts, gpu_uuid, mig, col;

CREATE OR REPLACE TEMP TABLE mig_ident AS
SELECT l.ts, l.gpu_uuid, max(l.hostname) AS hostname, max(l.gpu_index) AS gpu_index, max(l.model) AS model
FROM gpu_long l
GROUP BY l.ts, l.gpu_uuid;

CREATE OR REPLACE TEMP TABLE mig_gpus AS
WITH inst AS (
    SELECT gpu_uuid, bool_and(slices IS NOT NULL) AS profiled FROM mig_inst WHERE mig IS NOT NULL GROUP BY gpu_uuid
), named AS (
    SELECT gpu_uuid, max(model) AS model FROM mig_ident GROUP BY gpu_uuid
)
SELECT i.gpu_uuid, n.model, coalesce(m.slices, g.slices) AS gpu_slices, i.profiled
FROM inst i JOIN named n USING (gpu_uuid)
LEFT JOIN mig_model_slices m ON m.model = n.model
LEFT JOIN mig_gpu_slices g ON g.gpu_uuid = i.gpu_uuid;

CREATE OR REPLACE TEMP VIEW src AS
WITH dev AS (
    SELECT x.ts, x.gpu_uuid, x.col, min(x.line) AS line,
           CASE WHEN count(*) FILTER (WHERE x.mig IS NULL) > 0 THEN any_value(x.value) FILTER (WHERE x.mig IS NULL)
                WHEN x.col = 'util' THEN NULL
                WHEN x.col NOT IN ('tensor_active', 'fp64_active', 'sm_active') THEN max(x.value)
                WHEN count(x.slices) = count(*) AND any_value(g.gpu_slices) IS NOT NULL
                    THEN sum(x.value * x.slices) / any_value(g.gpu_slices)
                ELSE avg(x.value) END AS value
    FROM mig_inst x LEFT JOIN mig_gpus g USING (gpu_uuid)
    GROUP BY x.ts, x.gpu_uuid, x.col
)
SELECT min(d.line) AS line, d.ts, d.gpu_uuid, any_value(i.hostname) AS hostname,
       any_value(i.gpu_index) AS gpu_index, any_value(i.model) AS model,
       max(d.value) FILTER (WHERE d.col = 'util') AS util,
       max(d.value) FILTER (WHERE d.col = 'sm_clock_mhz') AS sm_clock_mhz,
       max(d.value) FILTER (WHERE d.col = 'power_w') AS power_w,
       max(d.value) FILTER (WHERE d.col = 'energy_j') AS energy_j,
       max(d.value) FILTER (WHERE d.col = 'temp_c') AS temp_c,
       max(d.value) FILTER (WHERE d.col = 'xid') AS xid,
       max(d.value) FILTER (WHERE d.col = 'tensor_active') AS tensor_active,
       max(d.value) FILTER (WHERE d.col = 'fp64_active') AS fp64_active,
       max(d.value) FILTER (WHERE d.col = 'sm_active') AS sm_active
FROM dev d JOIN mig_ident i USING (ts, gpu_uuid)
GROUP BY d.ts, d.gpu_uuid;
