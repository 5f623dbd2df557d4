-- title: Fleet inventory by GPU model
-- returns: one row per model
-- column: model text: model
-- column: in_catalog bool: in catalog — peak known
-- column: gpus count: GPUs
-- column: nodes count: nodes
-- column: racks count: racks
-- column: pods count: pods
-- column: tdp_w W: TDP — W per GPU
-- column: bf16_tflops TFLOPS: BF16 dense per GPU — dense per GPU
-- column: source text: source
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
