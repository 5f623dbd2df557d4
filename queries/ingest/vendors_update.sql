-- title: Update stored vendor versions (same vendor_id and valid_from) whose entry changed
-- returns: count of vendor versions whose name, headquarters, parent or notes changed (the file's values replace the stored ones; other versions are kept)
UPDATE vendors v SET
    name = c.name, hq_country = c.hq_country, parent = c.parent,
    parent_country = c.parent_country, notes = c.notes
FROM checked c
WHERE c.reason IS NULL AND c.vendor_id = v.vendor_id AND c.valid_from = v.valid_from
  AND (c.name, c.hq_country, c.parent, c.parent_country, c.notes)
      IS DISTINCT FROM (v.name, v.hq_country, v.parent, v.parent_country, v.notes)
