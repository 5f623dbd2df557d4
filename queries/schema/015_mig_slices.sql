-- Migration 015: gpu_models.mig_slices, the compute slices of the whole GPU under MIG (the N of its
-- full "Ng" profile: 7 on A100, H100, H200, B200, GB200; 4 on A30 and RTX PRO 6000 Blackwell).
-- NVIDIA, Multi-Instance GPU User Guide, "Supported GPUs" (Max Number of Instances) and "Supported
-- MIG Profiles" (a 1g profile has 1/7 of the SMs on A100 and H100, 1/4 on A30).
-- The readers weight a MIG instance's profiling ratios by its slices (GPU_I_PROFILE "3g.40gb": 3)
-- over this count, so an unallocated slice counts as inactive (docs/real-inputs.md, "MIG").
-- Models of the shipped catalog get the guide's figure; a model it does not list stays NULL.

ALTER TABLE gpu_models ADD COLUMN IF NOT EXISTS mig_slices INTEGER;
UPDATE gpu_models SET mig_slices = CASE model
        WHEN 'NVIDIA B200' THEN 7
        WHEN 'NVIDIA GB200' THEN 7
        WHEN 'NVIDIA H100 80GB HBM3' THEN 7
        WHEN 'NVIDIA H200' THEN 7
        WHEN 'NVIDIA RTX PRO 6000 Blackwell Server Edition' THEN 4
    END
WHERE mig_slices IS NULL;
