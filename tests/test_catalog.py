"""The GPU catalog agrees with the sources it cites: every per-GPU figure is recomputed from the
totals its `source` column states ("totals for N GPUs: FP64 296 TF; BF16 36 PF sparse; ...",
"derived: FP8 = FP4 / 2; ...")."""
from __future__ import annotations

import csv
import math
import re

import pytest

from dashboard.config import QUERIES_DIR

CATALOG = QUERIES_DIR / "reference" / "gpu_models.csv"
PRECISIONS = ("fp64", "tf32", "bf16", "fp8", "fp4")
UNIT = {"TF": 1.0, "PF": 1000.0}
TOTALS = re.compile(r"totals for (\d+) GPUs?:")
FIGURE = re.compile(r"\b(FP64|FP32|TF32|BF16|FP8|FP4) ([\d.,]+) (TF|PF)(?: (dense|sparse))?")
DERIVED = re.compile(r"\b(FP64|TF32|BF16|FP8|FP4) = (FP32|TF32|BF16|FP8|FP4) / (\d+)")


def rows() -> list[dict]:
    with CATALOG.open(newline="") as f:
        return list(csv.DictReader(f))


def stated(source: str) -> tuple[dict[str, float], dict[str, float]]:
    """Per-GPU (dense, sparse) TFLOPS by precision from the totals the source states."""
    m = TOTALS.search(source)
    assert m, f"source does not state its totals ('totals for N GPUs: ...'): {source}"
    n = int(m.group(1))
    facts = source[m.end():].split("derived:")[0]
    dense: dict[str, float] = {}
    sparse: dict[str, float] = {}
    for prec, num, unit, basis in FIGURE.findall(facts):
        value = float(num.replace(",", "")) * UNIT[unit] / n
        (sparse if basis == "sparse" else dense)[prec.lower()] = value
    # datasheets give TF32/BF16/FP8 with 2:4 sparsity only: dense is half (NVIDIA's footnote)
    for prec in ("tf32", "bf16", "fp8", "fp4"):
        if prec not in dense and prec in sparse and (prec != "fp4" or "fp4" not in dense):
            dense[prec] = sparse[prec] / 2
    if "derived:" in source:
        for target, base, divisor in DERIVED.findall(source.split("derived:")[1]):
            dense[target.lower()] = dense[base.lower()] / int(divisor)
    return dense, sparse


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-4)


@pytest.mark.parametrize("row", rows(), ids=lambda r: r["model"])
def test_every_per_gpu_figure_follows_from_the_totals_in_its_source(row):
    dense, sparse = stated(row["source"])
    for prec in PRECISIONS:
        stored = row[f"{prec}_tflops"]
        if prec not in dense:
            assert stored == "", f"{row['model']} {prec}: {stored} TF stored, the source gives no figure"
            continue
        assert stored, f"{row['model']} {prec}: the source gives {dense[prec]:g} TF, the catalog none"
        assert close(float(stored), dense[prec]), \
            f"{row['model']} {prec}: catalog {stored} TF, source totals give {dense[prec]:.4f} TF"
    if row["fp4_tflops"]:
        factor = float(row["fp4_sparse_factor"] or 2)
        fp4_sparse = float(row["fp4_tflops"]) * factor
        want = sparse.get("fp4", 2 * dense["fp4"])
        assert close(fp4_sparse, want), f"{row['model']}: FP4 sparse {fp4_sparse} TF, source {want} TF"
        # and it prints as the source's figure, not as 17,999.9955
        assert f"{fp4_sparse:,.1f}" == f"{want:,.1f}"


def test_the_parser_reads_the_known_cases():
    dense, sparse = stated("X datasheet, totals for 72 GPUs: FP64 100 TF; BF16 360 PF sparse; "
                           "FP4 1080 PF dense; FP4 1440 PF sparse")
    assert close(dense["fp64"], 100 / 72) and dense["bf16"] == 2500 and dense["fp4"] == 15000
    assert sparse["fp4"] == 20000
    dense, _ = stated("Y datasheet, totals for 1 GPU: FP4 4 PF sparse; FP32 120 TF; "
                      "derived: FP8 = FP4 / 2; BF16 = FP8 / 2; FP64 = FP32 / 64")
    assert dense == {"fp4": 2000, "fp32": 120, "fp8": 1000, "bf16": 500, "fp64": 120 / 64}


def test_a_wrong_figure_is_caught():
    row = next(r for r in rows() if r["model"] == "NVIDIA GB300")
    dense, _ = stated(row["source"])
    assert not close(1.25, dense["fp64"])   # the value the catalog held before: 1.25 ≠ 100 / 72
