"""Energy figures derived from two query results (kept here so pages only draw)."""
from __future__ import annotations

import math


def gflops_per_watt(delivered_tflops: float | None, facility_kw: float | None) -> float | None:
    """Delivered GFLOPS per watt of facility power (the Green500 measure uses the system's power)."""
    if not delivered_tflops or not facility_kw or math.isnan(delivered_tflops) or math.isnan(facility_kw):
        return None
    return delivered_tflops * 1e3 / (facility_kw * 1e3)
