-- title: Update vendor-registry entries whose facts changed
-- returns: count of entries changed (the file's values replace the stored ones; load_id is not part of the comparison)
UPDATE vendor_registry r SET
    name = c.name, aliases = c.aliases, hq_country = c.hq_country, parent = c.parent,
    parent_country = c.parent_country, category = c.category, purl_namespaces = c.purl_namespaces,
    source = c.source, as_of = c.as_of, notes = c.notes
FROM checked c
WHERE c.reason IS NULL AND c.vendor_id = r.vendor_id
  AND (c.name, c.aliases, c.hq_country, c.parent, c.parent_country, c.category, c.purl_namespaces,
       c.source, c.as_of, c.notes)
      IS DISTINCT FROM
      (r.name, r.aliases, r.hq_country, r.parent, r.parent_country, r.category, r.purl_namespaces,
       r.source, r.as_of, r.notes)
