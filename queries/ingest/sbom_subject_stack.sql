-- title: Components of one SBOM subject in the stack as of a date (those a newer SBOM of the subject no longer lists are retired)
-- returns: one row per component whose id starts with the subject's prefix and whose latest record on or before the date is not retired: component_id, name, layer, vendor_id, criticality (of that record)
-- param: prefix VARCHAR: '<subject>::', the subject's component-id prefix
-- param: as_of DATE: the new SBOM's snapshot date
SELECT component_id, name, layer, vendor_id, criticality
FROM components
WHERE starts_with(component_id, $prefix) AND snapshot_date <= $as_of
QUALIFY row_number() OVER (PARTITION BY component_id ORDER BY snapshot_date DESC) = 1 AND NOT retired
ORDER BY component_id
