-- title: Validate staged GPU samples
-- returns: every staged row plus series (GPU UUID) and reason (NULL = accepted; first failing rule wins)
-- Duplicates (same GPU and timestamp) are found by a hash aggregate, not a window over every row.
WITH dups AS (
    SELECT gpu_uuid, ts, min(line) AS first_line FROM stage GROUP BY gpu_uuid, ts HAVING count(*) > 1
),
s AS (
    SELECT stage.*, d.first_line, CASE WHEN stage.line > d.first_line THEN 2 ELSE 1 END AS dup_rank
    FROM stage LEFT JOIN dups d USING (gpu_uuid, ts)
)
SELECT s.* EXCLUDE (first_line, dup_rank), s.gpu_uuid AS series,
    CASE
        WHEN s.parse_error IS NOT NULL THEN s.parse_error
        WHEN s.ts IS NULL THEN 'missing timestamp'
        WHEN s.ts < TIMESTAMP '2000-01-01' OR s.ts >= TIMESTAMP '2100-01-01'
            THEN 'timestamp ' || s.ts || ' is outside 2000..2099 (milliseconds given as seconds?)'
        WHEN s.gpu_uuid IS NULL THEN 'no GPU identity: UUID is missing'
        WHEN g.gpu_id IS NULL AND s.hostname IS NULL AND s.model IS NULL
            THEN 'unknown GPU ' || s.gpu_uuid || ': not in the inventory, and the row has no hostname or model to register it'
        WHEN s.util IS NULL AND s.tensor_active IS NULL AND s.fp64_active IS NULL AND s.sm_active IS NULL
             AND s.sm_clock_mhz IS NULL AND s.power_w IS NULL AND s.energy_j IS NULL AND s.temp_c IS NULL
             AND s.xid IS NULL THEN 'no metric values'
        WHEN s.util < 0 OR s.util > 100 THEN 'util ' || s.util || ' is outside 0..100 %'
        WHEN s.tensor_active < 0 OR s.tensor_active > 1
            THEN 'tensor_active ' || s.tensor_active || ' is outside the ratio 0..1'
                 || CASE WHEN s.tensor_active <= 100 THEN ' (percent given?)' ELSE '' END
        WHEN s.fp64_active < 0 OR s.fp64_active > 1
            THEN 'fp64_active ' || s.fp64_active || ' is outside the ratio 0..1'
                 || CASE WHEN s.fp64_active <= 100 THEN ' (percent given?)' ELSE '' END
        WHEN s.sm_active < 0 OR s.sm_active > 1
            THEN 'sm_active ' || s.sm_active || ' is outside the ratio 0..1'
                 || CASE WHEN s.sm_active <= 100 THEN ' (percent given?)' ELSE '' END
        WHEN s.power_w < 0 THEN 'negative power ' || s.power_w || ' W'
        WHEN s.power_w > 5000
            THEN 'power ' || s.power_w || ' W is implausible for one GPU (over 5 kW: mW given as W?)'
        WHEN s.energy_j < 0 THEN 'negative energy counter ' || s.energy_j || ' J'
        WHEN s.temp_c < -40 OR s.temp_c > 150 THEN 'temperature ' || s.temp_c || ' degC is outside -40..150'
        WHEN s.sm_clock_mhz < 0 OR s.sm_clock_mhz > 5000
            THEN 'SM clock ' || s.sm_clock_mhz || ' MHz is outside 0..5000 (Hz or GHz given?)'
        WHEN s.xid < 0 THEN 'negative XID code ' || s.xid
        WHEN s.dup_rank > 1 THEN 'duplicate of line ' || s.first_line || ' (same GPU and timestamp)'
    END AS reason
FROM s LEFT JOIN gpus g USING (gpu_uuid)
