"""Helpers every metric module shares: the stored data's time range, settings as parameters."""
from __future__ import annotations

from datetime import datetime, timedelta

import duckdb

from ..config import Settings


def data_range(con: duckdb.DuckDBPyConnection) -> tuple[datetime, datetime]:
    """[first, last + 1 s) over all stored telemetry; a day ending now when nothing is stored."""
    row = con.execute(
        "SELECT min(lo), max(hi) FROM ("
        " SELECT min(ts) lo, max(ts) hi FROM gpu_samples UNION ALL"
        " SELECT min(ts), max(ts) FROM link_samples UNION ALL"
        " SELECT min(ts), max(ts) FROM meter_samples)"
    ).fetchall()[0]
    if row[0] is None:
        end = datetime.utcnow().replace(microsecond=0)
        return end - timedelta(days=1), end
    return row[0], row[1] + timedelta(seconds=1)


def settings_params(s: Settings) -> dict[str, object]:
    """Configured values that queries may declare as parameters."""
    return {
        "target_tflops": s.target.tflops,
        "precision": s.target.precision,
        "idle_threshold": s.idle_threshold,
        "idle_minutes": s.idle_minutes,
        "hot_temp_c": s.hot_temp_c,
        "rubric": str(s.rubric_path.resolve()),
    }
