-- title: Record a sync attempt of a source
-- returns: nothing; the source's row now says when it was tried, whether it worked and the last error
-- param: source VARCHAR: the source's name
-- param: at TIMESTAMP: when the attempt ended, UTC
-- param: ok BOOLEAN: whether it worked
-- param: error VARCHAR = NULL: the one-line error of a failed attempt
INSERT INTO sync_sources
VALUES ($source, $at, CASE WHEN $ok THEN $at END, CASE WHEN $ok THEN 'ok' ELSE 'failed' END,
        CASE WHEN $ok THEN 0 ELSE 1 END, $error, CASE WHEN $ok THEN NULL ELSE $at END)
ON CONFLICT (source) DO UPDATE SET
    last_attempt = excluded.last_attempt,
    last_success = coalesce(excluded.last_success, sync_sources.last_success),
    status = excluded.status,
    failures = CASE WHEN excluded.status = 'ok' THEN 0 ELSE sync_sources.failures + 1 END,
    last_error = coalesce(excluded.last_error, sync_sources.last_error),
    last_error_at = coalesce(excluded.last_error_at, sync_sources.last_error_at)
