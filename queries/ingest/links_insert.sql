-- title: Add links not yet in the inventory
-- returns: count of links added
-- param: load_id INTEGER: this load
INSERT INTO links (link_name, a_end, b_end, capacity_gbps, capacity_source, carrier, kind, registered_by)
SELECT link_id, a_end, b_end, capacity_gbps, 'inventory', carrier, kind, $load_id
FROM checked c
WHERE reason IS NULL AND NOT EXISTS (SELECT 1 FROM links l WHERE l.link_name = c.link_id)
ORDER BY line
