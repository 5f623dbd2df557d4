-- title: Add vendor-registry entries not yet stored
-- returns: count of entries added
-- param: load_id INTEGER: this load
INSERT INTO vendor_registry (vendor_id, name, aliases, hq_country, parent, parent_country, category,
                             purl_namespaces, source, as_of, notes, load_id)
SELECT vendor_id, name, aliases, hq_country, parent, parent_country, category, purl_namespaces,
       source, as_of, notes, $load_id
FROM checked c
WHERE reason IS NULL
  AND NOT EXISTS (SELECT 1 FROM vendor_registry r WHERE r.vendor_id = c.vendor_id)
ORDER BY line
