-- title: Insert accepted link counter samples not already stored
-- returns: count of rows inserted
-- param: load_id INTEGER: this load
-- param: ts_min TIMESTAMP: earliest accepted timestamp
-- param: ts_max TIMESTAMP: latest accepted timestamp
INSERT INTO link_samples
SELECT c.ts, l.link_id, c.rx_bytes, c.tx_bytes, $load_id
FROM checked c
JOIN links l ON l.link_name = c.link_id
ANTI JOIN (SELECT ts, link_id FROM link_samples WHERE ts BETWEEN $ts_min AND $ts_max) e
    ON e.ts = c.ts AND e.link_id = l.link_id
WHERE c.reason IS NULL
ORDER BY c.ts, l.link_id
