-- title: Fiber-link throughput and utilization over time
-- returns: one row per bucket and link
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: bucket_minutes INTEGER = 60: bucket width in minutes
-- uses: link_intervals (queries/definitions/030_network.sql)
-- column: bucket UTC: bucket start
-- column: link text: link
-- column: capacity_gbps Gbit/s: capacity
-- column: rx_gbps Gbit/s: received
-- column: tx_gbps Gbit/s: transmitted — mean Gbit/s from byte counters
-- column: util_pct %: utilization — busier direction / capacity, %
-- column: resets count: counter resets — counter resets seen
-- Rates come from counter increases between consecutive samples (link_intervals, from the stored
-- 5-minute rollups); a counter that goes down was reset (switch reboot, 32-bit wrap) and counts from
-- 0 again, never as negative traffic; a gap of more than an hour is a gap.
SELECT time_bucket(to_minutes($bucket_minutes), i.bucket) AS bucket, l.link_name AS link, l.capacity_gbps,
       sum(i.rx_bytes) * 8 / sum(i.seconds) / 1e9 AS rx_gbps,
       sum(i.tx_bytes) * 8 / sum(i.seconds) / 1e9 AS tx_gbps,
       greatest(sum(i.rx_bytes), sum(i.tx_bytes)) * 8 / sum(i.seconds) / 1e9 / l.capacity_gbps * 100 AS util_pct,
       sum(i.resets) AS resets
FROM link_intervals($start, $end) i JOIN links l USING (link_id)
GROUP BY 1, 2, 3
ORDER BY bucket, link
