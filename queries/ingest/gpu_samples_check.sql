-- title: Validate staged GPU samples
-- returns: every staged row plus series (GPU UUID) and reason (NULL = accepted; first failing rule wins)
-- uses: gpu_value_problem (queries/definitions/030_value_limits.sql)
-- param: find_duplicates BOOLEAN = true: look for rows of the same GPU and timestamp; false when the
--   derived tables' ordered pass finds them after the insert instead (a load of files: the pass
--   reads each GPU's samples in time order anyway, so a repeated timestamp costs nothing to see
--   there, and the loader then loads the file again with this true: dashboard/ingest/loader.py)
-- Duplicates (same GPU and timestamp) are found by a hash aggregate over one 64-bit key per row (the
-- hash of UUID and time), not a window over every row; the few candidates are then checked exactly.
WITH candidates AS (
    SELECT hash(gpu_uuid, ts) AS h FROM stage WHERE $find_duplicates GROUP BY 1 HAVING count(*) > 1
),
dups AS (
    SELECT s.gpu_uuid, s.ts, min(s.line) AS first_line
    FROM stage s SEMI JOIN candidates c ON hash(s.gpu_uuid, s.ts) = c.h
    GROUP BY s.gpu_uuid, s.ts HAVING count(*) > 1
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
        ELSE coalesce(
            gpu_value_problem('util', s.util),
            gpu_value_problem('tensor_active', s.tensor_active),
            gpu_value_problem('fp64_active', s.fp64_active),
            gpu_value_problem('sm_active', s.sm_active),
            gpu_value_problem('power_w', s.power_w),
            gpu_value_problem('energy_j', s.energy_j),
            gpu_value_problem('temp_c', s.temp_c),
            gpu_value_problem('sm_clock_mhz', s.sm_clock_mhz),
            gpu_value_problem('xid', s.xid),
            CASE WHEN s.dup_rank > 1 THEN 'duplicate of line ' || s.first_line || ' (same GPU and timestamp)' END)
    END AS reason
FROM s LEFT JOIN gpus g USING (gpu_uuid)
