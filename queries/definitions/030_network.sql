-- Definitions: link traffic from byte counters (node_exporter, SNMP IF-MIB), applied as TEMP on
-- every connection (dashboard/store.py). docs/network.md explains the rules.

-- counter_wrap(cur, prev) → HUGEINT: the counter's range (2^64 or 2^32) when a decrease from prev to
-- cur is a wrap, i.e. prev was in the top eighth of that range (a 64-bit counter at 2^64 · 7/8 or
-- above; a 32-bit counter, ifInOctets, between 2^32 · 7/8 and 2^32); NULL for any other change.
CREATE OR REPLACE TEMP MACRO counter_wrap(cur, prev) AS
    CASE WHEN cur < prev AND prev >= 16140901064495857664 THEN 18446744073709551616
         WHEN cur < prev AND prev >= 3758096384 AND prev < 4294967296 THEN 4294967296 END;

-- counter_delta(cur, prev) → HUGEINT: the counter's increase from prev to cur. A wrap adds what was
-- left up to the range (cur + 2^N - prev); any other decrease is a reset (reboot, module swap) and
-- counts from 0 again (cur), never as negative traffic; NULL where either value is missing.
CREATE OR REPLACE TEMP MACRO counter_delta(cur, prev) AS
    CASE WHEN cur IS NULL OR prev IS NULL THEN NULL
         WHEN cur >= prev THEN cur - prev
         WHEN counter_wrap(cur, prev) IS NOT NULL THEN cur + counter_wrap(cur, prev) - prev
         ELSE cur END;

-- link_sample_rows(t0, t1) → TABLE
-- One row per link sample with t0 <= ts < t1 whose previous sample of the link is at most an hour
-- earlier (a longer gap is a gap, not one long interval): link_id, ts (UTC, the interval's end),
-- dt (s), drx, dtx (bytes received / transmitted in the interval, counter_delta: a wrap adds what
-- was left up to the counter's range, any other decrease is a reset counted from 0, never negative
-- traffic; NULL where the counter is missing at either end: a direction a link does not report
-- gives no data, never 0), reset (1 when a counter went down and did not wrap; NULL when neither
-- direction has a counter at both ends), wrap (1 when a counter wrapped).
CREATE OR REPLACE TEMP MACRO link_sample_rows(t0, t1) AS TABLE
    SELECT link_id, ts, epoch(ts) - epoch(prev_ts) AS dt,
           counter_delta(rx_bytes, prev_rx) AS drx,
           counter_delta(tx_bytes, prev_tx) AS dtx,
           CASE WHEN (rx_bytes IS NULL OR prev_rx IS NULL) AND (tx_bytes IS NULL OR prev_tx IS NULL) THEN NULL
                ELSE coalesce((rx_bytes < prev_rx AND counter_wrap(rx_bytes, prev_rx) IS NULL)
                              OR (tx_bytes < prev_tx AND counter_wrap(tx_bytes, prev_tx) IS NULL), false)::INTEGER
           END AS reset,
           coalesce(counter_wrap(rx_bytes, prev_rx) IS NOT NULL
                    OR counter_wrap(tx_bytes, prev_tx) IS NOT NULL, false)::INTEGER AS wrap
    FROM (SELECT link_id, ts, rx_bytes, tx_bytes,
                 lag(ts) OVER w AS prev_ts, lag(rx_bytes) OVER w AS prev_rx, lag(tx_bytes) OVER w AS prev_tx
          FROM link_samples
          WHERE ts >= t0 - INTERVAL 1 HOUR AND ts < t1 AND t0 < t1
          WINDOW w AS (PARTITION BY link_id ORDER BY ts))
    WHERE ts >= t0 AND prev_ts IS NOT NULL AND ts - prev_ts <= INTERVAL 1 HOUR AND ts > prev_ts;

-- link_saturated(bytes, dt, capacity_gbps, pct) → BOOLEAN: an interval that moved `bytes` in `dt`
-- seconds ran above pct % of the capacity (NULL when the capacity is unknown).
CREATE OR REPLACE TEMP MACRO link_saturated(bytes, dt, capacity_gbps, pct) AS
    bytes * 8 / dt > pct / 100 * capacity_gbps * 1e9;

-- link_interval_rows(t0, t1) → TABLE
-- The rows of table link_5m computed from the samples (columns as there), intervals attributed to
-- the 5-minute bucket of their end. Per direction: the busiest interval's rate (bit/s) and the
-- seconds of intervals above derived('link_saturation_pct') of the capacity (NULL when the capacity
-- is unknown); peak_bps and seconds_above_90 take the busier direction (90 % fixed).
CREATE OR REPLACE TEMP MACRO link_interval_rows(t0, t1) AS TABLE
    SELECT time_bucket(INTERVAL 5 MINUTE, r.ts) AS bucket, r.link_id, count(r.reset)::INTEGER AS intervals,
           sum(r.dt) FILTER (WHERE r.reset IS NOT NULL) AS seconds,
           sum(r.dt) FILTER (WHERE r.drx IS NOT NULL) AS rx_seconds,
           sum(r.dt) FILTER (WHERE r.dtx IS NOT NULL) AS tx_seconds,
           sum(r.drx)::DOUBLE AS rx_bytes, sum(r.dtx)::DOUBLE AS tx_bytes,
           max(greatest(r.drx, r.dtx) * 8 / r.dt) AS peak_bps,
           coalesce(sum(r.dt) FILTER (WHERE greatest(r.drx, r.dtx) * 8 / r.dt > 0.9 * l.capacity_gbps * 1e9), 0) AS seconds_above_90,
           sum(r.reset)::INTEGER AS resets,
           max(r.drx * 8 / r.dt) AS rx_peak_bps, max(r.dtx * 8 / r.dt) AS tx_peak_bps,
           CASE WHEN any_value(l.capacity_gbps) IS NOT NULL
                THEN coalesce(sum(r.dt) FILTER (WHERE link_saturated(r.drx, r.dt, l.capacity_gbps, derived('link_saturation_pct'))), 0)
           END AS rx_seconds_above,
           CASE WHEN any_value(l.capacity_gbps) IS NOT NULL
                THEN coalesce(sum(r.dt) FILTER (WHERE link_saturated(r.dtx, r.dt, l.capacity_gbps, derived('link_saturation_pct'))), 0)
           END AS tx_seconds_above,
           sum(r.wrap)::INTEGER AS wraps
    FROM link_sample_rows(t0, t1) r JOIN links l USING (link_id)
    WHERE r.reset IS NOT NULL
    GROUP BY ALL;

-- link_intervals(t0, t1) → TABLE
-- The link_5m rows that make up [t0, t1): whole 5-minute buckets from the table, the partial ones
-- at either end from the samples inside the range.
CREATE OR REPLACE TEMP MACRO link_intervals(t0, t1) AS TABLE
    SELECT * FROM link_interval_rows(t0, least(ceil_to(t0, 5), t1))
    UNION ALL BY NAME
    SELECT * FROM link_5m
    WHERE bucket >= least(ceil_to(t0, 5), t1) AND bucket < greatest(floor_to(t1, 5), least(ceil_to(t0, 5), t1))
    UNION ALL BY NAME
    SELECT * FROM link_interval_rows(greatest(floor_to(t1, 5), least(ceil_to(t0, 5), t1)), t1);

-- link_directions(t0, t1, saturation_pct) → TABLE
-- Per link, direction ('in' = received at the link's A end, the site's side; 'out' = transmitted)
-- and 5-minute bucket of [t0, t1): seconds (covered by intervals), bytes, peak_bps (busiest
-- interval, bit/s), seconds_above (intervals above saturation_pct % of the capacity; NULL when the
-- capacity is unknown), resets, wraps. From the stored rollups when saturation_pct is the one they
-- were built with (derived('link_saturation_pct')), else from the samples (slower, same rule).
CREATE OR REPLACE TEMP MACRO link_directions(t0, t1, saturation_pct) AS TABLE
    WITH stored AS (
        SELECT * FROM link_intervals(t0, t1)
        WHERE saturation_pct = getvariable('derived_link_saturation_pct')
    ),
    counted AS (
        SELECT time_bucket(INTERVAL 5 MINUTE, r.ts) AS bucket, r.link_id,
               sum(r.dt) FILTER (WHERE r.drx IS NOT NULL) AS rx_seconds,
               sum(r.dt) FILTER (WHERE r.dtx IS NOT NULL) AS tx_seconds,
               sum(r.drx)::DOUBLE AS rx_bytes, sum(r.dtx)::DOUBLE AS tx_bytes,
               max(r.drx * 8 / r.dt) AS rx_peak_bps, max(r.dtx * 8 / r.dt) AS tx_peak_bps,
               CASE WHEN any_value(l.capacity_gbps) IS NOT NULL
                    THEN coalesce(sum(r.dt) FILTER (WHERE link_saturated(r.drx, r.dt, l.capacity_gbps, saturation_pct)), 0)
               END AS rx_seconds_above,
               CASE WHEN any_value(l.capacity_gbps) IS NOT NULL
                    THEN coalesce(sum(r.dt) FILTER (WHERE link_saturated(r.dtx, r.dt, l.capacity_gbps, saturation_pct)), 0)
               END AS tx_seconds_above,
               sum(r.reset)::INTEGER AS resets, sum(r.wrap)::INTEGER AS wraps
        FROM link_sample_rows(t0, t1) r JOIN links l USING (link_id)
        WHERE saturation_pct <> getvariable('derived_link_saturation_pct')
          AND r.reset IS NOT NULL
        GROUP BY ALL
    ),
    b AS (
        SELECT bucket, link_id, rx_seconds, tx_seconds, rx_bytes, tx_bytes, rx_peak_bps, tx_peak_bps,
               rx_seconds_above, tx_seconds_above, resets, wraps FROM stored
        UNION ALL BY NAME
        SELECT * FROM counted
    )
    SELECT bucket, link_id, 'in' AS direction, rx_seconds AS seconds, rx_bytes AS bytes, rx_peak_bps AS peak_bps,
           rx_seconds_above AS seconds_above, resets, wraps FROM b
    UNION ALL
    SELECT bucket, link_id, 'out' AS direction, tx_seconds AS seconds, tx_bytes AS bytes, tx_peak_bps AS peak_bps,
           tx_seconds_above AS seconds_above, resets, wraps FROM b;
