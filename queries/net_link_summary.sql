-- title: Fiber links over the range
-- returns: one row per link
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: include_virtual BOOLEAN = false: also list loopback, container, bridge and tunnel interfaces (left out of site totals by default)
-- column: link text: link
-- column: a_end text: A end
-- column: b_end text: B end
-- column: carrier text: carrier
-- column: kind text: kind
-- column: capacity_gbps Gbit/s: capacity — no data: unknown (utilisation unknown, not 0)
-- column: capacity_source text: capacity from — inventory, node_network_speed_bytes, ifHighSpeed, telemetry, or unknown
-- column: is_virtual bool: virtual — loopback, container, bridge or tunnel interface
-- column: rx_gbps_avg Gbit/s: received, mean
-- column: tx_gbps_avg Gbit/s: transmitted, mean
-- column: peak_util_pct %: peak utilization — busiest sampling interval, %
-- column: minutes_above_90pct min: time above 90 %
-- column: rx_tb TB: received
-- column: tx_tb TB: transmitted — terabytes moved, 1e12 B
-- column: resets count: counter resets — of the counters the link reports; no data when it reports none over an interval
-- Rates need a counter at both ends of an interval: a direction the link does not report (no tx
-- counter), or a single sample, gives no data for that direction, never 0.
WITH l AS (
    SELECT * FROM links WHERE $include_virtual OR NOT coalesce(is_virtual, false)
), s AS (
    SELECT link_id, ts, rx_bytes, tx_bytes,
           lag(ts) OVER w AS prev_ts, lag(rx_bytes) OVER w AS prev_rx, lag(tx_bytes) OVER w AS prev_tx
    FROM link_samples SEMI JOIN l USING (link_id)
    WHERE ts >= $start - INTERVAL 1 HOUR AND ts < $end
    WINDOW w AS (PARTITION BY link_id ORDER BY ts)
), d AS (
    SELECT link_id, epoch(ts) - epoch(prev_ts) AS dt,
           CASE WHEN rx_bytes IS NULL OR prev_rx IS NULL THEN NULL
                WHEN rx_bytes >= prev_rx THEN rx_bytes - prev_rx ELSE rx_bytes END AS drx,
           CASE WHEN tx_bytes IS NULL OR prev_tx IS NULL THEN NULL
                WHEN tx_bytes >= prev_tx THEN tx_bytes - prev_tx ELSE tx_bytes END AS dtx,
           CASE WHEN (rx_bytes IS NULL OR prev_rx IS NULL) AND (tx_bytes IS NULL OR prev_tx IS NULL) THEN NULL
                ELSE (coalesce(rx_bytes < prev_rx, false) OR coalesce(tx_bytes < prev_tx, false))::INTEGER
           END AS reset
    FROM s WHERE prev_ts IS NOT NULL AND ts >= $start
), r AS (
    SELECT d.*, greatest(drx, dtx) * 8 / dt / 1e9 / l.capacity_gbps * 100 AS util_pct
    FROM d JOIN l USING (link_id)
)
SELECT l.link_name AS link, l.a_end, l.b_end, l.carrier, l.kind, l.capacity_gbps,
       CASE WHEN l.capacity_gbps IS NULL THEN 'unknown' ELSE coalesce(l.capacity_source, 'inventory') END
           AS capacity_source,
       coalesce(l.is_virtual, false) AS is_virtual,
       sum(r.drx) * 8 / sum(r.dt) FILTER (WHERE r.drx IS NOT NULL) / 1e9 AS rx_gbps_avg,
       sum(r.dtx) * 8 / sum(r.dt) FILTER (WHERE r.dtx IS NOT NULL) / 1e9 AS tx_gbps_avg,
       max(r.util_pct) AS peak_util_pct,
       sum(r.dt) FILTER (WHERE r.util_pct > 90) / 60 AS minutes_above_90pct,
       sum(r.drx) / 1e12 AS rx_tb, sum(r.dtx) / 1e12 AS tx_tb,
       sum(r.reset) AS resets
FROM l LEFT JOIN r USING (link_id)
GROUP BY ALL
ORDER BY peak_util_pct DESC NULLS LAST, link
