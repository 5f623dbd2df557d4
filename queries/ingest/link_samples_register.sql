-- title: Register links first seen in telemetry
-- returns: count of links added from accepted rows that carried a capacity
-- param: load_id INTEGER: the load that saw them
INSERT INTO links (link_name, capacity_gbps, registered_by)
SELECT link_id, max(capacity_gbps), $load_id
FROM checked c
WHERE reason IS NULL AND NOT EXISTS (SELECT 1 FROM links l WHERE l.link_name = c.link_id)
GROUP BY link_id
ORDER BY link_id
