-- Migration 005: XID error codes and what they mean, one table that every GPU-health figure joins
-- (filled from queries/reference/xid_codes.csv through the ingest log; revise by ingesting a CSV
-- with the same columns).
CREATE TABLE IF NOT EXISTS xid_codes (
    code     INTEGER PRIMARY KEY,   -- DCGM_FI_DEV_XID_ERRORS value
    meaning  VARCHAR NOT NULL,
    source   VARCHAR NOT NULL       -- where the meaning comes from
);
