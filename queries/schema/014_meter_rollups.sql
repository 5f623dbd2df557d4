-- Migration 014: 5-minute rollups of the meters, so that the Energy figures over a year read 5-minute
-- rows instead of every meter sample. Kept by each load like the GPU and link rollups
-- (dashboard/derive.py, queries/derive/meter_refresh.sql); the rows are defined by the macros
-- meter_interval_rows and meter_kind_interval_rows (queries/definitions/040_energy.sql).
-- Intervals are attributed to the 5-minute bucket of their end; an interval needs a previous sample
-- of the same meter at most an hour earlier.

-- Per meter and 5-minute bucket.
CREATE TABLE IF NOT EXISTS meter_5m (
    bucket          TIMESTAMP NOT NULL,
    meter_id        INTEGER NOT NULL,
    samples         INTEGER NOT NULL,      -- samples in the bucket
    power_n         INTEGER NOT NULL,      -- of them with a power value
    power_sum       DOUBLE,                -- kW, Σ of those values
    power_max       DOUBLE,                -- kW
    intervals       INTEGER NOT NULL,      -- samples whose previous sample is at most an hour earlier
    energy_n        INTEGER NOT NULL,      -- intervals with energy: counter increase, else power integrated
    kwh             DOUBLE,                -- their energy, kWh
    counter_n       INTEGER NOT NULL,      -- intervals with the energy counter at both ends
    counter_kwh     DOUBLE,                -- their increases, kWh (a decrease restarts from 0)
    resets          INTEGER NOT NULL       -- counter decreases
);

-- Per meter kind and 5-minute bucket: what needs the kind's meters summed at each timestamp first
-- (the peak power of the kind, the seconds its meters cover, the mean of the kind's summed power).
CREATE TABLE IF NOT EXISTS meter_kind_5m (
    bucket          TIMESTAMP NOT NULL,
    kind            VARCHAR NOT NULL,
    intervals       INTEGER NOT NULL,      -- meter intervals ending in the bucket
    kwh             DOUBLE,                -- their energy (counter, else power integrated), kWh
    covered_s       DOUBLE,                -- Σ over timestamps of the seconds covered per meter
    kw_peak         DOUBLE,                -- busiest timestamp: Σ kWh of the kind / longest interval, kW
    counter_n       INTEGER NOT NULL,      -- intervals with energy from the counter
    power_iv_n      INTEGER NOT NULL,      -- intervals with energy from power samples
    resets          INTEGER NOT NULL,
    counter_kwh     DOUBLE,                -- counter increases only, kWh
    counter_iv      INTEGER NOT NULL,      -- intervals with a counter increase
    power_n         INTEGER NOT NULL,      -- samples with a power value
    power_sum       DOUBLE,                -- kW, Σ of those values
    kw_n            INTEGER NOT NULL,      -- timestamps at which some meter of the kind has power
    kw_sum          DOUBLE,                -- Σ over those timestamps of the kind's summed power, kW
    kw_max          DOUBLE                 -- the largest such sum, kW
);

-- A store with meter samples builds them at its next writer (derive.ensure).
INSERT OR REPLACE INTO derived_config
SELECT 'meters_built', CASE WHEN EXISTS (SELECT 1 FROM meter_samples) THEN 0 ELSE 1 END;
