-- title: Stack components with their jurisdictions (drill-down)
-- returns: one row per component in the stack as of the snapshot: layer (label), layer_code, component_id, name, vendor_id, vendor, hq_country, ultimate_parent, control_country (ISO 3166-1 alpha-2), us_controlled, us_headquartered, jurisdiction_unknown (booleans; unknown: ultimate parent's country ZZ), quantity, spend_eur (EUR per year), criticality (1..5), open_source, export_controlled, licence_server, cloud_connection (booleans), alternative, alternative_vendor_id, alternative_open_source (boolean), alternative_spend_eur (EUR per year), switch_cost_eur (EUR), hard_lockin, kill_switch (booleans), recorded_on (date of the record in force), source, notes, vendor_valid_from (date the vendor's ownership record used here holds from; 1900-01-01: since always)
-- formula: vendor, hq_country, ultimate_parent and control_country are the vendor's ownership version valid at the snapshot date (the latest valid_from on or before it)
-- param: snapshot DATE = NULL: the stack as of this date; NULL: the latest snapshot
-- param: layer VARCHAR = NULL: only this layer (code, e.g. networking); NULL: all
SELECT layer_label AS layer, layer AS layer_code, component_id, name, vendor_id, vendor, hq_country, ultimate_parent, control_country,
       us_parent AS us_controlled, us_hq AS us_headquartered, control_country = 'ZZ' AS jurisdiction_unknown, quantity, spend_eur, criticality,
       open_source, export_controlled, licence_server, cloud_connection, alternative,
       alternative_vendor_id, alternative_open_source, alternative_spend_eur, switch_cost_eur,
       us_parent AND NOT open_source AND alternative IS NULL AS hard_lockin,
       us_parent AND needs_vendor_service AS kill_switch,
       recorded_on, source, notes,
       (SELECT vv.valid_from FROM vendor_versions vv
        WHERE vv.vendor_id = st.vendor_id AND st.as_of >= vv.applies_from AND st.as_of < vv.applies_until) AS vendor_valid_from
FROM sov_stack st
WHERE as_of = (SELECT max(as_of) FROM sov_stack WHERE $snapshot IS NULL OR as_of <= $snapshot)
  AND ($layer IS NULL OR layer = $layer)
ORDER BY layer_ord, criticality DESC, spend_eur DESC, component_id
