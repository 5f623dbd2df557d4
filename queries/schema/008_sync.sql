-- Migration 008: what the Prometheus sync (dashboard/sync/) has fetched, per source and series.
-- Samples themselves go to the sample tables through the ingest log like any load; these tables
-- only say which time ranges are complete, so that a sync fetches each range once and a sync that
-- was stopped half-way resumes where it stopped.

-- [cov_start, cov_end) of one series name from one source is stored: every sample Prometheus held
-- for it then was fetched and went through the checks. Touching intervals are merged, so a source
-- synced without holes has one row per series.
CREATE TABLE IF NOT EXISTS sync_coverage (
    source      VARCHAR NOT NULL,   -- URL (no credentials), {selector}, (X-Scope-OrgID tenant)
    metric      VARCHAR NOT NULL,   -- series name queried, e.g. DCGM_FI_DEV_POWER_USAGE
    grp         VARCHAR NOT NULL,   -- gpu | link | meter
    cov_start   TIMESTAMP NOT NULL, -- UTC, inclusive
    cov_end     TIMESTAMP NOT NULL, -- UTC, exclusive
    samples     BIGINT NOT NULL,    -- samples received in the interval
    last_sample TIMESTAMP,          -- newest sample received in it
    load_id     INTEGER NOT NULL,   -- the load that last extended it
    updated     TIMESTAMP NOT NULL
);

-- One row per source: the last attempt of a scheduled or manual sync and the last error.
CREATE TABLE IF NOT EXISTS sync_sources (
    source        VARCHAR PRIMARY KEY,
    last_attempt  TIMESTAMP NOT NULL,
    last_success  TIMESTAMP,
    status        VARCHAR NOT NULL CHECK (status IN ('ok', 'failed')),
    failures      INTEGER NOT NULL, -- consecutive failed attempts
    last_error    VARCHAR,          -- one line: URL, query and reason
    last_error_at TIMESTAMP
);
