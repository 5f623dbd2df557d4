-- title: OpenMetrics reader: one row per label set
-- returns: nothing; om_series, one row per label-set id (lid, the labels in their order) with its order-free key (ckey), and how many different texts share the id (1 unless two hash alike)
CREATE OR REPLACE TEMP TABLE om_series AS
SELECT lid, any_value(ckey) AS ckey, any_value(labels) AS labels, any_value(canon) AS canon,
       any_value(rendered) AS rendered, any_value(gpu_uuid) AS gpu_uuid, any_value(mig) AS mig,
       any_value(mig_profile) AS mig_profile,
       any_value(hostname) AS hostname, any_value(gpu_index) AS gpu_index, any_value(model) AS model,
       count(DISTINCT labels) AS sets
FROM om_series_raw
GROUP BY lid
