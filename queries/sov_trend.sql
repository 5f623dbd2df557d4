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
       coalesce(sum(spend_eur) FILTER (WHERE us_parent), 0) / nullif(sum(spend_eur), 0) AS us_share_spend,
       coalesce(sum(criticality) FILTER (WHERE us_parent), 0) / nullif(sum(criticality), 0) AS us_share_critical,
       coalesce(sum(spend_eur) FILTER (WHERE us_hq), 0) / nullif(sum(spend_eur), 0) AS us_share_spend_hq,
       coalesce(sum(criticality) FILTER (WHERE us_hq), 0) / nullif(sum(criticality), 0) AS us_share_critical_hq,
       coalesce(sum(criticality) FILTER (WHERE us_parent AND NOT open_source AND alternative IS NULL), 0)
           / nullif(sum(criticality), 0) AS hard_lockin_share,
       coalesce(sum(criticality) FILTER (WHERE us_parent AND needs_vendor_service), 0)
           / nullif(sum(criticality), 0) AS kill_switch_share,
       avg((control_country = 'ZZ')::INTEGER) AS unknown_share_count,
       coalesce(sum(spend_eur) FILTER (WHERE control_country = 'ZZ'), 0) / nullif(sum(spend_eur), 0) AS unknown_share_spend,
       coalesce(sum(criticality) FILTER (WHERE control_country = 'ZZ'), 0) / nullif(sum(criticality), 0) AS unknown_share_critical
FROM sov_stack
GROUP BY as_of
ORDER BY as_of
