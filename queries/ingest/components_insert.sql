-- title: Add component records not yet stored for their snapshot date
-- returns: count of component records added
-- param: load_id INTEGER: this load
INSERT INTO components (snapshot_date, component_id, name, layer, vendor_id, quantity,
    annual_spend_eur, criticality, open_source, export_controlled, licence_server, cloud_connection,
    alternative, alternative_vendor_id, alternative_open_source, alternative_spend_eur, switch_cost_eur,
    retired, source, notes, load_id)
SELECT snapshot_date, component_id, name, layer, vendor_id, quantity, annual_spend_eur, criticality,
       coalesce(open_source, false), coalesce(export_controlled, false),
       coalesce(licence_server, false), coalesce(cloud_connection, false),
       alternative, alternative_vendor_id, coalesce(alternative_open_source, false),
       alternative_spend_eur, switch_cost_eur,
       coalesce(retired, false), source, notes, $load_id
FROM checked c
WHERE reason IS NULL
  AND NOT EXISTS (SELECT 1 FROM components k
                  WHERE k.snapshot_date = c.snapshot_date AND k.component_id = c.component_id)
ORDER BY line
