"""The benchmark is `aifd bench` (dashboard/benchmark.py); this script runs it from a checkout.

    python benchmarks/bench.py --gpus 10000 --days 1 [--scales 1,4,16] [--no-prometheus]
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
