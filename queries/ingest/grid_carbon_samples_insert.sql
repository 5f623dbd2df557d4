-- title: Insert accepted grid carbon-intensity samples not already stored
-- returns: count of rows inserted
-- param: load_id INTEGER: this load
-- param: ts_min TIMESTAMP: earliest accepted timestamp
-- param: ts_max TIMESTAMP: latest accepted timestamp
INSERT INTO grid_carbon_samples
SELECT c.ts, c.g_co2_per_kwh, $load_id
FROM checked c
ANTI JOIN (SELECT ts FROM grid_carbon_samples WHERE ts BETWEEN $ts_min AND $ts_max) e ON e.ts = c.ts
WHERE c.reason IS NULL
ORDER BY c.ts
