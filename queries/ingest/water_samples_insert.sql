-- title: Insert accepted water-meter readings not already stored
-- returns: count of rows inserted
-- param: load_id INTEGER: this load
-- param: ts_min TIMESTAMP: earliest accepted timestamp
-- param: ts_max TIMESTAMP: latest accepted timestamp
INSERT INTO water_samples
SELECT c.ts, c.meter, c.water_m3, coalesce(c.freshwater, true), $load_id
FROM checked c
ANTI JOIN (SELECT ts, meter FROM water_samples WHERE ts BETWEEN $ts_min AND $ts_max) e
    ON e.ts = c.ts AND e.meter = c.meter
WHERE c.reason IS NULL
ORDER BY c.ts, c.meter
