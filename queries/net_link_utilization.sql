-- title: Fiber-link throughput and utilization over time
-- returns: one row per bucket and link
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: bucket_minutes INTEGER = 60: bucket width in minutes
-- param: include_virtual BOOLEAN = false: also chart loopback, container, bridge and tunnel interfaces (left out of site totals by default)
-- column: bucket UTC: bucket start — UTC start
-- column: link text: link
-- column: capacity_gbps Gbit/s: capacity — no data: unknown
-- column: rx_gbps Gbit/s: received
-- column: tx_gbps Gbit/s: transmitted — mean Gbit/s from byte counters
-- column: util_pct %: busy — busier direction / capacity, %; no data when the capacity is unknown
-- column: resets count: counter resets — counter resets seen
-- Rates come from counter increases between consecutive samples; a counter that goes down was
-- reset (switch reboot, 32-bit wrap) and counts from 0 again, never as negative traffic. A
-- direction without a counter at both ends of an interval gives no data, never 0.
WITH l AS (
    SELECT * FROM links WHERE $include_virtual OR NOT coalesce(is_virtual, false)
), s AS (
    SELECT link_id, ts, rx_bytes, tx_bytes,
           lag(ts)       OVER w AS prev_ts,
           lag(rx_bytes) OVER w AS prev_rx,
           lag(tx_bytes) OVER w AS prev_tx
    FROM link_samples SEMI JOIN l USING (link_id)
    WHERE ts >= $start - INTERVAL 1 HOUR AND ts < $end
    WINDOW w AS (PARTITION BY link_id ORDER BY ts)
), d AS (
    SELECT link_id, ts, epoch(ts) - epoch(prev_ts) AS dt,
           CASE WHEN rx_bytes IS NULL OR prev_rx IS NULL THEN NULL
                WHEN rx_bytes >= prev_rx THEN rx_bytes - prev_rx ELSE rx_bytes END AS drx,
           CASE WHEN tx_bytes IS NULL OR prev_tx IS NULL THEN NULL
                WHEN tx_bytes >= prev_tx THEN tx_bytes - prev_tx ELSE tx_bytes END AS dtx,
           CASE WHEN (rx_bytes IS NULL OR prev_rx IS NULL) AND (tx_bytes IS NULL OR prev_tx IS NULL) THEN NULL
                ELSE (coalesce(rx_bytes < prev_rx, false) OR coalesce(tx_bytes < prev_tx, false))::INTEGER
           END AS reset
    FROM s WHERE prev_ts IS NOT NULL AND ts >= $start
)
SELECT time_bucket(to_minutes($bucket_minutes), d.ts) AS bucket, l.link_name AS link, l.capacity_gbps,
       sum(d.drx) * 8 / sum(d.dt) FILTER (WHERE d.drx IS NOT NULL) / 1e9 AS rx_gbps,
       sum(d.dtx) * 8 / sum(d.dt) FILTER (WHERE d.dtx IS NOT NULL) / 1e9 AS tx_gbps,
       greatest(sum(d.drx) * 8 / sum(d.dt) FILTER (WHERE d.drx IS NOT NULL),
                sum(d.dtx) * 8 / sum(d.dt) FILTER (WHERE d.dtx IS NOT NULL)) / 1e9 / l.capacity_gbps * 100 AS util_pct,
       sum(d.reset) AS resets
FROM d JOIN l USING (link_id)
GROUP BY 1, 2, 3
ORDER BY bucket, link
