-- title: Update catalog models whose figures changed
-- returns: count of models whose entry changed (the new file's values replace the stored ones; a file
-- without mig_slices, as catalogs made before migration 015, keeps the stored count)
UPDATE gpu_models g SET
    vendor = c.vendor, architecture = c.architecture, form_factor = c.form_factor,
    memory_gb = c.memory_gb, tdp_w = c.tdp_w, max_boost_mhz = c.max_boost_mhz,
    fp64_tflops = c.fp64_tflops, tf32_tflops = c.tf32_tflops, bf16_tflops = c.bf16_tflops,
    fp8_tflops = c.fp8_tflops, fp4_tflops = c.fp4_tflops, fp4_sparse_factor = c.fp4_sparse_factor,
    mig_slices = coalesce(c.mig_slices, g.mig_slices),
    source = c.source, source_date = c.source_date, notes = c.notes
FROM checked c
WHERE c.reason IS NULL AND c.model = g.model
  AND (c.vendor, c.architecture, c.form_factor, c.memory_gb, c.tdp_w, c.max_boost_mhz, c.fp64_tflops,
       c.tf32_tflops, c.bf16_tflops, c.fp8_tflops, c.fp4_tflops, c.fp4_sparse_factor, coalesce(c.mig_slices, g.mig_slices), c.source,
       c.source_date, c.notes)
      IS DISTINCT FROM
      (g.vendor, g.architecture, g.form_factor, g.memory_gb, g.tdp_w, g.max_boost_mhz, g.fp64_tflops,
       g.tf32_tflops, g.bf16_tflops, g.fp8_tflops, g.fp4_tflops, g.fp4_sparse_factor, g.mig_slices, g.source,
       g.source_date, g.notes)
