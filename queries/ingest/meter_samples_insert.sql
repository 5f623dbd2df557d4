-- title: Insert accepted meter samples not already stored
-- returns: count of rows inserted
-- param: load_id INTEGER: this load
-- param: ts_min TIMESTAMP: earliest accepted timestamp
-- param: ts_max TIMESTAMP: latest accepted timestamp
INSERT INTO meter_samples
SELECT c.ts, m.meter_id, c.power_kw, c.energy_kwh, $load_id
FROM checked c
JOIN meters m ON m.meter_name = c.meter_id
ANTI JOIN (SELECT ts, meter_id FROM meter_samples WHERE ts BETWEEN $ts_min AND $ts_max) e
    ON e.ts = c.ts AND e.meter_id = m.meter_id
WHERE c.reason IS NULL
ORDER BY c.ts, m.meter_id
