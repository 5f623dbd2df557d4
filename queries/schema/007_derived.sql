-- Migration 007: derived tables, maintained inside each load's transaction for the range it touched
-- (dashboard/derive.py, queries/derive/*.sql), so that page figures read a few thousand rows
-- instead of every sample. Raw samples stay as read; these hold exact sums and counts, from which
-- the figures compute the same numbers as from the samples (docs/performance.md, "Derived tables").

-- The rules the derived tables were built with (an entry point rebuilds them when a setting changes).
CREATE TABLE IF NOT EXISTS derived_config (
    key             VARCHAR PRIMARY KEY,   -- idle_threshold (ratio), hot_temp_c (degC)
    value           DOUBLE NOT NULL
);
INSERT OR IGNORE INTO derived_config VALUES ('idle_threshold', 0.05), ('hot_temp_c', 85);

-- Per GPU and hour (bucket = hour start, UTC): sums and counts of each gauge over the GPU's samples,
-- so that any mean over whole hours is exact (sum / count); counter increases with resets handled.
CREATE TABLE IF NOT EXISTS gpu_hourly (
    bucket          TIMESTAMP NOT NULL,
    gpu_id          INTEGER NOT NULL,
    n               INTEGER NOT NULL,      -- samples
    util_n INTEGER, util_sum DOUBLE,       -- DCGM_FI_DEV_GPU_UTIL, %
    tensor_n INTEGER, tensor_sum DOUBLE,   -- tensor_active, ratio
    tensor_eff_sum  DOUBLE,                -- Σ tensor_active × clock factor (catalog max boost at build time)
    fp64_n INTEGER, fp64_sum DOUBLE,
    fp64_eff_sum    DOUBLE,                -- Σ fp64_active × clock factor
    sm_n INTEGER, sm_sum DOUBLE,           -- sm_active, ratio
    clock_n INTEGER, clock_sum DOUBLE,     -- sm_clock_mhz, MHz
    cf_sum          DOUBLE,                -- Σ clock factor over all samples (n of them)
    power_n INTEGER, power_sum DOUBLE, power_max REAL,   -- W
    temp_n INTEGER, temp_sum DOUBLE, temp_max REAL,      -- degC
    xid_n           INTEGER,               -- samples with an XID code (not 0)
    hot_n           INTEGER,               -- samples above derived_config.hot_temp_c
    affected_n      INTEGER,               -- samples with an XID or hot
    energy_j        DOUBLE,                -- energy-counter increases attributed to samples in the hour, J
    energy_n        INTEGER,               -- such increases (samples whose previous sample is ≤ 1 h back)
    energy_resets   INTEGER,               -- decreases of the counter (restarts)
    first_ts        TIMESTAMP,
    last_ts         TIMESTAMP
);

-- Per 5-minute interval and (rack, pod, model): the GPUs' interval means, summed over the GPUs of the
-- group. Fleet, pod and rack time series are means over 5-minute intervals of these sums.
CREATE TABLE IF NOT EXISTS gpu_groups_5m (
    bucket          TIMESTAMP NOT NULL,    -- interval start, UTC
    rack            VARCHAR,
    pod             VARCHAR,
    model           VARCHAR,
    gpus            INTEGER NOT NULL,      -- GPUs with a sample in the interval
    util_gpus INTEGER, util_mean_sum DOUBLE,
    tensor_gpus INTEGER, tensor_mean_sum DOUBLE, tensor_eff_mean_sum DOUBLE,
    fp64_gpus INTEGER, fp64_mean_sum DOUBLE, fp64_eff_mean_sum DOUBLE,
    power_gpus INTEGER, power_mean_sum DOUBLE,           -- W
    energy_j        DOUBLE,
    temp_max        REAL
);

-- Per GPU: maximal runs of consecutive samples in one state under derived_config.idle_threshold
-- (idle: max(tensor, fp64) below it; busy: at or above; unknown: neither counter). A gap of more
-- than two sampling steps ends a run.
CREATE TABLE IF NOT EXISTS gpu_runs (
    gpu_id          INTEGER NOT NULL,
    state           VARCHAR NOT NULL CHECK (state IN ('idle', 'busy', 'unknown')),
    first_ts        TIMESTAMP NOT NULL,
    last_ts         TIMESTAMP NOT NULL,
    samples         INTEGER NOT NULL
);

-- Per GPU: its sampling step (median interval between consecutive samples, s), fixed by its first
-- load with two samples or more.
CREATE TABLE IF NOT EXISTS gpu_steps (
    gpu_id          INTEGER PRIMARY KEY,
    step_s          DOUBLE NOT NULL
);

-- Every sample that carries an XID code (DCGM_FI_DEV_XID_ERRORS ≠ 0): few rows, read by the health
-- figures instead of scanning all samples.
CREATE TABLE IF NOT EXISTS gpu_xid_events (
    ts              TIMESTAMP NOT NULL,
    gpu_id          INTEGER NOT NULL,
    code            INTEGER NOT NULL
);

-- Per link and 5-minute interval: counter increases attributed to the interval (resets handled).
-- (Meters are a handful of series: their figures read the samples.)
CREATE TABLE IF NOT EXISTS link_5m (
    bucket          TIMESTAMP NOT NULL,
    link_id         INTEGER NOT NULL,
    intervals       INTEGER NOT NULL,      -- sample-to-sample intervals ending in the bucket
    seconds         DOUBLE,                -- their total length, s
    rx_bytes        DOUBLE,
    tx_bytes        DOUBLE,
    peak_bps        DOUBLE,                -- busiest interval's rate, busier direction, bit/s
    seconds_above_90 DOUBLE,               -- length of intervals above 90 % of the link's capacity, s
    resets          INTEGER
);
