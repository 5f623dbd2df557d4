-- title: Idle GPUs: neither tensor nor FP64 pipe active for at least idle_minutes at a stretch
-- returns: one row per idle GPU, most idle first: gpu_uuid, hostname, gpu_index, rack, pod, model, idle_stretches (runs of idle samples at least idle_minutes long), idle_minutes_total (min, in those runs), longest_idle_minutes (min), idle_from (UTC, start of the first such run), idle_until (UTC, end of the last one), idle_now (BOOLEAN, the last run reaches the GPU's last sample in the range), idle_share (ratio 0..1 of the GPU's observed time), peak_tflops (TFLOPS, the GPU's dense nameplate at the precision: capacity idle while it idles; NULL = peak unknown), peak_target_share (ratio, peak_tflops / target), lost_tflops (TFLOPS, peak × idle_share: capacity lost on average over the range), lost_target_share (ratio, lost_tflops / target)
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: precision VARCHAR = bf16: precision whose nameplate peak prices the idle capacity (fp64, tf32, bf16, fp8, fp4)
-- param: target_tflops DOUBLE = 500000: the target in TFLOPS (0.5 EF = 500,000 TFLOPS)
-- param: idle_threshold DOUBLE = 0.05: a sample is idle when max(tensor_active, fp64_active) is below this ratio
-- param: idle_minutes INTEGER = 60: an idle run counts when it lasts at least this many minutes
--
-- The rule (gaps and islands): per GPU, samples in time order; a sample is idle when both the
-- tensor-pipe and the FP64-pipe activity are below the threshold (a sample without either counter
-- is unknown and breaks a run, so GPUs without profiling counters are never listed here). A run of
-- idle samples also breaks where samples are missing for more than two sampling steps. A run lasts
-- from its first idle sample to its last plus one sampling step (the GPU's median interval between
-- samples), so 12 idle samples 5 minutes apart make 60 minutes.
WITH prm AS (
    SELECT CASE WHEN lower($precision) IN ('fp64', 'tf32', 'bf16', 'fp8', 'fp4') THEN lower($precision)
                ELSE error('precision must be one of fp64, tf32, bf16, fp8, fp4, not ' || $precision) END AS p
),
g AS (
    SELECT g.gpu_id, g.gpu_uuid, g.hostname, g.gpu_index, g.rack, g.pod, g.model,
           CASE prm.p WHEN 'fp64' THEN m.fp64_tflops WHEN 'tf32' THEN m.tf32_tflops
                      WHEN 'bf16' THEN m.bf16_tflops WHEN 'fp8' THEN m.fp8_tflops
                      WHEN 'fp4' THEN m.fp4_tflops END AS peak
    FROM gpus g LEFT JOIN gpu_models m ON m.model = g.model, prm
),
s AS MATERIALIZED (
    SELECT gpu_id, ts,
           greatest(tensor_active, fp64_active) < $idle_threshold AS idle,
           lag(greatest(tensor_active, fp64_active) < $idle_threshold) OVER w AS prev_idle,
           epoch(ts) - epoch(lag(ts) OVER w) AS dt
    FROM gpu_samples
    WHERE ts >= $start AND ts < $end
    WINDOW w AS (PARTITION BY gpu_id ORDER BY ts)
),
step AS (
    SELECT gpu_id, coalesce(median(dt), 0) AS step_s, count(*) AS n, max(ts) AS last_ts
    FROM s GROUP BY gpu_id
),
-- idle samples only; a run starts where the sample before was not idle (or unknown) or is too far back
idle_rows AS (
    SELECT s.gpu_id, s.ts, st.step_s,
           NOT coalesce(s.prev_idle AND s.dt <= 2 * st.step_s, false) AS starts_run
    FROM s JOIN step st USING (gpu_id)
    WHERE s.idle
),
numbered AS (
    SELECT *, sum(starts_run::INTEGER) OVER (PARTITION BY gpu_id ORDER BY ts
                                             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run_no
    FROM idle_rows
),
islands AS (
    SELECT gpu_id, run_no, min(ts) AS run_from, max(ts) AS last_idle_ts,
           (epoch(max(ts)) - epoch(min(ts)) + any_value(step_s)) / 60.0 AS minutes
    FROM numbered
    GROUP BY gpu_id, run_no
),
per_gpu AS (
    SELECT i.gpu_id, count(*) AS idle_stretches, sum(i.minutes) AS idle_minutes_total,
           max(i.minutes) AS longest_idle_minutes, min(i.run_from) AS idle_from,
           max(i.last_idle_ts) + to_seconds(CAST(any_value(st.step_s) AS BIGINT)) AS idle_until,
           max(i.last_idle_ts) = any_value(st.last_ts) AS idle_now,
           least(sum(i.minutes) / nullif(any_value(st.n) * any_value(st.step_s) / 60.0, 0), 1.0) AS idle_share
    FROM islands i JOIN step st USING (gpu_id)
    WHERE i.minutes >= $idle_minutes
    GROUP BY i.gpu_id
)
SELECT g.gpu_uuid, g.hostname, g.gpu_index, g.rack, g.pod, g.model,
       p.idle_stretches, p.idle_minutes_total, p.longest_idle_minutes, p.idle_from, p.idle_until,
       p.idle_now, p.idle_share,
       g.peak AS peak_tflops,
       g.peak / $target_tflops AS peak_target_share,
       g.peak * p.idle_share AS lost_tflops,
       g.peak * p.idle_share / $target_tflops AS lost_target_share
FROM per_gpu p JOIN g USING (gpu_id)
ORDER BY p.idle_minutes_total DESC, g.hostname, g.gpu_uuid
