-- title: Rejected rows
-- returns: one row per rejected input row
-- param: load_id INTEGER = NULL: only this load (NULL: all loads)
-- param: limit INTEGER = 500: rows at most
-- column: load_id count: load
-- column: source text: source
-- column: line count: line — row number for Parquet
-- column: series text: series
-- column: reason text: reason
-- column: raw text: raw input
SELECT load_id, source, line, series, reason, raw
FROM rejects
WHERE $load_id IS NULL OR load_id = $load_id
ORDER BY load_id DESC, line, series, reason, raw
LIMIT $limit
