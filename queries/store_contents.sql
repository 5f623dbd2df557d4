-- title: What the store holds
-- returns: one row per table: table_name, rows, entities (distinct GPUs, links, meters, registry entries, vendors, components or keys), first and last timestamp (UTC) for time series, first and last snapshot date for components
SELECT 'gpu_samples' AS table_name, count(*) AS rows, count(DISTINCT gpu_id) AS entities,
       min(ts) AS first_ts, max(ts) AS last_ts FROM gpu_samples
UNION ALL SELECT 'link_samples', count(*), count(DISTINCT link_id), min(ts), max(ts) FROM link_samples
UNION ALL SELECT 'meter_samples', count(*), count(DISTINCT meter_id), min(ts), max(ts) FROM meter_samples
UNION ALL SELECT 'gpus', count(*), count(DISTINCT gpu_uuid), NULL, NULL FROM gpus
UNION ALL SELECT 'gpu_models', count(*), count(DISTINCT model), NULL, NULL FROM gpu_models
UNION ALL SELECT 'links', count(*), count(DISTINCT link_name), NULL, NULL FROM links
UNION ALL SELECT 'meters', count(*), count(DISTINCT meter_name), NULL, NULL FROM meters
UNION ALL SELECT 'vendor_registry', count(*), count(DISTINCT vendor_id), NULL, NULL FROM vendor_registry
UNION ALL SELECT 'vendors', count(*), count(DISTINCT vendor_id), NULL, NULL FROM vendors
UNION ALL SELECT 'components', count(*), count(DISTINCT component_id), min(snapshot_date), max(snapshot_date) FROM components
UNION ALL SELECT 'ingest_log', count(*), count(DISTINCT source), min(started), max(started) FROM ingest_log
UNION ALL SELECT 'rejects', count(*), count(DISTINCT load_id), NULL, NULL FROM rejects
