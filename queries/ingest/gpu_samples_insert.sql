-- title: Insert accepted GPU samples not already stored
-- returns: count of rows inserted; rows whose (ts, GPU) is already stored are left as they are
-- Rows go in in the file's order (no sort): exporters write in time order, which keeps the zone
-- maps that prune scans by time tight; an unordered file is stored correctly, only scanned wider.
-- param: load_id INTEGER: this load
-- param: ts_min TIMESTAMP: earliest accepted timestamp (limits the scan of stored rows)
-- param: ts_max TIMESTAMP: latest accepted timestamp
INSERT INTO gpu_samples
SELECT c.ts, g.gpu_id, c.util, c.tensor_active, c.fp64_active, c.sm_active, c.sm_clock_mhz,
       c.power_w, c.energy_j, c.temp_c, c.xid, $load_id
FROM checked c
JOIN gpus g USING (gpu_uuid)
ANTI JOIN (SELECT ts, gpu_id FROM gpu_samples WHERE ts BETWEEN $ts_min AND $ts_max) e
    ON e.ts = c.ts AND e.gpu_id = g.gpu_id
WHERE c.reason IS NULL
