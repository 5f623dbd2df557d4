-- Migration 009: peer figures for the Context page, and the vocabulary a peer figure must use.
-- `peers` is filled from queries/reference/peers.csv through the ingest log (record kind `peers`,
-- dashboard/ingest/reference.py) and revised by ingesting a CSV with the same columns: a row with a
-- stored row_id replaces it, a new row_id adds a figure. The check (queries/ingest/peers_check.sql)
-- rejects a row whose metric, unit or precision is not listed below, or whose source is not a URL.
-- See docs/peers.md.

-- What each metric measures. `quantity` says which comparison a figure can enter; `basis` (FLOPS
-- only) says what kind of FLOPS figure it is: measured (an HPL run), peak (theoretical: TOP500
-- Rpeak, or count x per-chip datasheet peak), stated (a claim or target as an operator or vendor
-- put it). A metric that implies a precision or sparsity names it; a row that says otherwise is
-- rejected. `compared`: the figure enters the per-peer comparison (an opening-day count or a
-- planned power does not describe the peer as it stands).
CREATE TABLE IF NOT EXISTS peer_metrics (
    metric          VARCHAR PRIMARY KEY,
    quantity        VARCHAR NOT NULL,      -- flops | accelerators | power | investment | other
    basis           VARCHAR,               -- flops: measured | peak | stated
    precision       VARCHAR,               -- implied precision (NULL: as the row states it)
    sparsity        VARCHAR,               -- implied sparsity (NULL: as the row states it)
    derived         BOOLEAN NOT NULL,      -- computed for this file (count x per-chip peak), not stated by a source
    compared        BOOLEAN NOT NULL,
    meaning         VARCHAR NOT NULL
);

INSERT OR IGNORE INTO peer_metrics VALUES
    ('accelerator_count', 'accelerators', NULL, NULL, NULL, false, true, 'number of GPUs/TPUs/accelerators'),
    ('accelerator_count_alt', 'accelerators', NULL, NULL, NULL, false, true, 'number of accelerators, a conflicting report'),
    ('accelerator_count_at_opening', 'accelerators', NULL, NULL, NULL, false, false, 'number of accelerators at opening'),
    ('accelerator_count_per_site', 'accelerators', NULL, NULL, NULL, false, true, 'number of accelerators per site of a programme'),
    ('announced', 'other', NULL, NULL, NULL, false, false, 'date announced'),
    ('claim_capacity_share', 'other', NULL, NULL, NULL, false, false, 'a claimed share of a capacity'),
    ('floor_area', 'other', NULL, NULL, NULL, false, false, 'floor area'),
    ('investment', 'investment', NULL, NULL, NULL, false, true, 'money invested or committed'),
    ('memory', 'other', NULL, NULL, NULL, false, false, 'working memory'),
    ('note', 'other', NULL, NULL, NULL, false, false, 'a free note'),
    ('perf_claim', 'flops', 'stated', NULL, NULL, false, true, 'performance as an operator or vendor states it'),
    ('perf_claim_2023', 'flops', 'stated', NULL, NULL, false, true, 'performance as stated in the 2023 announcement'),
    ('perf_claim_fp64', 'flops', 'stated', 'fp64', NULL, false, true, 'FP64 performance as stated'),
    ('perf_derived_bf16_dense', 'flops', 'peak', 'bf16', 'dense', true, true, 'BF16 dense peak: count x per-chip datasheet peak'),
    ('perf_derived_fp4_sparse', 'flops', 'peak', 'fp4', 'sparse', true, true, 'FP4 sparse peak: count x per-chip datasheet peak'),
    ('perf_derived_fp64_peak', 'flops', 'peak', 'fp64', 'dense', true, true, 'FP64 peak: count x per-chip datasheet peak'),
    ('perf_derived_fp8_dense', 'flops', 'peak', 'fp8', 'dense', true, true, 'FP8 dense peak: count x per-chip datasheet peak'),
    ('perf_derived_hpl_estimate', 'flops', 'measured', 'fp64', 'dense', true, true, 'HPL Rmax estimate: FP64 peak x the Rmax/Rpeak ratio of TOP500 #1-#4'),
    ('perf_rmax', 'flops', 'measured', 'fp64', 'dense', false, true, 'TOP500 HPL Rmax, measured'),
    ('perf_rpeak', 'flops', 'peak', 'fp64', 'dense', false, true, 'TOP500 Rpeak, theoretical'),
    ('perf_rpeak_system', 'flops', 'peak', 'fp64', 'dense', false, true, 'TOP500 Rpeak of all partitions'),
    ('perf_target', 'flops', 'stated', NULL, NULL, false, true, 'a performance target'),
    ('plan', 'other', NULL, NULL, NULL, false, false, 'a plan'),
    ('power_density', 'other', NULL, NULL, NULL, false, false, 'power per rack'),
    ('power_mw', 'power', NULL, NULL, NULL, false, true, 'power (TOP500: during the HPL run; sites: as the source states)'),
    ('power_mw_planned', 'power', NULL, NULL, NULL, false, false, 'planned power'),
    ('sites', 'other', NULL, NULL, NULL, false, false, 'number of sites'),
    ('storage', 'other', NULL, NULL, NULL, false, false, 'storage'),
    ('systems', 'other', NULL, NULL, NULL, false, false, 'number of systems'),
    ('utilisation_at_opening', 'other', NULL, NULL, NULL, false, false, 'capacity booked at opening');

-- The units a peer figure may be written in, and the factor to the product's base unit of its
-- quantity (TFLOPS, kW, accelerators, EUR); NULL: not converted (the figure is listed, never placed
-- on an axis).
CREATE TABLE IF NOT EXISTS peer_units (
    unit            VARCHAR PRIMARY KEY,
    quantity        VARCHAR NOT NULL,      -- flops | accelerators | power | investment | other
    factor          DOUBLE                 -- value x factor = value in TFLOPS, kW, accelerators or EUR
);

INSERT OR IGNORE INTO peer_units VALUES
    ('PFLOP/s', 'flops', 1e3), ('EFLOP/s', 'flops', 1e6), ('ZFLOP/s', 'flops', 1e9),
    ('MW', 'power', 1e3), ('kW/rack', 'other', NULL),
    ('accelerators', 'accelerators', 1), ('systems', 'other', NULL), ('sites', 'other', NULL),
    ('count', 'other', NULL), ('bn EUR', 'investment', 1e9), ('PB', 'other', NULL),
    ('m2', 'other', NULL), ('%', 'other', NULL), ('ratio', 'other', NULL), ('date', 'other', NULL),
    ('year', 'other', NULL);

-- Numeric precisions, widest first (the order pages list them in).
CREATE TABLE IF NOT EXISTS peer_precisions (
    precision       VARCHAR PRIMARY KEY,
    ord             INTEGER NOT NULL
);

INSERT OR IGNORE INTO peer_precisions VALUES
    ('fp64', 1), ('fp32', 2), ('tf32', 3), ('bf16', 4), ('fp16', 5), ('fp8', 6), ('int8', 7), ('fp4', 8);

-- One sourced figure per row, as queries/reference/peers.csv holds it (docs/peers.md); `group` of
-- the file is `peer_group` here. `value` is the source's own text; value_low/value_high are its
-- numbers in `unit`.
CREATE TABLE IF NOT EXISTS peers (
    row_id          VARCHAR PRIMARY KEY,
    peer_id         VARCHAR NOT NULL,
    peer            VARCHAR NOT NULL,
    operator        VARCHAR,
    country         VARCHAR,
    peer_group      VARCHAR NOT NULL,
    status          VARCHAR,
    status_date     VARCHAR,
    accelerator     VARCHAR,
    metric          VARCHAR NOT NULL,
    value           VARCHAR,
    unit            VARCHAR,
    precision       VARCHAR,
    sparsity        VARCHAR,
    basis           VARCHAR,               -- what the number is, in the file's words
    source          VARCHAR NOT NULL,      -- URL(s), separated by ' ; '
    source_kind     VARCHAR NOT NULL,      -- primary, press (...), secondary, derived (...)
    confidence      VARCHAR,
    note            VARCHAR,
    value_low       DOUBLE,
    value_high      DOUBLE,
    unit_note       VARCHAR,
    inferred        VARCHAR,
    source_note     VARCHAR,
    load_id         INTEGER                -- the load that stored this version of the row
);
