-- title: XID error codes
-- returns: one row per known XID code
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- column: code count: XID code
-- column: meaning text: meaning
-- column: source text: source
-- column: gpus_seen count: GPUs seen — GPUs that reported it in the range
-- column: samples count: samples — samples carrying it in the range
SELECT x.code, x.meaning, x.source,
       count(DISTINCT e.gpu_id) AS gpus_seen, count(e.gpu_id) AS samples
FROM xid_codes x
LEFT JOIN gpu_xid_events e ON e.code = x.code AND e.ts >= $start AND e.ts < $end
GROUP BY ALL
ORDER BY samples DESC, x.code
