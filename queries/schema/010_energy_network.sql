-- Migration 010: the law as data, grid carbon and water, link rollups per direction (docs/energy.md,
-- docs/network.md).

-- The law as dated rule sets (queries/reference/law_rules.csv, loaded through the ingest log by
-- dashboard/ingest/reference.py; a user revises it by ingesting a CSV with the same columns).
-- replaces: rule_ids (of another rule set, separated by spaces) that this rule takes the place of
-- when its rule set is chosen; the other rule set's remaining rules still apply (a bill amends a law).
CREATE TABLE IF NOT EXISTS law_rules (
    rule_id             VARCHAR PRIMARY KEY,
    rule_set            VARCHAR NOT NULL,
    kpi                 VARCHAR NOT NULL,
    comparator          VARCHAR NOT NULL,      -- <=, >=, <, > (threshold), duty, info
    threshold           DOUBLE,
    threshold_lower     DOUBLE,                -- label bands: exclusive lower bound
    unit                VARCHAR,               -- ratio (PUE), % (ERF, REF), L/kWh (WUE), kW, EUR
    applies_to          VARCHAR,
    size_threshold_kw   DOUBLE,
    size_basis          VARCHAR,
    commissioning_from  DATE,
    commissioning_until DATE,
    effective_from      DATE,
    effective_until     DATE,
    deadline            VARCHAR,
    legal_reference     VARCHAR,
    description         VARCHAR,
    source              VARCHAR,
    source_date         DATE,
    status              VARCHAR,
    confidence          VARCHAR,
    checked_via         VARCHAR,
    note                VARCHAR,
    replaces            VARCHAR,
    loaded_by           INTEGER                -- load_id that stored or last changed the row
);

-- Green500 lists (queries/reference/green500.csv), one row per list and place.
CREATE TABLE IF NOT EXISTS green500 (
    list_date       DATE NOT NULL,
    rank            INTEGER NOT NULL,
    top500_rank     INTEGER,
    system          VARCHAR NOT NULL,
    site            VARCHAR,
    country         VARCHAR,
    cpu_gpu         VARCHAR,
    accelerator     VARCHAR,
    cores           BIGINT,
    rmax_pflops     DOUBLE,
    power_kw        DOUBLE,
    gflops_per_watt DOUBLE NOT NULL,
    precision       VARCHAR,
    basis           VARCHAR,
    list            VARCHAR,
    source          VARCHAR NOT NULL,
    source_date     DATE,
    confidence      VARCHAR,
    note            VARCHAR,
    loaded_by       INTEGER,
    PRIMARY KEY (list_date, rank)
);

-- Carbon intensity of the grid the site draws from (location-based), one value per hour or finer.
CREATE TABLE IF NOT EXISTS grid_carbon_samples (
    ts              TIMESTAMP NOT NULL,    -- UTC, start of the hour the value holds for
    g_co2_per_kwh   DOUBLE NOT NULL,       -- gCO2(eq)/kWh
    load_id         INTEGER NOT NULL
);

-- Water meters: cumulative volume registers (m³), freshwater or not (WUE of the 2026 EU act counts
-- freshwater input only).
CREATE TABLE IF NOT EXISTS water_samples (
    ts              TIMESTAMP NOT NULL,
    meter           VARCHAR NOT NULL,
    water_m3        DOUBLE NOT NULL,       -- m³, counter
    freshwater      BOOLEAN NOT NULL,
    load_id         INTEGER NOT NULL
);

-- Loopback, container, bridge and tunnel interfaces are stored but left out of site totals (the
-- same column as the scrape readers set; a link file without it leaves false).
ALTER TABLE links ADD COLUMN IF NOT EXISTS is_virtual BOOLEAN DEFAULT false;

-- 64-bit interface counters (IF-MIB ifHCInOctets) reach 2^64 - 1: BIGINT stops at 2^63 - 1.
ALTER TABLE link_samples ALTER rx_bytes TYPE HUGEINT;
ALTER TABLE link_samples ALTER tx_bytes TYPE HUGEINT;

-- Per direction: the busiest interval's rate and the time above the saturation threshold
-- (derived_config link_saturation_pct), and counter wraps (2^32 or 2^64) apart from resets.
ALTER TABLE link_5m ADD COLUMN IF NOT EXISTS rx_peak_bps DOUBLE;
ALTER TABLE link_5m ADD COLUMN IF NOT EXISTS tx_peak_bps DOUBLE;
ALTER TABLE link_5m ADD COLUMN IF NOT EXISTS rx_seconds_above DOUBLE;
ALTER TABLE link_5m ADD COLUMN IF NOT EXISTS tx_seconds_above DOUBLE;
ALTER TABLE link_5m ADD COLUMN IF NOT EXISTS wraps INTEGER;
INSERT OR IGNORE INTO derived_config VALUES ('link_saturation_pct', 90);
-- Rollups built before this migration lack the new columns: the next writer rebuilds them.
INSERT OR REPLACE INTO derived_config
SELECT 'links_built', CASE WHEN EXISTS (SELECT 1 FROM link_5m) THEN 0 ELSE 1 END;
