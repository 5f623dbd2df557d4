-- title: Utilization heatmap: pods by time bucket (GPU_UTIL "busy" and tensor activity "useful"); pick a pod for its racks (perf_rack_heatmap)
-- returns: one row per pod and time bucket
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: bucket_minutes INTEGER = 60: bucket width in minutes
-- param: precision VARCHAR = bf16: numeric precision the work runs at (fp64, tf32, bf16, fp8, fp4)
-- uses: gpu_peaks, gpu_activity (queries/definitions/010_performance.sql)
-- column: pod text: pod
-- column: bucket UTC: bucket start — bucket start
-- column: bucket_end UTC: bucket end — exclusive
-- column: util_pct %: GPU_UTIL, busy — mean DCGM_FI_DEV_GPU_UTIL: a kernel was running
-- column: tensor_active_pct %: tensor active — mean tensor-pipe activity × 100, GPUs with the counter
-- column: delivered_tflops TFLOPS: delivered, est. — estimate, summed over the pod's GPUs
-- column: mfu ratio: MFU, est.
-- column: racks count: racks — reporting in the bucket
-- column: gpus_reporting count: GPUs reporting
-- column: gpus_without_counters count: without counters — reporting GPUs without the activity counter for the precision in the bucket
--
-- The fleet level of the heatmap drill-down: the same arithmetic as perf_rack_heatmap, one row per pod.
WITH per_gpu AS (
    SELECT time_bucket(to_minutes($bucket_minutes), a.ts) AS bucket, a.gpu_id,
           coalesce(any_value(g.pod), '(no pod)') AS pod, any_value(g.rack) AS rack, any_value(a.peak) AS peak,
           avg(a.act_eff) AS act_eff, count(a.act) AS n_act,
           avg(a.util) AS util, avg(a.tensor_active) AS tensor_active
    FROM gpu_activity($start, $end, $precision) a JOIN gpu_peaks($precision) g USING (gpu_id)
    GROUP BY 1, 2
)
SELECT pod, bucket, bucket + to_minutes($bucket_minutes) AS bucket_end,
       avg(util) AS util_pct,
       100 * avg(tensor_active) AS tensor_active_pct,
       sum(act_eff * peak) AS delivered_tflops,
       sum(act_eff * peak) / nullif(sum(peak) FILTER (WHERE n_act > 0), 0) AS mfu,
       count(DISTINCT rack) AS racks,
       count(*) AS gpus_reporting,
       count(*) FILTER (WHERE n_act = 0) AS gpus_without_counters
FROM per_gpu
GROUP BY pod, bucket, bucket_end
ORDER BY pod, bucket
