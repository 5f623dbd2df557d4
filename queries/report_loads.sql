-- title: The ingest loads a period's figures come from
-- returns: one row per load that stored or updated rows and whose data overlaps the period (with the hour before it that counter differences read), or that holds records without time (inventory, catalogs, vendors); oldest first
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- column: load_id count: load
-- column: source text: source — file path or URL as loaded
-- column: format text: format
-- column: kinds text: record kinds
-- column: status text: status
-- column: rows_loaded count: rows loaded
-- column: rows_updated count: rows updated
-- column: data_from UTC: data from
-- column: data_to UTC: data to
-- column: started UTC: loaded at
-- column: bytes B: size — bytes of the loaded file
-- column: sha256 text: SHA-256 — of the loaded file, as the ingest log recorded it
-- Counter figures (energy, link traffic) read up to an hour before the start for the first
-- difference, so a load of that hour counts too. Failed and skipped loads stored nothing.
SELECT load_id, source, format, kinds, status, rows_loaded, rows_updated,
       ts_min AS data_from, ts_max AS data_to, started, bytes, sha256
FROM ingest_log
WHERE status IN ('ok', 'partial')
  AND coalesce(rows_loaded, 0) + coalesce(rows_updated, 0) > 0
  AND (ts_min IS NULL OR (ts_max >= $start - INTERVAL 1 HOUR AND ts_min < $end))
ORDER BY load_id
