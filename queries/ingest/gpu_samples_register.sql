-- title: Register GPUs first seen in telemetry
-- returns: count of GPUs added to the inventory from the labels of accepted rows
-- param: load_id INTEGER: the load that saw them
-- The GPUs of the file first (a few thousand), then the labels of the unknown ones only: a file of
-- known GPUs reads its rows once.
WITH seen AS (
    SELECT DISTINCT gpu_uuid FROM checked WHERE reason IS NULL
),
unknown AS (
    SELECT gpu_uuid FROM seen ANTI JOIN gpus g USING (gpu_uuid)
)
INSERT INTO gpus (gpu_uuid, hostname, gpu_index, model, registered_by)
SELECT gpu_uuid, max(hostname), max(gpu_index), max(model), $load_id
FROM checked c SEMI JOIN unknown u USING (gpu_uuid)
WHERE reason IS NULL
GROUP BY gpu_uuid
ORDER BY gpu_uuid
