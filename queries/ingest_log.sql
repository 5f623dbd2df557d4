-- title: Ingest log
-- returns: one row per load, newest first
-- param: limit INTEGER = 200: rows at most
-- column: load_id count: load
-- column: source text: source
-- column: format text: format
-- column: kinds text: record kinds
-- column: status text: status
-- column: rows_in count: rows read
-- column: rows_loaded count: rows loaded
-- column: rows_rejected count: rows rejected
-- column: rows_duplicate count: already stored
-- column: rows_updated count: rows updated
-- column: data_from UTC: data from
-- column: data_to UTC: data to
-- column: started UTC: started
-- column: seconds s: duration
-- column: sha256 text: SHA-256
-- column: message text: message
SELECT load_id, source, format, kinds, status, rows_in, rows_loaded, rows_rejected,
       rows_duplicate, rows_updated, ts_min AS data_from, ts_max AS data_to,
       started, round(epoch(finished) - epoch(started), 2) AS seconds, sha256, message
FROM ingest_log
ORDER BY load_id DESC
LIMIT $limit
