-- title: Drill-down, pod to racks: delivered FLOPS (estimate), nameplate and health per rack of one pod
-- returns: one row per rack of the pod, by rack
-- param: start TIMESTAMP: start of the range, UTC, inclusive
-- param: end TIMESTAMP: end of the range, UTC, exclusive
-- param: precision VARCHAR = bf16: numeric precision the work runs at (fp64, tf32, bf16, fp8, fp4)
-- param: hot_temp_c DOUBLE = 85: a sample above this GPU temperature (degC) is hot
-- param: pod VARCHAR: the pod to break down (as in the inventory's pod column)
-- uses: gpu_levels (queries/definitions/010_performance.sql)
-- column: pod text: pod
-- column: rack text: rack
-- column: gpus count: GPUs — inventory
-- column: gpus_reporting count: GPUs reporting — with a sample in the range
-- column: gpus_without_counters count: without counters — reporting without the activity counter for the precision: not counted, not zero
-- column: gpus_peak_unknown count: peak unknown — no catalog peak at the precision
-- column: peak_tflops TFLOPS: nameplate — dense nameplate at the precision of the inventory GPUs of known peak
-- column: delivered_tflops TFLOPS: delivered, est. — estimate: per GPU the range mean of activity × min(SM clock / max boost, 1) × dense peak, summed
-- column: mfu ratio: MFU, est. — delivered / nameplate of the GPUs counted
-- column: util_pct %: GPU_UTIL, busy — mean DCGM_FI_DEV_GPU_UTIL: a kernel was running
-- column: tensor_active_pct %: tensor active — mean tensor-pipe activity × 100
-- column: power_kw kW: power — mean power summed over GPUs
-- column: max_temp_c degC: max temperature
-- column: xid_gpus count: GPUs with XID — GPUs with an XID in the range
-- column: hot_gpus count: hot GPUs — GPUs above hot_temp_c
--
-- Drill-down level pod → rack: the racks of one pod.
-- Every level uses the same rules (macro gpu_levels).
SELECT pod, rack, gpus, gpus_reporting, gpus_without_counters, gpus_peak_unknown, peak_tflops, delivered_tflops, mfu,
       util_pct, tensor_active_pct, power_kw, max_temp_c, xid_gpus, hot_gpus
FROM gpu_levels($start, $end, $precision, $hot_temp_c, 'rack', $pod, NULL)
ORDER BY pod, rack
