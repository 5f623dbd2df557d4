-- title: Fiber links over the range
-- returns: one row per link
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: include_virtual BOOLEAN = false: also list loopback, container, bridge and tunnel interfaces (left out of site totals by default)
-- uses: link_intervals (queries/definitions/030_network.sql)
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
), r AS (
    SELECT link_id, sum(rx_seconds) AS rx_seconds, sum(tx_seconds) AS tx_seconds, sum(rx_bytes) AS rx,
           sum(tx_bytes) AS tx, max(peak_bps) AS peak_bps, sum(seconds_above_90) AS above_90,
           sum(resets) AS resets
    FROM link_intervals($start, $end) GROUP BY link_id
)
SELECT l.link_name AS link, l.a_end, l.b_end, l.carrier, l.kind, l.capacity_gbps,
       CASE WHEN l.capacity_gbps IS NULL THEN 'unknown' ELSE coalesce(l.capacity_source, 'inventory') END
           AS capacity_source,
       coalesce(l.is_virtual, false) AS is_virtual,
       r.rx * 8 / r.rx_seconds / 1e9 AS rx_gbps_avg,
       r.tx * 8 / r.tx_seconds / 1e9 AS tx_gbps_avg,
       r.peak_bps / 1e9 / l.capacity_gbps * 100 AS peak_util_pct,
       r.above_90 / 60 AS minutes_above_90pct,
       r.rx / 1e12 AS rx_tb, r.tx / 1e12 AS tx_tb,
       r.resets
FROM l LEFT JOIN r USING (link_id)
ORDER BY peak_util_pct DESC NULLS LAST, link
