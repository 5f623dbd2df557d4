-- title: Data into and out of the site per period, over the external links
-- returns: one row per period (hour, day, month, year, or all for the range) with traffic
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: period VARCHAR = day: hour, day, month, year, or all (one row for the range)
-- param: external_kinds VARCHAR = uplink,dci,transit,peering,internet: link kinds that carry traffic into and out of the site, comma-separated (settings [network] external_kinds)
-- uses: link_intervals (queries/definitions/030_network.sql)
-- column: period UTC: period — start of the period, UTC (the range's start for all)
-- column: in_tb TB: data in — bytes received on the external links' site ends (EED: incoming data traffic)
-- column: out_tb TB: data out — bytes transmitted (EED: outgoing data traffic)
-- column: in_gbps Gbit/s: in, mean — sum over the links of their mean rates
-- column: out_gbps Gbit/s: out, mean
-- column: in_p95_gbps Gbit/s: in, p95 — 95th percentile of the site's 5-minute rates (links summed per 5 minutes)
-- column: out_p95_gbps Gbit/s: out, p95
-- column: links count: external links — non-virtual links of an external kind with traffic in the period
-- column: capacity_gbps Gbit/s: external capacity — sum of those links' capacities (EED: bandwidth); no data when one is unknown
-- column: hours h: covered — mean time covered by the links' sampling intervals
-- Virtual interfaces are never counted; internal links (spine, fabric) are not traffic into or out of
-- the site. Counter resets count from 0 and wraps add what was left to the limit (link_sample_rows).
WITH l AS (
    SELECT * FROM links
    WHERE NOT coalesce(is_virtual, false)
      AND list_contains(string_split(lower(replace($external_kinds, ' ', '')), ','), lower(kind))
),
i AS (
    SELECT i.*, CASE WHEN $period NOT IN ('hour', 'day', 'month', 'year', 'all')
                     THEN error('period must be one of hour, day, month, year, all, not ' || $period)
                     WHEN $period = 'all' THEN $start
                     ELSE date_trunc(CASE WHEN $period = 'all' THEN 'hour' ELSE $period END, i.bucket) END AS period
    FROM link_intervals($start, $end) i SEMI JOIN l USING (link_id)
),
five AS (  -- the site's rate per 5-minute bucket: each link's mean rate in the bucket, summed
    SELECT period, bucket, sum(rx_bytes * 8 / nullif(seconds, 0)) AS in_bps, sum(tx_bytes * 8 / nullif(seconds, 0)) AS out_bps
    FROM i GROUP BY period, bucket
),
per_link AS (
    SELECT period, link_id, sum(rx_bytes) AS rx, sum(tx_bytes) AS tx, sum(seconds) AS seconds
    FROM i GROUP BY period, link_id
)
SELECT p.period, sum(p.rx) / 1e12 AS in_tb, sum(p.tx) / 1e12 AS out_tb,
       sum(p.rx * 8 / nullif(p.seconds, 0)) / 1e9 AS in_gbps, sum(p.tx * 8 / nullif(p.seconds, 0)) / 1e9 AS out_gbps,
       any_value(f.in_p95) / 1e9 AS in_p95_gbps, any_value(f.out_p95) / 1e9 AS out_p95_gbps,
       count(*) AS links,
       CASE WHEN count(l.capacity_gbps) = count(*) THEN sum(l.capacity_gbps) END AS capacity_gbps,
       avg(p.seconds) / 3600 AS hours
FROM per_link p JOIN l USING (link_id)
LEFT JOIN (SELECT period, quantile_cont(in_bps, 0.95) AS in_p95, quantile_cont(out_bps, 0.95) AS out_p95
           FROM five GROUP BY period) f USING (period)
GROUP BY p.period
ORDER BY p.period
