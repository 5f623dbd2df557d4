-- Migration 004: vendor ownership history. A vendor's ownership (name, headquarters, ultimate
-- parent) is recorded per valid_from date, so an acquisition adds a version instead of rewriting
-- the vendor, and past snapshots keep the ownership that was true on their date.
-- vendors is rebuilt keyed by (vendor_id, valid_from); rows stored before this migration become
-- the version valid "since always" (valid_from 1900-01-01), so their scores do not change.
-- sov_stack (the only view over vendors, per duckdb_views()) is dropped first; it is now a
-- definition (queries/definitions/020_sovereignty.sql) reading each vendor as of the snapshot date.
-- See docs/sovereignty.md ("Vendor ownership history").

DROP VIEW IF EXISTS sov_stack;

CREATE TABLE vendors_v4 (
    vendor_id       VARCHAR NOT NULL,
    valid_from      DATE NOT NULL DEFAULT DATE '1900-01-01',  -- this version holds from this date on (1900-01-01: since always)
    name            VARCHAR NOT NULL,
    hq_country      VARCHAR NOT NULL,      -- ISO 3166-1 alpha-2 of the headquarters
    parent          VARCHAR,               -- ultimate parent company (NULL: independent)
    parent_country  VARCHAR,               -- ISO 3166-1 alpha-2 of the ultimate parent (NULL: independent)
    notes           VARCHAR,               -- ownership facts and their source
    registered_by   INTEGER,               -- load_id that first stored this version
    PRIMARY KEY (vendor_id, valid_from)
);

INSERT INTO vendors_v4 (vendor_id, valid_from, name, hq_country, parent, parent_country, notes, registered_by)
SELECT vendor_id, DATE '1900-01-01', name, hq_country, parent, parent_country, notes, registered_by
FROM vendors;

DROP TABLE vendors;
ALTER TABLE vendors_v4 RENAME TO vendors;
