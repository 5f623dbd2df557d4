-- title: Add meters not yet in the inventory
-- returns: count of meters added
-- param: load_id INTEGER: this load
INSERT INTO meters (meter_name, kind, description, registered_by)
SELECT meter_id, lower(kind), description, $load_id
FROM checked c
WHERE reason IS NULL AND NOT EXISTS (SELECT 1 FROM meters m WHERE m.meter_name = c.meter_id)
ORDER BY line
