-- title: Sovereignty headline: US dependency of the stack at one snapshot, and the previous one
-- returns: one row; spend shares are NULL (no data) when no component of the stack has spend recorded; no row at all when no component records are stored
-- param: snapshot DATE = NULL: the stack as of this date (its latest snapshot on or before it); NULL: the latest snapshot
-- column: snapshot_date date: snapshot
-- column: components count: components — count
-- column: us_share_count ratio: US share, count
-- column: us_share_spend ratio: US share, spend
-- column: us_share_critical ratio: US share, criticality — ratios 0..1, US-controlled by ultimate parent
-- column: us_share_spend_hq ratio: US HQ share, spend — US-headquartered only
-- column: hard_lockin_share ratio: hard lock-in
-- column: kill_switch_share ratio: kill switch — ratios 0..1, criticality-weighted
-- column: unknown_share_count ratio: unknown share, count
-- column: unknown_share_spend ratio: unknown share, spend
-- column: unknown_share_critical ratio: unknown share, criticality — ratios 0..1, jurisdiction unknown (ultimate parent's country ZZ); US + unknown + the rest = 1
-- column: prev_snapshot_date date: previous snapshot
-- column: us_share_critical_prev ratio: US share, criticality, previous
-- formula: us_share_count = N(US-controlled) / N; us_share_spend = Σ spend·[US] / Σ spend; us_share_critical = Σ criticality·[US] / Σ criticality; US = ultimate parent in US (HQ view: headquarters in US); unknown = ultimate parent's country unknown (ZZ), same three forms; US + unknown + the rest = 1; hard_lockin = Σ criticality·[US, not open source, no EU or open alternative] / Σ criticality; kill_switch = Σ criticality·[US, needs licence server or cloud connection] / Σ criticality
WITH snaps AS (SELECT DISTINCT as_of FROM sov_stack),
cur AS (SELECT max(as_of) AS d FROM snaps WHERE $snapshot IS NULL OR as_of <= $snapshot),
prev AS (SELECT max(as_of) AS d FROM snaps WHERE as_of < (SELECT d FROM cur)),
agg AS (
    SELECT as_of,
           count(*) AS components,
           avg(us_parent::INTEGER) AS us_share_count,
           weighted_share(spend_eur, us_parent) AS us_share_spend,
           weighted_share(criticality, us_parent) AS us_share_critical,
           weighted_share(spend_eur, us_hq) AS us_share_spend_hq,
           weighted_share(criticality, us_parent AND NOT open_source AND alternative IS NULL) AS hard_lockin_share,
           weighted_share(criticality, us_parent AND needs_vendor_service) AS kill_switch_share,
           avg((control_country = 'ZZ')::INTEGER) AS unknown_share_count,
           weighted_share(spend_eur, control_country = 'ZZ') AS unknown_share_spend,
           weighted_share(criticality, control_country = 'ZZ') AS unknown_share_critical
    FROM sov_stack
    WHERE as_of IN (SELECT d FROM cur UNION ALL SELECT d FROM prev)
    GROUP BY as_of
)
SELECT cur.d AS snapshot_date,
       coalesce(a.components, 0) AS components,
       coalesce(a.us_share_count, 0) AS us_share_count,
       a.us_share_spend,
       coalesce(a.us_share_critical, 0) AS us_share_critical,
       a.us_share_spend_hq,
       coalesce(a.hard_lockin_share, 0) AS hard_lockin_share,
       coalesce(a.kill_switch_share, 0) AS kill_switch_share,
       coalesce(a.unknown_share_count, 0) AS unknown_share_count,
       a.unknown_share_spend,
       coalesce(a.unknown_share_critical, 0) AS unknown_share_critical,
       prev.d AS prev_snapshot_date,
       p.us_share_critical AS us_share_critical_prev
FROM cur
CROSS JOIN prev
LEFT JOIN agg a ON a.as_of = cur.d
LEFT JOIN agg p ON p.as_of = prev.d
WHERE cur.d IS NOT NULL
