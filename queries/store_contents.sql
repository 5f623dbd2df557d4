-- title: What the store holds
-- returns: one row per table
-- column: table_name text: table
-- column: rows count: rows
-- column: entities count: entities — distinct GPUs, links, meters, registry entries, vendors, components, rule sets, lists or keys
-- column: first_ts UTC: first
-- column: last_ts UTC: last
-- A UNION ALL has no order of its own: ord keeps the listed order, so exports are reproducible.
-- GPU samples: the row count is the table's own; GPUs and the time span come from the activity runs,
-- which cover every sample (reading 400 M samples for them would take seconds).
SELECT table_name, rows, entities, first_ts, last_ts FROM (
SELECT 1 AS ord, 'gpu_samples' AS table_name, (SELECT count(*) FROM gpu_samples) AS rows, count(DISTINCT gpu_id) AS entities,
       min(first_ts) AS first_ts, max(last_ts) AS last_ts FROM gpu_runs
UNION ALL SELECT 2, 'link_samples', count(*), count(DISTINCT link_id), min(ts), max(ts) FROM link_samples
UNION ALL SELECT 3, 'meter_samples', count(*), count(DISTINCT meter_id), min(ts), max(ts) FROM meter_samples
UNION ALL SELECT 4, 'gpus', count(*), count(DISTINCT gpu_uuid), NULL, NULL FROM gpus
UNION ALL SELECT 5, 'gpu_models', count(*), count(DISTINCT model), NULL, NULL FROM gpu_models
UNION ALL SELECT 6, 'links', count(*), count(DISTINCT link_name), NULL, NULL FROM links
UNION ALL SELECT 7, 'meters', count(*), count(DISTINCT meter_name), NULL, NULL FROM meters
UNION ALL SELECT 8, 'vendor_registry', count(*), count(DISTINCT vendor_id), NULL, NULL FROM vendor_registry
UNION ALL SELECT 9, 'vendors', count(*), count(DISTINCT vendor_id), NULL, NULL FROM vendors
UNION ALL SELECT 10, 'components', count(*), count(DISTINCT component_id), min(snapshot_date), max(snapshot_date) FROM components
UNION ALL SELECT 11, 'grid_carbon_samples', count(*), (count(*) > 0)::INTEGER, min(ts), max(ts) FROM grid_carbon_samples
UNION ALL SELECT 12, 'water_samples', count(*), count(DISTINCT meter), min(ts), max(ts) FROM water_samples
UNION ALL SELECT 13, 'law_rules', count(*), count(DISTINCT rule_set), min(effective_from), max(effective_from) FROM law_rules
UNION ALL SELECT 14, 'green500', count(*), count(DISTINCT list_date), min(list_date), max(list_date) FROM green500
UNION ALL SELECT 15, 'ingest_log', count(*), count(DISTINCT source), min(started), max(started) FROM ingest_log
UNION ALL SELECT 16, 'rejects', count(*), count(DISTINCT load_id), NULL, NULL FROM rejects
UNION ALL SELECT 17, 'gpu_hourly (derived)', count(*), count(DISTINCT gpu_id), min(bucket), max(bucket) FROM gpu_hourly
UNION ALL SELECT 18, 'gpu_groups_5m (derived)', count(*), count(DISTINCT rack), min(bucket), max(bucket) FROM gpu_groups_5m
UNION ALL SELECT 19, 'gpu_runs (derived)', count(*), count(DISTINCT gpu_id), min(first_ts), max(last_ts) FROM gpu_runs
UNION ALL SELECT 20, 'link_5m (derived)', count(*), count(DISTINCT link_id), min(bucket), max(bucket) FROM link_5m
UNION ALL SELECT 21, 'gpu_daily (derived)', count(*), count(DISTINCT gpu_id), min(bucket), max(bucket) FROM gpu_daily
UNION ALL SELECT 22, 'gpu_pods_5m (derived)', count(*), count(DISTINCT pod), min(bucket), max(bucket) FROM gpu_pods_5m
UNION ALL SELECT 23, 'meter_5m (derived)', count(*), count(DISTINCT meter_id), min(bucket), max(bucket) FROM meter_5m
UNION ALL SELECT 24, 'meter_kind_5m (derived)', count(*), count(DISTINCT kind), min(bucket), max(bucket) FROM meter_kind_5m
UNION ALL SELECT 25, 'gpu_xid_events (derived)', count(*), count(DISTINCT gpu_id), min(ts), max(ts) FROM gpu_xid_events
UNION ALL SELECT 26, 'gpu_steps (derived)', count(*), count(DISTINCT gpu_id), NULL, NULL FROM gpu_steps
) ORDER BY ord
