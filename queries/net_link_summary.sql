-- title: Fiber links over the range
-- returns: one row per link
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- uses: link_intervals (queries/definitions/030_network.sql)
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
WITH r AS (
    SELECT link_id, sum(seconds) AS seconds, sum(rx_bytes) AS rx, sum(tx_bytes) AS tx, max(peak_bps) AS peak_bps,
           sum(seconds_above_90) AS above_90, sum(resets) AS resets
    FROM link_intervals($start, $end) GROUP BY link_id
)
SELECT l.link_name AS link, l.a_end, l.b_end, l.carrier, l.kind, l.capacity_gbps,
       r.rx * 8 / r.seconds / 1e9 AS rx_gbps_avg,
       r.tx * 8 / r.seconds / 1e9 AS tx_gbps_avg,
       r.peak_bps / 1e9 / l.capacity_gbps * 100 AS peak_util_pct,
       r.above_90 / 60 AS minutes_above_90pct,
       r.rx / 1e12 AS rx_tb, r.tx / 1e12 AS tx_tb,
       r.resets
FROM links l LEFT JOIN r USING (link_id)
ORDER BY peak_util_pct DESC NULLS LAST, link
