-- title: Sovereignty trend: US dependency of the stack at every snapshot
-- returns: one row per snapshot: snapshot_date (date), components (count), spend_eur (EUR per year), us_share_count, us_share_spend, us_share_critical (ratios 0..1, US-controlled by ultimate parent), us_share_spend_hq, us_share_critical_hq (ratios 0..1, US-headquartered), hard_lockin_share, kill_switch_share (ratios 0..1, criticality-weighted), unknown_share_count, unknown_share_spend, unknown_share_critical (ratios 0..1, jurisdiction unknown: ultimate parent's country ZZ); spend shares are NULL (no data) at a snapshot where no component has spend recorded
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
