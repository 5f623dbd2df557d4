-- Migration 012: the vendor registry and the "unknown" jurisdiction.
-- vendor_registry holds sourced facts about vendors an AI factory's stack really has (name and
-- aliases, headquarters, ultimate parent and its country, the package namespaces they publish
-- under, source and as-of date). SBOM suppliers, manufacturers, authors, publishers and package
-- URLs are resolved against it (dashboard/ingest/vendor_registry.py). It is filled from
-- queries/reference/vendor_registry.csv through the ingest log; a user revises it by ingesting a
-- CSV with the same columns. See docs/vendor_registry.md.
--
-- 'ZZ' is the jurisdiction "unknown": ISO 3166-1 reserves ZZ as a user-assigned code, and the
-- Unicode CLDR uses it for "Unknown Region". A vendor whose headquarters (or ultimate parent's
-- country) cannot be resolved is stored with ZZ, so the vendors table keeps its NOT NULL columns
-- and every score shows the unknown share as its own number instead of hiding it in "not US".

INSERT OR IGNORE INTO countries VALUES ('ZZ', 'Unknown jurisdiction', false, false);

CREATE TABLE IF NOT EXISTS vendor_registry (
    vendor_id       VARCHAR PRIMARY KEY,   -- becomes vendors.vendor_id when an SBOM names this vendor
    name            VARCHAR NOT NULL,      -- legal or trading name
    aliases         VARCHAR,               -- other names, '|'-separated (matched after normalisation)
    hq_country      VARCHAR NOT NULL,      -- ISO 3166-1 alpha-2 of the headquarters
    parent          VARCHAR,               -- ultimate parent (NULL: independent)
    parent_country  VARCHAR,               -- ISO 3166-1 alpha-2 of the ultimate parent
    category        VARCHAR,               -- silicon, systems, networking, ... (informational)
    purl_namespaces VARCHAR,               -- package-URL prefixes, '|'-separated, e.g. pkg:pypi/torch|pkg:maven/org.apache
    source          VARCHAR NOT NULL,      -- URL the facts come from
    as_of           DATE NOT NULL,         -- date the facts were checked
    notes           VARCHAR,
    load_id         INTEGER                -- load that stored or last changed this row
);
