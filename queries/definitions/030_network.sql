-- Definitions: link traffic from byte counters (node_exporter, SNMP IF-MIB), applied as TEMP on
-- every connection (dashboard/store.py).

-- link_sample_rows(t0, t1) → TABLE
-- One row per link sample with t0 <= ts < t1 whose previous sample of the link is at most an hour
-- earlier (a longer gap is a gap, not one long interval): link_id, ts (UTC, the interval's end),
-- dt (s), drx, dtx (bytes received / transmitted in the interval; a counter that went down was reset
-- and counts from 0 again, never as negative traffic; NULL where the counter is missing), reset
-- (1 when either counter went down).
CREATE OR REPLACE TEMP MACRO link_sample_rows(t0, t1) AS TABLE
    SELECT link_id, ts, epoch(ts) - epoch(prev_ts) AS dt,
           CASE WHEN rx_bytes >= prev_rx THEN rx_bytes - prev_rx ELSE rx_bytes END AS drx,
           CASE WHEN tx_bytes >= prev_tx THEN tx_bytes - prev_tx ELSE tx_bytes END AS dtx,
           coalesce(rx_bytes < prev_rx OR tx_bytes < prev_tx, false)::INTEGER AS reset
    FROM (SELECT link_id, ts, rx_bytes, tx_bytes,
                 lag(ts) OVER w AS prev_ts, lag(rx_bytes) OVER w AS prev_rx, lag(tx_bytes) OVER w AS prev_tx
          FROM link_samples
          WHERE ts >= t0 - INTERVAL 1 HOUR AND ts < t1 AND t0 < t1
          WINDOW w AS (PARTITION BY link_id ORDER BY ts))
    WHERE ts >= t0 AND prev_ts IS NOT NULL AND ts - prev_ts <= INTERVAL 1 HOUR AND ts > prev_ts;

-- link_interval_rows(t0, t1) → TABLE
-- The rows of table link_5m computed from the samples (columns as there), intervals attributed to
-- the 5-minute bucket of their end.
CREATE OR REPLACE TEMP MACRO link_interval_rows(t0, t1) AS TABLE
    SELECT time_bucket(INTERVAL 5 MINUTE, r.ts) AS bucket, r.link_id, count(*)::INTEGER AS intervals,
           sum(r.dt) AS seconds, sum(r.drx) AS rx_bytes, sum(r.dtx) AS tx_bytes,
           max(greatest(r.drx, r.dtx) * 8 / r.dt) AS peak_bps,
           coalesce(sum(r.dt) FILTER (WHERE greatest(r.drx, r.dtx) * 8 / r.dt > 0.9 * l.capacity_gbps * 1e9), 0) AS seconds_above_90,
           sum(r.reset)::INTEGER AS resets
    FROM link_sample_rows(t0, t1) r JOIN links l USING (link_id)
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
