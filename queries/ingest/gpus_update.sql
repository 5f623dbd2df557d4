-- title: Update known GPUs whose inventory entry changed
-- returns: count of GPUs whose host, index, rack, pod or model changed (blank fields keep the stored value)
UPDATE gpus g SET
    hostname  = coalesce(c.hostname, g.hostname),
    gpu_index = coalesce(c.gpu_index, g.gpu_index),
    rack      = coalesce(c.rack, g.rack),
    pod       = coalesce(c.pod, g.pod),
    model     = coalesce(c.model, g.model)
FROM checked c
WHERE c.reason IS NULL AND c.gpu_uuid = g.gpu_uuid
  AND (   coalesce(c.hostname, g.hostname) IS DISTINCT FROM g.hostname
       OR coalesce(c.gpu_index, g.gpu_index) IS DISTINCT FROM g.gpu_index
       OR coalesce(c.rack, g.rack) IS DISTINCT FROM g.rack
       OR coalesce(c.pod, g.pod) IS DISTINCT FROM g.pod
       OR coalesce(c.model, g.model) IS DISTINCT FROM g.model)
