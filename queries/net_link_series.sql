-- title: Traffic over time for the site or one link, per direction
-- returns: one row per bucket and direction
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: bucket_minutes INTEGER = 60: bucket width in minutes
-- param: link VARCHAR = NULL: a link's name; NULL: the site (its external links summed)
-- param: external_kinds VARCHAR = uplink,dci,transit,peering,internet: link kinds that make up the site's traffic, comma-separated (settings [network] external_kinds)
-- uses: link_intervals, link_directions (queries/definitions/030_network.sql)
-- column: bucket UTC: bucket start — UTC start
-- column: scope text: shown — the link's name, or site for the external links summed
-- column: direction text: direction — in (received at the site's end) or out
-- column: gbps Gbit/s: rate, mean — mean over the bucket's 5-minute rates
-- column: peak_gbps Gbit/s: rate, peak — one link: its busiest sampling interval; the site: its busiest 5-minute rate
-- column: capacity_gbps Gbit/s: capacity — the link's, or the sum of the external links' (no data when one is unknown)
-- column: util_pct %: utilisation, mean — rate / capacity
-- column: peak_util_pct %: utilisation, peak
WITH l AS (
    SELECT * FROM links
    WHERE CASE WHEN $link IS NULL
               THEN NOT coalesce(is_virtual, false)
                    AND list_contains(string_split(lower(replace($external_kinds, ' ', '')), ','), lower(kind))
               ELSE link_name = $link END
),
cap AS (
    SELECT CASE WHEN count(capacity_gbps) = count(*) THEN sum(capacity_gbps) END AS capacity_gbps,
           CASE WHEN $link IS NOT NULL AND count(*) = 0 THEN error('no link named ' || $link) END AS missing
    FROM l
),
five AS (  -- per 5-minute bucket and direction: the rate summed over the links, and the busiest interval
    SELECT d.bucket, d.direction, sum(d.bytes * 8 / nullif(d.seconds, 0)) AS bps, max(d.peak_bps) AS peak_bps
    FROM link_directions($start, $end, getvariable('derived_link_saturation_pct')) d
    SEMI JOIN l USING (link_id)
    GROUP BY ALL
)
SELECT time_bucket(to_minutes($bucket_minutes), f.bucket) AS bucket, coalesce($link, 'site') AS scope, f.direction,
       avg(f.bps) / 1e9 AS gbps,
       CASE WHEN $link IS NULL THEN max(f.bps) ELSE max(f.peak_bps) END / 1e9 AS peak_gbps,
       any_value(cap.capacity_gbps) AS capacity_gbps,
       avg(f.bps) / 1e9 / any_value(cap.capacity_gbps) * 100 AS util_pct,
       CASE WHEN $link IS NULL THEN max(f.bps) ELSE max(f.peak_bps) END / 1e9 / any_value(cap.capacity_gbps) * 100 AS peak_util_pct
FROM five f, cap
WHERE cap.missing IS NULL
GROUP BY 1, 2, 3
ORDER BY bucket, direction
