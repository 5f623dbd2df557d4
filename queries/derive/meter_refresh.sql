-- title: Rebuild the meter rollups for a time range
-- returns: nothing; rows of meter_5m and meter_kind_5m for every meter in [b0, b1)
-- param: b0 TIMESTAMP: first 5-minute bucket to rebuild (UTC)
-- param: b1 TIMESTAMP: end of the buckets to rebuild (exclusive)
DELETE FROM meter_5m WHERE bucket >= $b0 AND bucket < $b1;
INSERT INTO meter_5m BY NAME SELECT * FROM meter_interval_rows($b0, $b1);
DELETE FROM meter_kind_5m WHERE bucket >= $b0 AND bucket < $b1;
INSERT INTO meter_kind_5m BY NAME SELECT * FROM meter_kind_interval_rows($b0, $b1);
