-- title: Stack components with their jurisdictions (drill-down)
-- returns: one row per component in the stack as of the snapshot
-- formula: vendor, hq_country, ultimate_parent and control_country are the vendor's ownership version valid at the snapshot date (the latest valid_from on or before it)
-- param: snapshot DATE = NULL: the stack as of this date; NULL: the latest snapshot
-- param: layer VARCHAR = NULL: only this layer (code, e.g. networking); NULL: all
-- column: layer text: layer — label
-- column: layer_code text: layer code
-- column: component_id text: component id
-- column: name text: name
-- column: vendor_id text: vendor id
-- column: vendor text: vendor
-- column: hq_country text: HQ country
-- column: ultimate_parent text: ultimate parent
-- column: control_country text: control country — ISO 3166-1 alpha-2
-- column: us_controlled bool: US-controlled
-- column: us_headquartered bool: US-headquartered — booleans
-- column: jurisdiction_unknown bool: jurisdiction unknown — the ultimate parent's country is unknown (ZZ)
-- column: quantity 1: quantity
-- column: spend_eur EUR/yr: spend
-- column: criticality 1: criticality — 1..5
-- column: open_source bool: open source
-- column: export_controlled bool: export-controlled
-- column: licence_server bool: licence server
-- column: cloud_connection bool: cloud connection — booleans
-- column: alternative text: alternative
-- column: alternative_vendor_id text: alternative vendor id
-- column: alternative_open_source bool: alternative open source — boolean
-- column: alternative_spend_eur EUR/yr: alternative spend
-- column: switch_cost_eur EUR: switch cost
-- column: hard_lockin bool: hard lock-in
-- column: kill_switch bool: kill switch — booleans
-- column: recorded_on date: recorded on — date of the record in force
-- column: source text: source
-- column: notes text: notes
-- column: vendor_valid_from date: vendor record from — date the vendor's ownership record used here holds from; 1900-01-01: since always
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
