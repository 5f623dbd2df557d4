-- title: Fleet inventory by GPU model
-- returns: one row per model: model, in_catalog (peak known), gpus, nodes, racks, pods, tdp_w (W per GPU), bf16_tflops (dense per GPU), catalog source
SELECT g.model,
       m.model IS NOT NULL               AS in_catalog,
       count(*)                          AS gpus,
       count(DISTINCT g.hostname)        AS nodes,
       count(DISTINCT g.rack)            AS racks,
       count(DISTINCT g.pod)             AS pods,
       any_value(m.tdp_w)                AS tdp_w,
       any_value(m.bf16_tflops)          AS bf16_tflops,
       any_value(m.source)               AS source
FROM gpus g LEFT JOIN gpu_models m ON m.model = g.model
GROUP BY ALL
ORDER BY gpus DESC, g.model
