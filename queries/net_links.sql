-- title: Links per direction: rate, utilisation, p95 and peak, time above the saturation threshold, data moved, busiest first
-- returns: one row per link and direction (in, out), ranked by p95 utilisation
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: saturation_pct DOUBLE = 90: an interval above this percentage of the capacity is saturated (settings [network] saturation_pct)
-- param: include_virtual BOOLEAN = false: also list loopback, container, bridge and tunnel interfaces (links.is_virtual)
-- uses: link_directions, link_sample_rows, counter_delta (queries/definitions/030_network.sql)
-- column: rank count: rank — by p95 utilisation (by p95 rate where the capacity is unknown), busiest first
-- column: link text: link
-- column: direction text: direction — in: received at the link's A end (the site's side), out: transmitted
-- column: kind text: kind
-- column: a_end text: A end
-- column: b_end text: B end
-- column: capacity_gbps Gbit/s: capacity — no data: unknown, so utilisation is unknown (never 0)
-- column: is_virtual bool: virtual — loopback, container, bridge or tunnel interface; never in site totals
-- column: mean_gbps Gbit/s: rate, mean — bytes moved / time covered
-- column: mean_util_pct %: utilisation, mean — mean rate / capacity
-- column: p95_gbps Gbit/s: rate, p95 — 95th percentile of the 5-minute mean rates (the usual burstable-billing measure)
-- column: p95_util_pct %: utilisation, p95
-- column: peak_gbps Gbit/s: rate, peak — busiest sampling interval
-- column: peak_util_pct %: utilisation, peak
-- column: minutes_above min: time saturated — length of the sampling intervals above saturation_pct of the capacity
-- column: saturation_pct %: saturation threshold
-- column: tb TB: data moved — terabytes, 1e12 B
-- column: hours h: covered — time covered by sampling intervals (a gap of more than an hour is not covered)
-- column: resets count: counter resets — the link's counters went down without wrapping (restart): counted from 0, never negative
-- column: wraps count: counter wraps — a counter passed 2^64 (or 2^32) and started again: the increase is what was left to the limit plus the new value
-- Counter increases between consecutive samples at most an hour apart, attributed to the 5-minute
-- bucket of the interval's end (link_5m rollups; the partial buckets at the range's ends from the
-- samples). A direction whose counter is missing has no data, not 0.
WITH l AS (
    SELECT * FROM links WHERE $include_virtual OR NOT coalesce(is_virtual, false)
),
b AS (
    SELECT d.*, d.bytes * 8 / nullif(d.seconds, 0) AS bps
    FROM link_directions($start, $end, $saturation_pct) d SEMI JOIN l USING (link_id)
),
agg AS (
    SELECT link_id, direction,
           sum(bytes) AS bytes, sum(seconds) FILTER (WHERE bytes IS NOT NULL) AS seconds,
           quantile_cont(bps, 0.95) AS p95_bps, max(peak_bps) AS peak_bps,
           sum(seconds_above) AS seconds_above, sum(resets) AS resets, sum(wraps) AS wraps
    FROM b GROUP BY link_id, direction
),
rows AS (
    SELECT l.link_name AS link, dir.direction, l.kind, l.a_end, l.b_end, l.capacity_gbps,
           coalesce(l.is_virtual, false) AS is_virtual,
           a.bytes * 8 / nullif(a.seconds, 0) / 1e9 AS mean_gbps,
           a.bytes * 8 / nullif(a.seconds, 0) / 1e9 / l.capacity_gbps * 100 AS mean_util_pct,
           a.p95_bps / 1e9 AS p95_gbps, a.p95_bps / 1e9 / l.capacity_gbps * 100 AS p95_util_pct,
           a.peak_bps / 1e9 AS peak_gbps, a.peak_bps / 1e9 / l.capacity_gbps * 100 AS peak_util_pct,
           CASE WHEN l.capacity_gbps IS NOT NULL THEN coalesce(a.seconds_above, 0) / 60 END AS minutes_above,
           $saturation_pct AS saturation_pct,
           a.bytes / 1e12 AS tb, a.seconds / 3600 AS hours, a.resets, a.wraps
    FROM l CROSS JOIN (VALUES ('in'), ('out')) dir(direction)
    LEFT JOIN agg a ON a.link_id = l.link_id AND a.direction = dir.direction
)
SELECT row_number() OVER (ORDER BY p95_util_pct DESC NULLS LAST, p95_gbps DESC NULLS LAST, link, direction) AS rank, *
FROM rows
ORDER BY rank
