-- title: Component snapshot dates
-- returns: one row per snapshot date
-- column: snapshot_date date: snapshot
-- column: records count: records — component records dated that day
-- column: components count: components — count in the stack as of that date
-- column: unknown_components count: unknown jurisdiction — of those, components whose ultimate parent's country is unknown (ZZ)
SELECT s.as_of AS snapshot_date,
       (SELECT count(*) FROM components c WHERE c.snapshot_date = s.as_of) AS records,
       count(*) AS components,
       count(*) FILTER (WHERE s.control_country = 'ZZ') AS unknown_components
FROM sov_stack s
GROUP BY s.as_of
ORDER BY s.as_of DESC
