-- title: Idle GPUs: neither tensor nor FP64 pipe active for at least idle_minutes at a stretch
-- returns: one row per idle GPU, most idle first: gpu_uuid, hostname, gpu_index, rack, pod, model, idle_stretches (runs of idle samples at least idle_minutes long), idle_minutes_total (min, in those runs), longest_idle_minutes (min), idle_from (UTC, start of the first such run), idle_until (UTC, end of the last one), idle_now (BOOLEAN, the last run reaches the GPU's last sample in the range), idle_share (ratio 0..1 of the GPU's observed time), peak_tflops (TFLOPS, the GPU's dense nameplate at the precision: capacity idle while it idles; NULL = peak unknown), peak_target_share (ratio, peak_tflops / target), lost_tflops (TFLOPS, peak × idle_share: capacity lost on average over the range), lost_target_share (ratio, lost_tflops / target)
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: precision VARCHAR = bf16: precision whose nameplate peak prices the idle capacity (fp64, tf32, bf16, fp8, fp4)
-- param: target_tflops DOUBLE = 500000: the target in TFLOPS (0.5 EF = 500,000 TFLOPS)
-- param: idle_threshold DOUBLE = 0.05: a sample is idle when max(tensor_active, fp64_active) is below this ratio
-- param: idle_minutes INTEGER = 60: an idle run counts when it lasts at least this many minutes
-- uses: gpu_peaks, gpu_idle (queries/schema/003_performance_macros.sql)
--
-- The rule (gaps and islands): per GPU, samples in time order; a sample is idle when both the
-- tensor-pipe and the FP64-pipe activity are below the threshold (a sample without either counter
-- is unknown and breaks a run, so GPUs without profiling counters are never listed here). A run of
-- idle samples also breaks where samples are missing for more than two sampling steps. A run lasts
-- from its first idle sample to its last plus one sampling step (the GPU's median interval between
-- samples), so 12 idle samples 5 minutes apart make 60 minutes.
SELECT g.gpu_uuid, g.hostname, g.gpu_index, g.rack, g.pod, g.model,
       p.idle_stretches, p.idle_minutes_total, p.longest_idle_minutes, p.idle_from, p.idle_until,
       p.idle_now, p.idle_share,
       g.peak AS peak_tflops,
       g.peak / $target_tflops AS peak_target_share,
       g.peak * p.idle_share AS lost_tflops,
       g.peak * p.idle_share / $target_tflops AS lost_target_share
FROM gpu_idle($start, $end, $idle_threshold, $idle_minutes) p JOIN gpu_peaks($precision) g USING (gpu_id)
ORDER BY p.idle_minutes_total DESC, g.hostname, g.gpu_uuid
