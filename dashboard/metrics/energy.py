"""Energy figures derived from two query results (kept here so pages only draw)."""
from __future__ import annotations

import math


def gflops_per_watt(delivered_tflops: float | None, facility_kw: float | None) -> float | None:
    """GFLOPS per watt: TFLOPS over the power given (facility, or IT for a Green500-like figure)."""
    if not delivered_tflops or not facility_kw or math.isnan(delivered_tflops) or math.isnan(facility_kw):
        return None
    return delivered_tflops * 1e3 / (facility_kw * 1e3)


def green500_first(path=None) -> dict | None:
    """The Green500's first place from the shipped reference file (queries/reference/green500.csv):
    system, gflops_per_watt (float), precision, basis, list; None if the file has no rank 1."""
    import csv

    from ..config import QUERIES_DIR

    path = path or QUERIES_DIR / "reference" / "green500.csv"
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row.get("rank") == "1":
                return {**row, "gflops_per_watt": float(row["gflops_per_watt"])}
    return None
