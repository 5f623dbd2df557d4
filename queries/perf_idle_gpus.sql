-- title: Idle GPUs: neither tensor nor FP64 pipe active for at least idle_minutes at a stretch
-- returns: one row per idle GPU, most idle first
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: precision VARCHAR = bf16: precision whose nameplate peak prices the idle capacity (fp64, tf32, bf16, fp8, fp4)
-- param: target_tflops DOUBLE = 500000: the target in TFLOPS (0.5 EF = 500,000 TFLOPS)
-- param: idle_threshold DOUBLE = 0.05: a sample is idle when max(tensor_active, fp64_active) is below this ratio
-- param: idle_minutes INTEGER = 60: an idle run counts when it lasts at least this many minutes
-- uses: gpu_peaks, gpu_idle (queries/definitions/010_performance.sql)
-- column: gpu_uuid text: UUID
-- column: hostname text: node
-- column: gpu_index count: GPU
-- column: rack text: rack
-- column: pod text: pod
-- column: model text: model
-- column: idle_stretches count: idle stretches — runs of idle samples at least idle_minutes long
-- column: idle_minutes_total min: idle — in those runs
-- column: longest_idle_minutes min: longest idle
-- column: idle_from UTC: first idle — start of the first such run
-- column: idle_until UTC: last idle until — end of the last one
-- column: idle_now bool: idle at end — BOOLEAN, the last run reaches the GPU's last sample in the range
-- column: idle_share ratio: idle share — ratio 0..1 of the GPU's observed time
-- column: peak_tflops TFLOPS: nameplate — the GPU's dense nameplate at the precision: capacity idle while it idles; NULL = peak unknown
-- column: peak_target_share ratio: nameplate, share of target — peak_tflops / target
-- column: lost_tflops TFLOPS: lost, time-weighted — peak × idle_share: capacity lost on average over the range
-- column: lost_target_share ratio: lost, share of target — lost_tflops / target
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
