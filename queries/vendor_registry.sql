-- title: Vendor registry: who a supplier, manufacturer, author, publisher or package namespace resolves to
-- returns: one row per registry entry
-- param: search VARCHAR = NULL: only entries whose name, aliases or namespaces contain this text (case-insensitive); NULL: all
-- column: vendor_id text: vendor id — becomes vendors.vendor_id when a BOM names this vendor
-- column: name text: name
-- column: aliases text: aliases — '|'-separated
-- column: hq_country text: HQ country — ISO 3166-1 alpha-2; ZZ = unknown
-- column: parent text: ultimate parent — blank: independent
-- column: parent_country text: parent's country — ISO 3166-1 alpha-2
-- column: control_country text: control country — the ultimate parent's, the headquarters' when independent
-- column: category text: category
-- column: purl_namespaces text: package namespaces — '|'-separated package-URL prefixes
-- column: source url: source — where the facts come from
-- column: as_of date: checked — date the facts were checked
-- column: notes text: notes
-- column: vendors_stored count: stored versions — versions of this vendor in the vendors table
SELECT r.vendor_id, r.name, r.aliases, r.hq_country, r.parent, r.parent_country,
       coalesce(r.parent_country, r.hq_country) AS control_country, r.category, r.purl_namespaces,
       r.source, r.as_of, r.notes,
       (SELECT count(*) FROM vendors v WHERE v.vendor_id = r.vendor_id) AS vendors_stored
FROM vendor_registry r
WHERE $search IS NULL
   OR contains(lower(concat_ws(' ', r.vendor_id, r.name, r.aliases, r.purl_namespaces)), lower($search))
ORDER BY r.category, r.vendor_id
