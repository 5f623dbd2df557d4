-- Migration 003: held the performance macros, which now live in queries/definitions/ and are
-- applied on every connection. Kept so that version numbers stay as applied databases know them.
SELECT 1;
