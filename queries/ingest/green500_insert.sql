-- title: Add Green500 places not yet stored
-- returns: count of places added
-- param: load_id INTEGER: this load
INSERT INTO green500 BY NAME
SELECT list_date, rank, top500_rank, system, site, country, cpu_gpu, accelerator, cores, rmax_pflops, power_kw,
       gflops_per_watt, precision, basis, list, source, source_date, confidence, note, $load_id AS loaded_by
FROM checked c
WHERE reason IS NULL AND NOT EXISTS (SELECT 1 FROM green500 g WHERE g.list_date = c.list_date AND g.rank = c.rank)
ORDER BY line
