-- title: US dependency per stack layer
-- returns: one row per layer (all layers, bottom of the stack first); spend shares are NULL (no data) for a layer without spend recorded
-- param: snapshot DATE = NULL: the stack as of this date; NULL: the latest snapshot
-- column: layer text: layer — all layers, bottom of the stack first
-- column: label text: label
-- column: components count: components — count
-- column: spend_eur EUR/yr: spend
-- column: criticality 1: criticality — sum of weights
-- column: us_share_count ratio: US share, count
-- column: us_share_spend ratio: US share, spend
-- column: us_share_critical ratio: US share, criticality — ratios 0..1 within the layer, US-controlled by ultimate parent
-- column: us_share_critical_hq ratio: US HQ share, criticality — US-headquartered
-- column: hard_lockin_share ratio: hard lock-in
-- column: kill_switch_share ratio: kill switch — ratios 0..1 within the layer, criticality-weighted
-- column: us_critical_of_stack ratio: US share of stack — ratio 0..1: the layer's US-controlled criticality over the whole stack's, so the layers add up to the headline us_share_critical
-- column: unknown_share_count ratio: unknown share, count
-- column: unknown_share_spend ratio: unknown share, spend
-- column: unknown_share_critical ratio: unknown share, criticality — ratios 0..1 within the layer, jurisdiction unknown (ultimate parent's country ZZ)
-- column: unknown_critical_of_stack ratio: unknown share of stack — the layer's criticality of unknown jurisdiction over the whole stack's; adds up to the headline unknown_share_critical
-- formula: per layer L: us_share_critical = Σ_L criticality·[US] / Σ_L criticality; us_critical_of_stack = Σ_L criticality·[US] / Σ_all criticality; the unknown shares likewise with [ultimate parent's country unknown]
WITH cur AS (SELECT max(as_of) AS d FROM sov_stack WHERE $snapshot IS NULL OR as_of <= $snapshot),
s AS (SELECT * FROM sov_stack WHERE as_of = (SELECT d FROM cur)),
total AS (SELECT sum(criticality) AS crit FROM s)
SELECT l.layer, l.label,
       count(s.component_id) AS components,
       coalesce(sum(s.spend_eur), 0) AS spend_eur,
       coalesce(sum(s.criticality), 0) AS criticality,
       coalesce(avg(s.us_parent::INTEGER), 0) AS us_share_count,
       weighted_share(s.spend_eur, s.us_parent) AS us_share_spend,
       coalesce(sum(s.criticality) FILTER (WHERE s.us_parent) / nullif(sum(s.criticality), 0), 0) AS us_share_critical,
       coalesce(sum(s.criticality) FILTER (WHERE s.us_hq) / nullif(sum(s.criticality), 0), 0) AS us_share_critical_hq,
       coalesce(sum(s.criticality) FILTER (WHERE s.us_parent AND NOT s.open_source AND s.alternative IS NULL)
           / nullif(sum(s.criticality), 0), 0) AS hard_lockin_share,
       coalesce(sum(s.criticality) FILTER (WHERE s.us_parent AND s.needs_vendor_service)
           / nullif(sum(s.criticality), 0), 0) AS kill_switch_share,
       coalesce(sum(s.criticality) FILTER (WHERE s.us_parent) / nullif((SELECT crit FROM total), 0), 0) AS us_critical_of_stack,
       coalesce(avg((s.control_country = 'ZZ')::INTEGER), 0) AS unknown_share_count,
       weighted_share(s.spend_eur, s.control_country = 'ZZ') AS unknown_share_spend,
       coalesce(sum(s.criticality) FILTER (WHERE s.control_country = 'ZZ') / nullif(sum(s.criticality), 0), 0)
           AS unknown_share_critical,
       coalesce(sum(s.criticality) FILTER (WHERE s.control_country = 'ZZ') / nullif((SELECT crit FROM total), 0), 0)
           AS unknown_critical_of_stack
FROM sov_layers l
LEFT JOIN s ON s.layer = l.layer
GROUP BY l.layer, l.label, l.ord
ORDER BY l.ord
