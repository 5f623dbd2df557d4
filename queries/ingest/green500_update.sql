-- title: Update Green500 places whose entry changed
-- returns: count of places changed
-- The load that changed a place is this session's load (currval of the load sequence).
UPDATE green500 g SET
    top500_rank = c.top500_rank, system = c.system, site = c.site, country = c.country, cpu_gpu = c.cpu_gpu,
    accelerator = c.accelerator, cores = c.cores, rmax_pflops = c.rmax_pflops, power_kw = c.power_kw,
    gflops_per_watt = c.gflops_per_watt, precision = c.precision, basis = c.basis, list = c.list,
    source = c.source, source_date = c.source_date, confidence = c.confidence, note = c.note,
    loaded_by = currval('load_id_seq')
FROM checked c
WHERE c.reason IS NULL AND c.list_date = g.list_date AND c.rank = g.rank
  AND (c.top500_rank, c.system, c.site, c.country, c.cpu_gpu, c.accelerator, c.cores, c.rmax_pflops, c.power_kw,
       c.gflops_per_watt, c.precision, c.basis, c.list, c.source, c.source_date, c.confidence, c.note)
      IS DISTINCT FROM
      (g.top500_rank, g.system, g.site, g.country, g.cpu_gpu, g.accelerator, g.cores, g.rmax_pflops, g.power_kw,
       g.gflops_per_watt, g.precision, g.basis, g.list, g.source, g.source_date, g.confidence, g.note)
