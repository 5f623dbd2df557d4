-- title: GPU model catalog
-- returns: one row per catalog model: model, architecture, form_factor, memory_gb (GB), tdp_w (W), max_boost_mhz (MHz), fp64/tf32/bf16/fp8/fp4_tflops (dense peak per GPU, TFLOPS; NULL where the datasheet gives none), fp4_sparse_factor, gpus (in the inventory), source (datasheet), source_date, notes
SELECT m.model, m.architecture, m.form_factor, m.memory_gb, m.tdp_w, m.max_boost_mhz,
       m.fp64_tflops, m.tf32_tflops, m.bf16_tflops, m.fp8_tflops, m.fp4_tflops, m.fp4_sparse_factor,
       (SELECT count(*) FROM gpus g WHERE g.model = m.model) AS gpus,
       m.source, m.source_date, m.notes
FROM gpu_models m
ORDER BY gpus DESC, m.model
