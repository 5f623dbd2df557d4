-- title: Power draw over time by meter kind
-- returns: one row per bucket and series
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: bucket_minutes INTEGER = 60: bucket width in minutes
-- column: bucket UTC: bucket start — UTC start
-- column: series text: series — facility, it, cooling, renewable, reuse meters; gpus = sum of GPU power
-- column: kw kW: power — mean power in the bucket, kW
WITH meter AS (
    SELECT time_bucket(to_minutes($bucket_minutes), s.ts) AS bucket, k.kind AS series, s.meter_id,
           avg(s.power_kw) AS kw
    FROM meter_samples s JOIN meters k USING (meter_id)
    WHERE s.ts >= $start AND s.ts < $end
    GROUP BY ALL
), gpu AS (
    -- mean power per GPU in the bucket, then summed over GPUs (GPUs sampled at different times count once)
    SELECT bucket, 'gpus' AS series, sum(w) / 1000 AS kw FROM (
        SELECT time_bucket(to_minutes($bucket_minutes), ts) AS bucket, gpu_id, avg(power_w) AS w
        FROM gpu_samples WHERE ts >= $start AND ts < $end GROUP BY ALL
    ) GROUP BY bucket
)
SELECT bucket, series, sum(kw) AS kw FROM meter GROUP BY ALL
UNION ALL
SELECT bucket, series, kw FROM gpu
ORDER BY bucket, series
