-- title: Rejected rows
-- returns: one row per rejected input row: load_id, source file, line (row number for Parquet), series, reason, raw fields
-- param: load_id INTEGER = NULL: only this load (NULL: all loads)
-- param: limit INTEGER = 500: rows at most
SELECT load_id, source, line, series, reason, raw
FROM rejects
WHERE $load_id IS NULL OR load_id = $load_id
ORDER BY load_id DESC, line
LIMIT $limit
