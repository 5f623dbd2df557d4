-- title: Names the SBOM reader resolves organisations against: stored vendors (current version) and the vendor registry
-- returns: one row per stored vendor and per registry entry: origin ('stored' or 'registry'), vendor_id, name, aliases ('|'-separated; registry only), hq_country, parent, parent_country, purl_namespaces ('|'-separated; registry only), source, as_of
SELECT 'stored' AS origin, v.vendor_id, v.name, NULL AS aliases, v.hq_country, v.parent, v.parent_country,
       NULL AS purl_namespaces, NULL AS source, NULL::DATE AS as_of
FROM vendors v
QUALIFY row_number() OVER (PARTITION BY v.vendor_id ORDER BY v.valid_from DESC) = 1
UNION ALL
SELECT 'registry', r.vendor_id, r.name, r.aliases, r.hq_country, r.parent, r.parent_country,
       r.purl_namespaces, r.source, r.as_of
FROM vendor_registry r
ORDER BY origin DESC, vendor_id
