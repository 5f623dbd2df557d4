-- title: Add GPUs not yet in the inventory
-- returns: count of GPUs added
-- param: load_id INTEGER: this load
INSERT INTO gpus (gpu_uuid, hostname, gpu_index, rack, pod, model, registered_by)
SELECT gpu_uuid, hostname, gpu_index, rack, pod, model, $load_id
FROM checked c
WHERE reason IS NULL AND NOT EXISTS (SELECT 1 FROM gpus g WHERE g.gpu_uuid = c.gpu_uuid)
ORDER BY line
