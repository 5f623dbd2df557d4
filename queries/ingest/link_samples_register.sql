-- title: Register links first seen in telemetry
-- returns: count of links added from accepted rows (capacity unknown where no row carried one)
-- param: load_id INTEGER: the load that saw them
INSERT INTO links (link_name, a_end, capacity_gbps, capacity_source, is_virtual, registered_by)
SELECT link_id, max(a_end), max(capacity_gbps),
       CASE WHEN max(capacity_gbps) IS NOT NULL THEN coalesce(max(capacity_source), 'telemetry') END,
       coalesce(bool_or(is_virtual), false), $load_id
FROM checked c
WHERE reason IS NULL AND NOT EXISTS (SELECT 1 FROM links l WHERE l.link_name = c.link_id)
GROUP BY link_id
ORDER BY link_id
