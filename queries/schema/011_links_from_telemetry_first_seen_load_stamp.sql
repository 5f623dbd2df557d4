-- Migration 011: what real scrapes need (docs/real-inputs.md).
--
-- links.is_virtual: loopback, container and tunnel interfaces (lo, docker*, veth*, br-*, wg*, tun*,
--   or an SNMP ifType such as softwareLoopback) are stored but left out of site totals by default.
-- links.capacity_source: where capacity_gbps came from: 'inventory' (a links file),
--   'node_network_speed_bytes' or 'ifHighSpeed' (the scrape), 'telemetry' (a link_samples file's
--   capacity column); NULL with capacity_gbps NULL = capacity unknown (utilisation unknown, not 0).
-- gpus.first_seen: the GPU's earliest stored sample (UTC), kept by each load; a GPU belongs to the
--   inventory of a range that ends after it (or always, when it never reported).
-- ingest_log.stamped_at: the time given to samples without a timestamp (--at or the file's
--   modification time); with the SHA-256 it is the identity of a load, so one scrape stamped at two
--   times is two loads and the same stamp again is skipped.

ALTER TABLE links ADD COLUMN IF NOT EXISTS is_virtual BOOLEAN DEFAULT false;
ALTER TABLE links ADD COLUMN IF NOT EXISTS capacity_source VARCHAR;
UPDATE links SET capacity_source =
    CASE WHEN (SELECT l.kinds FROM ingest_log l WHERE l.load_id = links.registered_by) LIKE '%link_samples%'
         THEN 'telemetry' ELSE 'inventory' END
WHERE capacity_gbps IS NOT NULL;

ALTER TABLE gpus ADD COLUMN IF NOT EXISTS first_seen TIMESTAMP;
UPDATE gpus SET first_seen = f.first_ts
FROM (SELECT gpu_id, min(ts) AS first_ts FROM gpu_samples GROUP BY gpu_id) f
WHERE f.gpu_id = gpus.gpu_id;

ALTER TABLE ingest_log ADD COLUMN IF NOT EXISTS stamped_at TIMESTAMP;
