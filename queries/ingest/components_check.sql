-- title: Validate staged component rows
-- formula: a vendor is known when any version of it is stored (vendors is keyed by vendor_id and valid_from)
-- returns: every staged row (layer normalised to its code, alternative defaulted to the alternative vendor's name as of the snapshot date) plus series (component_id) and reason (NULL = accepted)
WITH s AS (
    SELECT *,
           regexp_replace(lower(trim(layer)), '[^a-z0-9]+', '_', 'g') AS layer_key,
           row_number() OVER (PARTITION BY snapshot_date, component_id ORDER BY line) AS dup_rank,
           min(line) OVER (PARTITION BY snapshot_date, component_id) AS first_line
    FROM stage
),
c AS (
    SELECT s.* EXCLUDE (layer, alternative),
           s.layer AS layer_given,
           coalesce(lc.layer, ll.layer, CASE s.layer_key
               WHEN 'energy' THEN 'facility_energy' WHEN 'facility' THEN 'facility_energy'
               WHEN 'facility_energy' THEN 'facility_energy' WHEN 'hardware' THEN 'systems'
               WHEN 'servers' THEN 'systems' WHEN 'network' THEN 'networking'
               WHEN 'os' THEN 'operating_system' WHEN 'frameworks' THEN 'ai_frameworks'
               WHEN 'ai_framework' THEN 'ai_frameworks' WHEN 'model' THEN 'models'
               WHEN 'services' THEN 'services_operations' WHEN 'operations' THEN 'services_operations'
               WHEN 'services_and_operations' THEN 'services_operations' END) AS layer,
           coalesce(s.alternative, av.name) AS alternative,
           s.vendor_id IN (SELECT vendor_id FROM vendors) AS vendor_ok,
           s.alternative_vendor_id IN (SELECT vendor_id FROM vendors) AS alt_vendor_ok
    FROM s
    LEFT JOIN sov_layers lc ON lc.layer = s.layer_key
    LEFT JOIN sov_layers ll ON regexp_replace(lower(ll.label), '[^a-z0-9]+', '_', 'g') = s.layer_key
    -- the alternative's name as of the record's snapshot date (a vendor with any version is known)
    LEFT JOIN vendor_versions av ON av.vendor_id = s.alternative_vendor_id
        AND s.snapshot_date >= av.applies_from AND s.snapshot_date < av.applies_until
)
SELECT c.* EXCLUDE (layer_key, layer_given, vendor_ok, alt_vendor_ok, dup_rank, first_line),
       c.component_id AS series,
    CASE
        WHEN c.parse_error IS NOT NULL THEN c.parse_error
        WHEN c.snapshot_date IS NULL THEN 'snapshot_date is missing'
        WHEN c.component_id IS NULL THEN 'component_id is missing'
        WHEN c.name IS NULL THEN 'name is missing'
        WHEN c.layer_given IS NULL THEN 'layer is missing'
        WHEN c.layer IS NULL THEN 'layer ' || c.layer_given || ' is not one of '
            || (SELECT string_agg(layer, ', ' ORDER BY ord) FROM sov_layers)
        WHEN c.vendor_id IS NULL THEN 'vendor_id is missing'
        WHEN NOT c.vendor_ok THEN 'unknown vendor ' || c.vendor_id || ': load it in a vendors file first'
        WHEN c.criticality IS NULL THEN 'criticality is missing (1..5)'
        WHEN c.criticality NOT BETWEEN 1 AND 5 THEN 'criticality ' || c.criticality || ' is outside 1..5'
        WHEN NOT isfinite(c.quantity) THEN 'quantity ' || c.quantity || ' is not a finite number'
        WHEN NOT isfinite(c.annual_spend_eur) THEN 'annual_spend_eur ' || c.annual_spend_eur || ' is not a finite number'
        WHEN NOT isfinite(c.alternative_spend_eur)
            THEN 'alternative_spend_eur ' || c.alternative_spend_eur || ' is not a finite number'
        WHEN NOT isfinite(c.switch_cost_eur) THEN 'switch_cost_eur ' || c.switch_cost_eur || ' is not a finite number'
        WHEN c.quantity < 0 THEN 'negative quantity'
        WHEN c.annual_spend_eur < 0 THEN 'negative annual_spend_eur'
        WHEN c.alternative_spend_eur < 0 THEN 'negative alternative_spend_eur'
        WHEN c.switch_cost_eur < 0 THEN 'negative switch_cost_eur'
        WHEN c.alternative_vendor_id IS NOT NULL AND NOT c.alt_vendor_ok
            THEN 'unknown alternative vendor ' || c.alternative_vendor_id || ': load it in a vendors file first'
        WHEN c.alternative_vendor_id = c.vendor_id THEN 'alternative_vendor_id is the component''s own vendor'
        WHEN c.dup_rank > 1 THEN 'component listed twice for snapshot ' || c.snapshot_date
            || ' (first at line ' || c.first_line || ')'
    END AS reason
FROM c
