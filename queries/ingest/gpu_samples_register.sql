-- title: Register GPUs first seen in telemetry
-- returns: count of GPUs added to the inventory from the labels of accepted rows
-- param: load_id INTEGER: the load that saw them
INSERT INTO gpus (gpu_uuid, hostname, gpu_index, model, registered_by)
SELECT gpu_uuid, max(hostname), max(gpu_index), max(model), $load_id
FROM checked c
WHERE reason IS NULL AND NOT EXISTS (SELECT 1 FROM gpus g WHERE g.gpu_uuid = c.gpu_uuid)
GROUP BY gpu_uuid
ORDER BY gpu_uuid
