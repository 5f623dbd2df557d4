-- title: Sovereignty trend: US dependency of the stack at every snapshot
-- returns: one row per snapshot; spend shares are NULL (no data) at a snapshot where no component has spend recorded
-- column: snapshot_date date: snapshot
-- column: components count: components — count
-- column: spend_eur EUR/yr: spend
-- column: us_share_count ratio: US share, count
-- column: us_share_spend ratio: US share, spend
-- column: us_share_critical ratio: US share, criticality — ratios 0..1, US-controlled by ultimate parent
-- column: us_share_spend_hq ratio: US HQ share, spend
-- column: us_share_critical_hq ratio: US HQ share, criticality — ratios 0..1, US-headquartered
-- column: hard_lockin_share ratio: hard lock-in
-- column: kill_switch_share ratio: kill switch — ratios 0..1, criticality-weighted
-- column: unknown_share_count ratio: unknown share, count
-- column: unknown_share_spend ratio: unknown share, spend
-- column: unknown_share_critical ratio: unknown share, criticality — ratios 0..1, jurisdiction unknown (ultimate parent's country ZZ); US + unknown + the rest = 1
-- formula: as sov_headline, at every snapshot date; the stack as of a date is each component's latest record on or before it, retired ones left out
SELECT as_of AS snapshot_date,
       count(*) AS components,
       sum(spend_eur) AS spend_eur,
       avg(us_parent::INTEGER) AS us_share_count,
       weighted_share(spend_eur, us_parent) AS us_share_spend,
       weighted_share(criticality, us_parent) AS us_share_critical,
       weighted_share(spend_eur, us_hq) AS us_share_spend_hq,
       weighted_share(criticality, us_hq) AS us_share_critical_hq,
       weighted_share(criticality, us_parent AND NOT open_source AND alternative IS NULL) AS hard_lockin_share,
       weighted_share(criticality, us_parent AND needs_vendor_service) AS kill_switch_share,
       avg((control_country = 'ZZ')::INTEGER) AS unknown_share_count,
       weighted_share(spend_eur, control_country = 'ZZ') AS unknown_share_spend,
       weighted_share(criticality, control_country = 'ZZ') AS unknown_share_critical
FROM sov_stack
GROUP BY as_of
ORDER BY as_of
