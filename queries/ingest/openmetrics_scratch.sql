-- title: OpenMetrics reader: scratch tables
-- returns: nothing; creates the temp tables the reader appends to, chunk by chunk, while it reads a file
-- om_long: one row per sample line (metric and label set as ids, raw only when the caller has it);
-- om_series_raw: one row per label set as written (lid: its labels in their order; ckey: whatever the
-- order), again after a cache flush, with what it names;
-- om_rejects: lines rejected, with the record kind their metric feeds (route: gpu, link, other).
CREATE OR REPLACE TEMP TABLE om_long (
    line BIGINT, ts TIMESTAMP, mid INTEGER, lid BIGINT, value DOUBLE, raw VARCHAR);
CREATE OR REPLACE TEMP TABLE om_series_raw (
    lid BIGINT, ckey BIGINT, labels VARCHAR, canon VARCHAR, rendered VARCHAR,
    gpu_uuid VARCHAR, mig VARCHAR, mig_profile VARCHAR, hostname VARCHAR, gpu_index BIGINT, model VARCHAR);
CREATE OR REPLACE TEMP TABLE om_rejects (
    line BIGINT, series VARCHAR, reason VARCHAR, raw VARCHAR, route VARCHAR);
CREATE OR REPLACE TEMP TABLE om_metrics (
    mid INTEGER, metric VARCHAR, kind VARCHAR, route VARCHAR, col VARCHAR, factor DOUBLE);
