-- title: Rebuild the link rollups for a time range
-- returns: nothing; rows of link_5m for every link in [b0, b1)
-- param: b0 TIMESTAMP: first 5-minute bucket to rebuild (UTC)
-- param: b1 TIMESTAMP: end of the buckets to rebuild (exclusive)
DELETE FROM link_5m WHERE bucket >= $b0 AND bucket < $b1;
INSERT INTO link_5m BY NAME SELECT * FROM link_interval_rows($b0, $b1);
