-- title: Sovereignty trend: US dependency of the stack at every snapshot
-- returns: one row per snapshot
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
-- formula: as sov_headline, at every snapshot date; the stack as of a date is each component's latest record on or before it, retired ones left out
SELECT as_of AS snapshot_date,
       count(*) AS components,
       sum(spend_eur) AS spend_eur,
       avg(us_parent::INTEGER) AS us_share_count,
       coalesce(sum(spend_eur) FILTER (WHERE us_parent) / nullif(sum(spend_eur), 0), 0) AS us_share_spend,
       coalesce(sum(criticality) FILTER (WHERE us_parent) / nullif(sum(criticality), 0), 0) AS us_share_critical,
       coalesce(sum(spend_eur) FILTER (WHERE us_hq) / nullif(sum(spend_eur), 0), 0) AS us_share_spend_hq,
       coalesce(sum(criticality) FILTER (WHERE us_hq) / nullif(sum(criticality), 0), 0) AS us_share_critical_hq,
       coalesce(sum(criticality) FILTER (WHERE us_parent AND NOT open_source AND alternative IS NULL)
           / nullif(sum(criticality), 0), 0) AS hard_lockin_share,
       coalesce(sum(criticality) FILTER (WHERE us_parent AND needs_vendor_service)
           / nullif(sum(criticality), 0), 0) AS kill_switch_share
FROM sov_stack
GROUP BY as_of
ORDER BY as_of
