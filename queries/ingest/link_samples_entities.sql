-- title: Learn the capacity of known links whose capacity is unknown
-- returns: count of links whose capacity the accepted rows supplied (an inventory capacity is never overwritten)
UPDATE links l SET capacity_gbps = c.capacity_gbps, capacity_source = coalesce(c.capacity_source, 'telemetry')
FROM (SELECT link_id, max(capacity_gbps) AS capacity_gbps, max(capacity_source) AS capacity_source
      FROM checked WHERE reason IS NULL AND capacity_gbps IS NOT NULL GROUP BY link_id) c
WHERE c.link_id = l.link_name AND l.capacity_gbps IS NULL
