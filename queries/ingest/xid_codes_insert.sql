-- title: Add XID codes not yet stored
-- returns: count of codes added
-- param: load_id INTEGER: this load (unused by the table, kept for the common signature)
INSERT INTO xid_codes
SELECT code, meaning, source
FROM checked c
WHERE reason IS NULL AND $load_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM xid_codes x WHERE x.code = c.code)
ORDER BY line
