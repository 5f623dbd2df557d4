-- title: Power draw over time by meter kind
-- returns: one row per bucket and series
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: bucket_minutes INTEGER = 60: bucket width in minutes
-- uses: gpu_fleet_intervals (queries/definitions/010_performance.sql), meter_buckets (queries/definitions/040_energy.sql)
-- column: bucket UTC: bucket start
-- column: series text: series — facility, it, cooling, renewable, reuse meters; gpus = sum of GPU power
-- column: kw kW: power — mean power in the bucket, kW
-- Meters: the mean of each meter's samples in the bucket (from its 5-minute sums), summed per kind.
-- GPUs: per 5-minute interval each GPU's mean power, summed over the fleet (gpu_fleet_intervals); a
-- bucket's value is the mean over its intervals with data.
WITH meter AS (   -- from the 5-minute rollups; a bucket under 5 minutes (a range of an hour) from the samples
    SELECT time_bucket(to_minutes($bucket_minutes), r.bucket) AS bucket, k.kind AS series, r.meter_id,
           sum(r.power_sum) / nullif(sum(r.power_n), 0) AS kw
    FROM meter_buckets($start, CASE WHEN $bucket_minutes % 5 = 0 THEN $end ELSE $start END) r
    JOIN meters k USING (meter_id)
    GROUP BY ALL
    UNION ALL
    SELECT time_bucket(to_minutes($bucket_minutes), s.ts) AS bucket, k.kind AS series, s.meter_id,
           avg(s.power_kw) AS kw
    FROM meter_samples s JOIN meters k USING (meter_id)
    WHERE $bucket_minutes % 5 <> 0 AND s.ts >= $start AND s.ts < $end
    GROUP BY ALL
), gpu AS (
    SELECT time_bucket(to_minutes($bucket_minutes), bucket) AS bucket, 'gpus' AS series, avg(w) / 1000 AS kw
    FROM (SELECT bucket, sum(power_mean_sum) AS w FROM gpu_fleet_intervals($start, $end, 'bf16', 'pod', NULL) GROUP BY bucket)
    GROUP BY 1
)
SELECT bucket, series, sum(kw) AS kw FROM meter GROUP BY ALL
UNION ALL
SELECT bucket, series, kw FROM gpu
ORDER BY bucket, series
