-- title: Live sources: last sync, lag, rows and errors
-- returns: one row per Prometheus source synced into this store, most recently tried first
-- param: now TIMESTAMP = NULL: lag is measured to this time (UTC; default: now)
-- column: source text: source — URL (without credentials), label selector and tenant
-- column: status text: last attempt — ok, or failed (the error is on the right)
-- column: last_sync UTC: last sync — when the last attempt ended
-- column: last_success UTC: last success
-- column: data_to UTC: stored up to — every series of the source is stored up to this time (exclusive)
-- column: lag_min min: lag — how far the stored data is behind now, in minutes
-- column: loads count: loads — chunks stored, each one load in the ingest log
-- column: rows_loaded count: rows stored
-- column: rows_rejected count: rows rejected — with series and reason in `aifd rejects LOAD_ID`
-- column: failures count: failures — consecutive failed attempts (0 after a success)
-- column: last_error text: last error — URL, query and reason of the last failed attempt
-- column: last_error_at UTC: last error at
WITH per_metric AS (
    SELECT source, metric, max(cov_end) AS metric_end FROM sync_coverage GROUP BY ALL
), cov AS (
    SELECT source, min(metric_end) AS data_to FROM per_metric GROUP BY ALL
), loads AS (
    SELECT source, count(*) AS loads, sum(rows_loaded)::BIGINT AS rows_loaded,
           sum(rows_rejected)::BIGINT AS rows_rejected
    FROM ingest_log WHERE format = 'prometheus' GROUP BY ALL
)
SELECT s.source, s.status, s.last_attempt AS last_sync, s.last_success, c.data_to,
       round((epoch(coalesce($now, now()::TIMESTAMP)) - epoch(c.data_to)) / 60, 1) AS lag_min,
       coalesce(l.loads, 0) AS loads, coalesce(l.rows_loaded, 0) AS rows_loaded,
       coalesce(l.rows_rejected, 0) AS rows_rejected, s.failures, s.last_error, s.last_error_at
FROM sync_sources s
LEFT JOIN cov c USING (source)
LEFT JOIN loads l USING (source)
ORDER BY s.last_attempt DESC, s.source
