-- title: Add vendor versions not yet stored
-- returns: count of vendor versions added (a new vendor_id, or a new valid_from for a stored one)
-- param: load_id INTEGER: this load
INSERT INTO vendors (vendor_id, valid_from, name, hq_country, parent, parent_country, notes, registered_by)
SELECT vendor_id, valid_from, name, hq_country, parent, parent_country, notes, $load_id
FROM checked c
WHERE reason IS NULL
  AND NOT EXISTS (SELECT 1 FROM vendors v WHERE v.vendor_id = c.vendor_id AND v.valid_from = c.valid_from)
ORDER BY line
