-- title: Update stored component records (same snapshot date and id) whose values changed
-- returns: count of component records changed (the file's values replace the stored ones; blank flags read as false)
UPDATE components k SET
    name = c.name, layer = c.layer, vendor_id = c.vendor_id, quantity = c.quantity,
    annual_spend_eur = c.annual_spend_eur, criticality = c.criticality,
    open_source = coalesce(c.open_source, false), export_controlled = coalesce(c.export_controlled, false),
    licence_server = coalesce(c.licence_server, false), cloud_connection = coalesce(c.cloud_connection, false),
    alternative = c.alternative, alternative_vendor_id = c.alternative_vendor_id,
    alternative_open_source = coalesce(c.alternative_open_source, false),
    alternative_spend_eur = c.alternative_spend_eur, switch_cost_eur = c.switch_cost_eur,
    retired = coalesce(c.retired, false), source = c.source, notes = c.notes
FROM checked c
WHERE c.reason IS NULL AND c.snapshot_date = k.snapshot_date AND c.component_id = k.component_id
  AND (c.name, c.layer, c.vendor_id, c.quantity, c.annual_spend_eur, c.criticality,
       coalesce(c.open_source, false), coalesce(c.export_controlled, false),
       coalesce(c.licence_server, false), coalesce(c.cloud_connection, false), c.alternative,
       c.alternative_vendor_id, coalesce(c.alternative_open_source, false), c.alternative_spend_eur, c.switch_cost_eur,
       coalesce(c.retired, false), c.source, c.notes)
      IS DISTINCT FROM
      (k.name, k.layer, k.vendor_id, k.quantity, k.annual_spend_eur, k.criticality, k.open_source,
       k.export_controlled, k.licence_server, k.cloud_connection, k.alternative,
       k.alternative_vendor_id, k.alternative_open_source, k.alternative_spend_eur, k.switch_cost_eur, k.retired, k.source, k.notes)
