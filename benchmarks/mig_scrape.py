"""A MIG fleet as one OpenMetrics file, to time the MIG pivot: `python benchmarks/mig_scrape.py 1000 60 mig.om`
then `time aifd --db scratch.duckdb ingest mig.om`.

GPUS H100s, each split into four 1g.10gb instances and one 3g.40gb (7 of 7 slices), one sample a
minute for MINUTES minutes of power, tensor and SM activity and temperature per instance, as
dcgm-exporter writes them under MIG (device-level fields repeated in every instance's series).
A benchmark prints figures; it asserts nothing.
"""
from __future__ import annotations

import argparse
import random

T0 = 1_795_000_000  # 2026-11-18 11:06:40 UTC
INSTANCES = (("1g.10gb", "9"), ("1g.10gb", "10"), ("1g.10gb", "11"), ("1g.10gb", "12"), ("3g.40gb", "2"))
METRICS = ("DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", "DCGM_FI_PROF_SM_ACTIVE",
           "DCGM_FI_DEV_GPU_TEMP")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gpus", type=int)
    ap.add_argument("minutes", type=int)
    ap.add_argument("out")
    a = ap.parse_args()
    rnd = random.Random(1)
    samples = 0
    with open(a.out, "w") as f:
        for name in METRICS:
            f.write(f"# TYPE {name} gauge\n")
            for g in range(a.gpus):
                gpu = f'gpu="{g % 8}",UUID="GPU-{g:05d}",modelName="NVIDIA H100 80GB HBM3",Hostname="n{g // 8:04d}"'
                for profile, gi in INSTANCES:
                    labels = f'{gpu},GPU_I_PROFILE="{profile}",GPU_I_ID="{gi}"'
                    for m in range(a.minutes):
                        value = (300 + g % 100 if name == "DCGM_FI_DEV_POWER_USAGE" else
                                 60 if name == "DCGM_FI_DEV_GPU_TEMP" else round(rnd.random(), 4))
                        f.write(f"{name}{{{labels}}} {value} {T0 + 60 * m}\n")
                        samples += 1
        f.write("# EOF\n")
    print(f"{a.out}: {a.gpus:,} GPUs x {len(INSTANCES)} MIG instances x {a.minutes} minutes: {samples:,} samples")


if __name__ == "__main__":
    main()
