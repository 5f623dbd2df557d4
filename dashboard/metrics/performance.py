"""Performance against the target: thin functions over the ``queries/perf_*.sql`` figures.

Every number comes from a named query; these helpers only fill the parameters the way the page
and ``aifd query`` do (settings for the precision, target, idle and temperature rules), so a test,
a notebook or a report builder gets exactly the page's figures.

Delivered FLOPS are an *estimate* (REFERENCE.md "Delivered FLOPS from counters"): per sample
``activity × min(SM clock / max boost clock, 1) × dense peak at the precision``, averaged per GPU
within a bucket and summed over GPUs. GPUs without the activity counter are counted, never taken as
zero; GPUs of a model missing from the catalog are shown as "peak unknown".
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb

from .. import queries
from ..config import PRECISIONS, Settings, load_settings
from .common import settings_params

#: The queries behind the Performance page, in the order the page draws them.
QUERIES = (
    "perf_headline", "perf_claim_check", "perf_delivered", "perf_rack_heatmap", "perf_pods",
    "perf_racks", "perf_nodes", "perf_gpus", "perf_gpu_series", "perf_idle_gpus",
    "perf_unhealthy_gpus",
)


IDLE_RULE = ("A GPU is idle while neither its tensor pipe nor its FP64 pipe is active "
             "(DCGM_FI_PROF_PIPE_TENSOR_ACTIVE and _FP64_ACTIVE both below {threshold:.0%}) for at "
             "least {minutes} minutes without a break; samples without these counters are unknown, "
             "never idle.")


def params(settings: Settings | None = None, **given: Any) -> dict[str, Any]:
    """Settings as defaults, then the caller's values (as ``ui.run`` and ``aifd query`` merge them)."""
    return {**settings_params(settings or load_settings()), **given}


def run(con: duckdb.DuckDBPyConnection, name: str, settings: Settings | None = None,
        **given: Any) -> queries.Result:
    """Run one of the performance queries with the configured defaults."""
    if name not in QUERIES:
        raise queries.QueryError(f"{name!r} is not a performance query; known: {', '.join(QUERIES)}")
    return queries.run(con, name, **params(settings, **given))


def headline(con, start: datetime, end: datetime, settings: Settings | None = None, **kw) -> queries.Result:
    return run(con, "perf_headline", settings, start=start, end=end, **kw)


def delivered(con, start: datetime, end: datetime, bucket_minutes: int = 60,
              settings: Settings | None = None, **kw) -> queries.Result:
    return run(con, "perf_delivered", settings, start=start, end=end, bucket_minutes=bucket_minutes, **kw)


def claim_check(con, settings: Settings | None = None, **kw) -> queries.Result:
    return run(con, "perf_claim_check", settings, **kw)


def idle_gpus(con, start: datetime, end: datetime, settings: Settings | None = None, **kw) -> queries.Result:
    return run(con, "perf_idle_gpus", settings, start=start, end=end, **kw)


def unhealthy_gpus(con, start: datetime, end: datetime, settings: Settings | None = None,
                   **kw) -> queries.Result:
    return run(con, "perf_unhealthy_gpus", settings, start=start, end=end, **kw)


def drill(con, start: datetime, end: datetime, pod: str | None = None, rack: str | None = None,
          hostname: str | None = None, settings: Settings | None = None, **kw) -> queries.Result:
    """The drill-down table below the deepest level chosen: pods, a pod's racks, a rack's nodes,
    a node's GPUs."""
    if hostname:
        return run(con, "perf_gpus", settings, start=start, end=end, hostname=hostname, **kw)
    if rack:
        return run(con, "perf_nodes", settings, start=start, end=end, rack=rack, **kw)
    if pod:
        return run(con, "perf_racks", settings, start=start, end=end, pod=pod, **kw)
    return run(con, "perf_pods", settings, start=start, end=end, **kw)


def check_precision(precision: str) -> str:
    p = precision.lower()
    if p not in PRECISIONS:
        raise ValueError(f"precision {precision!r} is not one of {', '.join(PRECISIONS)}")
    return p
