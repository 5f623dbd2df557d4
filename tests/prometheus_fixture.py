"""A real Prometheus server holding a generated fleet, once per test session.

``prometheus_sample`` generates a small fleet (64 GPUs, 1 day, 60 s), writes it as OpenMetrics,
back-fills a TSDB with promtool and serves it on 127.0.0.1. Without the binaries the tests are
skipped, except under CI=true where that is a failure.
"""
from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

import pytest

from sample_metrics.generate import generate
from sample_metrics.openmetrics import write_openmetrics
from sample_metrics.promserver import PrometheusServer, backfill

# 8 nodes (6 DGX B200, 2 RTX PRO 6000): idle, no-profiling, HPC, XID and counter-reset GPUs all occur
PROM_SAMPLE_ARGS = dict(gpus=64, days=1, interval_s=60, seed=11, start="2026-11-16T00:00:00Z")


class PromSample(NamedTuple):
    url: str
    folder: Path  # the generated fleet (Parquet + CSV + manifest.json)
    start: datetime  # first sample, UTC
    end: datetime  # last sample, UTC
    interval_s: int
    openmetrics: Path
    tsdb: Path


def require_prometheus() -> None:
    """Skip (locally) or fail (CI=true) when prometheus or promtool is missing."""
    missing = [b for b in ("prometheus", "promtool") if shutil.which(b) is None]
    if missing:
        msg = (f"{' and '.join(missing)} not installed: `make system-deps` as root, or "
               f"apt-get install prometheus")
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(msg)
        pytest.skip(msg)


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def fleet_tsdb(root: Path, generate_args: dict, **openmetrics_args) -> PromSample:
    """Generate a fleet into root/fleet, write it as OpenMetrics and back-fill root/tsdb; the
    returned PromSample has no URL yet (serve it with PrometheusServer(sample.tsdb))."""
    require_prometheus()
    folder = root / "fleet"
    generate(folder, **generate_args)
    params = json.loads((folder / "manifest.json").read_text())["params"]
    om = root / "fleet.om"
    write_openmetrics(folder, om, **openmetrics_args)
    tsdb = root / "tsdb"
    backfill(om, tsdb)
    return PromSample("", folder, _utc(params["start"]), _utc(params["last_ts"]), params["interval_s"], om, tsdb)


@pytest.fixture(scope="session")
def prometheus_sample(tmp_path_factory) -> PromSample:
    sample = fleet_tsdb(tmp_path_factory.mktemp("prometheus"), PROM_SAMPLE_ARGS)
    with PrometheusServer(sample.tsdb) as prom:
        yield sample._replace(url=prom.url)
