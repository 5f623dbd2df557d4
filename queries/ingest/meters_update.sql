-- title: Update known meters whose inventory entry changed
-- returns: count of meters whose kind or description changed
UPDATE meters m SET kind = lower(c.kind), description = coalesce(c.description, m.description)
FROM checked c
WHERE c.reason IS NULL AND c.meter_id = m.meter_name
  AND (lower(c.kind) IS DISTINCT FROM m.kind
       OR coalesce(c.description, m.description) IS DISTINCT FROM m.description)
