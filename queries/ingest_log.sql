-- title: Ingest log
-- returns: one row per load, newest first: load_id, source, format, kinds, status, rows_in, rows_loaded, rows_rejected, rows_duplicate, rows_updated, data range (UTC), started (UTC), seconds, sha256, message
-- param: limit INTEGER = 200: rows at most
SELECT load_id, source, format, kinds, status, rows_in, rows_loaded, rows_rejected,
       rows_duplicate, rows_updated, ts_min AS data_from, ts_max AS data_to,
       started, round(epoch(finished) - epoch(started), 2) AS seconds, sha256, message
FROM ingest_log
ORDER BY load_id DESC
LIMIT $limit
