-- title: Vendor registry: who a supplier, manufacturer, author, publisher or package namespace resolves to
-- returns: one row per registry entry: vendor_id, name, aliases ('|'-separated), hq_country, parent, parent_country, control_country (ISO 3166-1 alpha-2: the ultimate parent's, the headquarters' when independent; ZZ = unknown), category, purl_namespaces ('|'-separated package-URL prefixes), source (URL), as_of (date the facts were checked), notes, vendors_stored (versions of this vendor in the vendors table)
-- param: search VARCHAR = NULL: only entries whose name, aliases or namespaces contain this text (case-insensitive); NULL: all
SELECT r.vendor_id, r.name, r.aliases, r.hq_country, r.parent, r.parent_country,
       coalesce(r.parent_country, r.hq_country) AS control_country, r.category, r.purl_namespaces,
       r.source, r.as_of, r.notes,
       (SELECT count(*) FROM vendors v WHERE v.vendor_id = r.vendor_id) AS vendors_stored
FROM vendor_registry r
WHERE $search IS NULL
   OR contains(lower(concat_ws(' ', r.vendor_id, r.name, r.aliases, r.purl_namespaces)), lower($search))
ORDER BY r.category, r.vendor_id
