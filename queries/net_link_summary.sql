-- title: Fiber links over the range
-- returns: one row per link
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- column: link text: link
-- column: a_end text: A end
-- column: b_end text: B end
-- column: carrier text: carrier
-- column: kind text: kind
-- column: capacity_gbps Gbit/s: capacity
-- column: rx_gbps_avg Gbit/s: received, mean
-- column: tx_gbps_avg Gbit/s: transmitted, mean
-- column: peak_util_pct %: peak utilization — busiest sampling interval, %
-- column: minutes_above_90pct min: time above 90 %
-- column: rx_tb TB: received
-- column: tx_tb TB: transmitted — terabytes moved, 1e12 B
-- column: resets count: counter resets
WITH s AS (
    SELECT link_id, ts, rx_bytes, tx_bytes,
           lag(ts) OVER w AS prev_ts, lag(rx_bytes) OVER w AS prev_rx, lag(tx_bytes) OVER w AS prev_tx
    FROM link_samples WHERE ts >= $start - INTERVAL 1 HOUR AND ts < $end
    WINDOW w AS (PARTITION BY link_id ORDER BY ts)
), d AS (
    SELECT link_id, epoch(ts) - epoch(prev_ts) AS dt,
           CASE WHEN rx_bytes >= prev_rx THEN rx_bytes - prev_rx ELSE rx_bytes END AS drx,
           CASE WHEN tx_bytes >= prev_tx THEN tx_bytes - prev_tx ELSE tx_bytes END AS dtx,
           (rx_bytes < prev_rx OR tx_bytes < prev_tx)::INTEGER AS reset
    FROM s WHERE prev_ts IS NOT NULL AND ts >= $start
), r AS (
    SELECT d.*, greatest(drx, dtx) * 8 / dt / 1e9 / l.capacity_gbps * 100 AS util_pct
    FROM d JOIN links l USING (link_id)
)
SELECT l.link_name AS link, l.a_end, l.b_end, l.carrier, l.kind, l.capacity_gbps,
       sum(r.drx) * 8 / sum(r.dt) / 1e9 AS rx_gbps_avg,
       sum(r.dtx) * 8 / sum(r.dt) / 1e9 AS tx_gbps_avg,
       max(r.util_pct) AS peak_util_pct,
       sum(r.dt) FILTER (WHERE r.util_pct > 90) / 60 AS minutes_above_90pct,
       sum(r.drx) / 1e12 AS rx_tb, sum(r.dtx) / 1e12 AS tx_tb,
       sum(r.reset) AS resets
FROM links l LEFT JOIN r USING (link_id)
GROUP BY ALL
ORDER BY peak_util_pct DESC NULLS LAST, link
