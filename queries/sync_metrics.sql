-- title: Live sources per series: what is stored, up to when
-- returns: one row per source and series name the sync reads, by source, kind and series
-- param: now TIMESTAMP = NULL: lag is measured to this time (UTC; default: now)
-- column: source text: source
-- column: grp text: kind — gpu, link or meter
-- column: metric text: series — the name queried, e.g. DCGM_FI_DEV_POWER_USAGE
-- column: covered_from UTC: stored from
-- column: covered_to UTC: stored up to — exclusive; the watermark of this series
-- column: holes count: holes — gaps between stored intervals (0: contiguous; the next sync fills them)
-- column: samples count: samples — received from the server
-- column: last_sample UTC: newest sample
-- column: lag_min min: lag — newest sample's distance from now, in minutes (empty: the server had none)
SELECT source, grp, metric, min(cov_start) AS covered_from, max(cov_end) AS covered_to,
       count(*) - 1 AS holes, sum(samples)::BIGINT AS samples, max(last_sample) AS last_sample,
       round((epoch(coalesce($now, now()::TIMESTAMP)) - epoch(max(last_sample))) / 60, 1) AS lag_min
FROM sync_coverage
GROUP BY source, grp, metric
ORDER BY source, CASE grp WHEN 'gpu' THEN 1 WHEN 'link' THEN 2 ELSE 3 END, metric
