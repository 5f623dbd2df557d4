-- Migration 006: views and macros are no longer stored in the database. They live in
-- queries/definitions/ and every connection applies them as TEMP objects, so an edited formula
-- takes effect on the next connection of every existing database (dashboard/store.py).
-- Drop the copies that migrations 002-004 stored in databases made before this change.
DROP VIEW IF EXISTS sov_stack;
DROP VIEW IF EXISTS vendor_versions;
DROP MACRO TABLE IF EXISTS gpu_peaks;
DROP MACRO TABLE IF EXISTS gpu_activity;
DROP MACRO TABLE IF EXISTS gpu_idle;
DROP MACRO TABLE IF EXISTS gpu_health;
DROP MACRO TABLE IF EXISTS gpu_sampling;
DROP MACRO IF EXISTS perf_precision;
DROP MACRO IF EXISTS is_xid;
DROP MACRO IF EXISTS is_hot;
