-- title: Unhealthy GPUs: XID errors (code named) and temperature above hot_temp_c
-- returns: one row per unhealthy GPU, XID GPUs first
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: precision VARCHAR = bf16: precision whose nameplate peak prices the capacity (fp64, tf32, bf16, fp8, fp4)
-- param: target_tflops DOUBLE = 500000: the target in TFLOPS
-- param: hot_temp_c DOUBLE = 85: a sample above this GPU temperature (degC) is hot
-- uses: gpu_peaks, gpu_health, gpu_sampling (queries/definitions/010_performance.sql)
-- column: gpu_uuid text: UUID
-- column: hostname text: node
-- column: gpu_index count: GPU
-- column: rack text: rack
-- column: pod text: pod
-- column: model text: model
-- column: problem text: problem — xid, hot or xid + hot
-- column: xid_codes text: XID codes — each code with its meaning and the number of samples showing it
-- column: xid_samples count: XID samples
-- column: first_xid UTC: first XID
-- column: last_xid UTC: last XID — time of the last sample with an XID
-- column: hot_samples count: hot samples — samples above hot_temp_c
-- column: max_temp_c degC: max temperature
-- column: affected_minutes min: affected — samples with an XID or above hot_temp_c × sampling step
-- column: affected_share ratio: affected share — ratio 0..1 of the GPU's observed time
-- column: peak_tflops TFLOPS: nameplate — dense nameplate at the precision: capacity at risk; NULL = peak unknown
-- column: peak_target_share ratio: nameplate, share of target — peak / target
-- column: lost_tflops TFLOPS: lost, time-weighted — peak × affected_share
-- column: lost_target_share ratio: lost, share of target — lost_tflops / target
WITH per_gpu AS (
    SELECT h.*, st.step_s
    FROM gpu_health($start, $end, $hot_temp_c) h JOIN gpu_sampling($start, $end) st USING (gpu_id)
    WHERE h.affected > 0
),
codes AS (
    SELECT c.gpu_id,
           string_agg(c.code || ' ' || coalesce(x.meaning, 'see the XID catalog') || ' (' || c.n || ' samples)',
                      '; ' ORDER BY c.code) AS xid_codes
    FROM (SELECT gpu_id, code, count(*) AS n FROM gpu_xid_events
          WHERE ts >= $start AND ts < $end GROUP BY ALL) c
    LEFT JOIN xid_codes x ON x.code = c.code
    GROUP BY c.gpu_id
)
SELECT g.gpu_uuid, g.hostname, g.gpu_index, g.rack, g.pod, g.model,
       CASE WHEN p.xid_samples > 0 AND p.hot_samples > 0 THEN 'xid + hot'
            WHEN p.xid_samples > 0 THEN 'xid' ELSE 'hot' END AS problem,
       c.xid_codes, p.xid_samples, p.first_xid, p.last_xid, p.hot_samples, p.max_temp_c,
       p.affected * p.step_s / 60.0 AS affected_minutes,
       p.affected_share,
       g.peak AS peak_tflops,
       g.peak / $target_tflops AS peak_target_share,
       g.peak * p.affected / p.samples AS lost_tflops,
       g.peak * p.affected / p.samples / $target_tflops AS lost_target_share
FROM per_gpu p JOIN gpu_peaks($precision) g USING (gpu_id) LEFT JOIN codes c USING (gpu_id)
ORDER BY (p.xid_samples > 0) DESC, p.affected DESC, g.hostname, g.gpu_uuid
