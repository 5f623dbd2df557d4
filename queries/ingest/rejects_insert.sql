-- title: Record rejected rows
-- returns: count of rows written to rejects, each with its line, series, reason and raw fields (JSON)
-- param: load_id INTEGER: this load
-- param: source VARCHAR: file path or URL
INSERT INTO rejects
SELECT $load_id, $source, r.line, r.series, r.reason, to_json(s)
FROM rejected r
LEFT JOIN src s USING (line)
ORDER BY r.line
