-- title: Add vendors not yet stored
-- returns: count of vendors added
-- param: load_id INTEGER: this load
INSERT INTO vendors (vendor_id, name, hq_country, parent, parent_country, notes, registered_by)
SELECT vendor_id, name, hq_country, parent, parent_country, notes, $load_id
FROM checked c
WHERE reason IS NULL AND NOT EXISTS (SELECT 1 FROM vendors v WHERE v.vendor_id = c.vendor_id)
ORDER BY line
