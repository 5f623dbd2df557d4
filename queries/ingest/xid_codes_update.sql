-- title: Update XID codes whose meaning or source changed
-- returns: count of codes changed
UPDATE xid_codes x SET meaning = c.meaning, source = c.source
FROM checked c
WHERE c.reason IS NULL AND c.code = x.code
  AND (c.meaning, c.source) IS DISTINCT FROM (x.meaning, x.source)
