-- title: Add catalog models not yet stored
-- returns: count of models added
-- param: load_id INTEGER: this load (unused by the table, kept for the common signature)
INSERT INTO gpu_models BY NAME
SELECT model, vendor, architecture, form_factor, memory_gb, tdp_w, max_boost_mhz, fp64_tflops,
       tf32_tflops, bf16_tflops, fp8_tflops, fp4_tflops, fp4_sparse_factor, mig_slices, source, source_date,
       notes
FROM checked c
WHERE reason IS NULL AND $load_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM gpu_models g WHERE g.model = c.model)
ORDER BY line
