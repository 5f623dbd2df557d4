-- title: Component snapshot dates
-- returns: one row per snapshot date: snapshot_date (date), records (component records dated that day), components (count in the stack as of that date), unknown_components (of those, how many have jurisdiction unknown: ultimate parent's country ZZ)
SELECT s.as_of AS snapshot_date,
       (SELECT count(*) FROM components c WHERE c.snapshot_date = s.as_of) AS records,
       count(*) AS components,
       count(*) FILTER (WHERE s.control_country = 'ZZ') AS unknown_components
FROM sov_stack s
GROUP BY s.as_of
ORDER BY s.as_of DESC
