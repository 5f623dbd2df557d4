-- title: GPU model catalog
-- returns: one row per catalog model
-- column: model text: model
-- column: architecture text: architecture
-- column: form_factor text: form factor
-- column: memory_gb GB: memory — GB
-- column: tdp_w W: TDP
-- column: max_boost_mhz MHz: max boost clock
-- column: fp64_tflops TFLOPS: FP64 dense per GPU
-- column: tf32_tflops TFLOPS: TF32 dense per GPU
-- column: bf16_tflops TFLOPS: BF16 dense per GPU
-- column: fp8_tflops TFLOPS: FP8 dense per GPU
-- column: fp4_tflops TFLOPS: FP4 dense per GPU — dense peak per GPU, TFLOPS; NULL where the datasheet gives none
-- column: fp4_sparse_factor 1: FP4 sparse factor
-- column: mig_slices count: MIG slices — compute slices of the whole GPU under MIG (NVIDIA MIG User Guide)
-- column: gpus count: GPUs — in the inventory
-- column: source text: source — datasheet
-- column: source_date date: source date
-- column: notes text: notes
SELECT m.model, m.architecture, m.form_factor, m.memory_gb, m.tdp_w, m.max_boost_mhz,
       m.fp64_tflops, m.tf32_tflops, m.bf16_tflops, m.fp8_tflops, m.fp4_tflops, m.fp4_sparse_factor, m.mig_slices,
       (SELECT count(*) FROM gpus g WHERE g.model = m.model) AS gpus,
       m.source, m.source_date, m.notes
FROM gpu_models m
ORDER BY gpus DESC, m.model
