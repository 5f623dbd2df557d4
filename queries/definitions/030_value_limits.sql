-- Definitions: what a stored measurement may be, written once. The ingest checks
-- (queries/ingest/*_check.sql) reject a staged row when one of its values breaks these rules, and
-- the OpenMetrics reader applies the same macros to each sample line before it pivots lines into
-- rows, so that one impossible line is rejected alone (dashboard/ingest/openmetrics.py).
-- Each macro returns NULL when the value may be stored, else the reason, naming the field and the
-- value; NaN and ±Inf are never a measurement. Ceilings are physical limits with a margin: a value
-- above one is almost always a unit mistake, and the reason says which. docs/real-inputs.md lists them.
-- Macro parameters shadow column names inside a macro: never name a parameter after a column.

-- value_label(v) → VARCHAR: the value as a reason shows it (NaN, +Inf, -Inf spelled as OpenMetrics does).
CREATE OR REPLACE TEMP MACRO value_label(v) AS
    CASE WHEN isnan(CAST(v AS DOUBLE)) THEN 'NaN'
         WHEN isinf(CAST(v AS DOUBLE)) THEN CASE WHEN v > 0 THEN '+Inf' ELSE '-Inf' END
         ELSE CAST(v AS VARCHAR) END;

-- gpu_value_problem(field, v) → VARCHAR: one gpu_samples value (field = its column name).
CREATE OR REPLACE TEMP MACRO gpu_value_problem(field, v) AS
    CASE
        WHEN v IS NULL THEN NULL
        WHEN NOT isfinite(CAST(v AS DOUBLE)) THEN field || ' ' || value_label(v) || ' is not a number'
        WHEN field = 'util' AND (v < 0 OR v > 100) THEN 'util ' || v || ' is outside 0..100 %'
        WHEN field IN ('tensor_active', 'fp64_active', 'sm_active') AND (v < 0 OR v > 1)
            THEN field || ' ' || v || ' is outside the ratio 0..1'
                 || CASE WHEN v <= 100 THEN ' (percent given?)' ELSE '' END
        WHEN field = 'power_w' AND v < 0 THEN 'negative power ' || v || ' W'
        WHEN field = 'power_w' AND v > 5000
            THEN 'power ' || v || ' W is implausible for one GPU (over 5 kW: mW given as W?)'
        WHEN field = 'energy_j' AND v < 0 THEN 'negative energy counter ' || v || ' J'
        -- 1e12 J is 1 kW for 31 years: a counter above it was given in mJ (as dcgm-exporter exposes it) as J
        WHEN field = 'energy_j' AND v > 1e12
            THEN 'energy counter ' || v || ' J is implausible for one GPU (over 1e12 J, 31 years at 1 kW: mJ given as J?)'
        WHEN field = 'temp_c' AND (v < -40 OR v > 150) THEN 'temperature ' || v || ' degC is outside -40..150'
        WHEN field = 'sm_clock_mhz' AND (v < 0 OR v > 5000)
            THEN 'SM clock ' || v || ' MHz is outside 0..5000 (Hz or GHz given?)'
        WHEN field = 'xid' AND v < 0 THEN 'negative XID code ' || v
        -- NVIDIA's XID catalog lists codes below 200; 1000 leaves room for new ones
        WHEN field = 'xid' AND v > 999 THEN 'XID code ' || v || ' is not an XID code (0..999)'
    END;

-- meter_value_problem(field, v) → VARCHAR: one meter_samples value.
CREATE OR REPLACE TEMP MACRO meter_value_problem(field, v) AS
    CASE
        WHEN v IS NULL THEN NULL
        WHEN NOT isfinite(CAST(v AS DOUBLE)) THEN field || ' ' || value_label(v) || ' is not a number'
        WHEN field = 'power_kw' AND v < 0 THEN 'negative power ' || v || ' kW'
        -- 10 GW through one meter is beyond any site built or announced
        WHEN field = 'power_kw' AND v > 1e7
            THEN 'power ' || v || ' kW is implausible for one meter (over 10 GW: W given as kW?)'
        WHEN field = 'energy_kwh' AND v < 0 THEN 'negative energy counter ' || v || ' kWh'
        WHEN field = 'energy_kwh' AND v > 1e13
            THEN 'energy counter ' || v || ' kWh is implausible for one meter (over 10 GW for 100 years: Wh given as kWh?)'
    END;

-- link_value_problem(field, v) → VARCHAR: one link_samples or links value (byte counters, capacity).
CREATE OR REPLACE TEMP MACRO link_value_problem(field, v) AS
    CASE
        WHEN v IS NULL THEN NULL
        WHEN NOT isfinite(CAST(v AS DOUBLE)) THEN field || ' ' || value_label(v) || ' is not a number'
        WHEN field IN ('rx_bytes', 'tx_bytes') AND v < 0 THEN 'negative byte counter'
        WHEN field IN ('rx_bytes', 'tx_bytes') AND v > 18446744073709551615
            THEN 'byte counter above 2^64-1 (not a 64-bit interface counter)'
        WHEN field = 'capacity_gbps' AND v <= 0 THEN 'capacity ' || v || ' Gbit/s is not positive'
        WHEN field = 'capacity_gbps' AND v > 1000000
            THEN 'capacity ' || v || ' Gbit/s is implausible (Mbit/s given?)'
    END;
