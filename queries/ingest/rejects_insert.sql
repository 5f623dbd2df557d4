-- title: Record rejected rows
-- returns: count of rows written to rejects, each with its line, series, reason and raw fields (JSON)
-- param: load_id INTEGER: this load
-- param: source VARCHAR: file path or URL
INSERT INTO rejects
SELECT $load_id, $source, c.line, c.series, c.reason, to_json(s)
FROM checked c
LEFT JOIN src s USING (line)
WHERE c.reason IS NOT NULL
ORDER BY c.line
