-- title: Update known links whose inventory entry changed
-- returns: count of links whose ends, capacity, carrier or kind changed (the inventory's capacity wins over one learnt from telemetry)
UPDATE links l SET
    a_end = coalesce(c.a_end, l.a_end), b_end = coalesce(c.b_end, l.b_end),
    capacity_gbps = coalesce(c.capacity_gbps, l.capacity_gbps),
    capacity_source = CASE WHEN c.capacity_gbps IS NOT NULL THEN 'inventory' ELSE l.capacity_source END,
    carrier = coalesce(c.carrier, l.carrier), kind = coalesce(c.kind, l.kind)
FROM checked c
WHERE c.reason IS NULL AND c.link_id = l.link_name
  AND (   coalesce(c.a_end, l.a_end) IS DISTINCT FROM l.a_end
       OR coalesce(c.b_end, l.b_end) IS DISTINCT FROM l.b_end
       OR coalesce(c.capacity_gbps, l.capacity_gbps) IS DISTINCT FROM l.capacity_gbps
       OR (c.capacity_gbps IS NOT NULL AND l.capacity_source IS DISTINCT FROM 'inventory')
       OR coalesce(c.carrier, l.carrier) IS DISTINCT FROM l.carrier
       OR coalesce(c.kind, l.kind) IS DISTINCT FROM l.kind)
