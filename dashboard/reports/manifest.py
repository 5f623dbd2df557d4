"""``manifest.json``: every file with its SHA-256 and size, every figure with its parameters, SQL
hash and data hash, the period and the stored data range, the ingest loads (with the SHA-256 the
ingest log recorded for each file) and the software that made the report.

``verify`` reads it back: the file hashes prove the files were not altered, the figures' names and
parameters let it re-run them against the database.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ..store import DEFINITIONS_DIR
from . import data

FORMAT = "aifd-report"
REPRODUCIBLE = ("Files marked reproducible are byte-identical when the same report (period, sections, "
                "settings) is made again from the same data with the same software versions; report.pdf "
                "is not, it carries its generation time. manifest.json is not listed: it cannot hold its "
                "own hash (it carries the generation time too).")


def jsonable(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, Path):
        return str(v)
    if isinstance(v, np.generic):
        return v.item()
    raise TypeError(f"{type(v).__name__} is not JSON serialisable")


def _sha_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _file(path: Path) -> dict[str, str]:
    p = Path(path).resolve()
    return {"path": str(p), "sha256": data.file_sha256(p) if p.is_file() else "missing"}


def definitions() -> dict[str, str]:
    """SHA-256 of each definition file (macros, views) applied on every connection."""
    return {p.name: _sha_text(p.read_text()) for p in sorted(DEFINITIONS_DIR.glob("*.sql"))}


def settings_block(report) -> dict[str, Any]:
    s = report.settings
    return {
        "source": s.source,
        "site": s.site,
        "target": {"exaflops": s.target.exaflops, "tflops": s.target.tflops, "precision": s.target.precision,
                   "sparse": s.target.sparse, "basis": s.target.basis},
        "idle_threshold": s.idle_threshold, "idle_minutes": s.idle_minutes, "hot_temp_c": s.hot_temp_c,
        "files": {"rubric": _file(s.rubric_path), "indicators": _file(s.indicators_path)},
    }


def _run(fig) -> dict[str, Any]:
    return {"figure": fig.name, "params": fig.shown_params(), "rows": len(fig.frame),
            "sql_sha256": _sha_text(fig.query.sql)}


def figure_block(e, files: list[dict[str, Any]]) -> dict[str, Any]:
    rng = e.data_range
    block: dict[str, Any] = {
        "key": e.key,
        "figure": e.query.name,
        "section": e.section,
        "title": e.title,
        "pages": list(e.pages),
        "params": e.params(),
        "period_bound": rng is not None,
        "data_range": [rng[0], rng[1]] if rng else None,
        "rows": len(e.frame),
        "tables_read": e.tables_read(),
        "columns": [{"name": c.name, "unit": c.unit, "label": c.label} for c in e.columns],
        "sql_sha256": _sha_text(e.query.sql),
        "frame_sha256": data.frame_hash(e.frame, e.columns),
        "files": [f["path"] for f in files if f.get("figure") == e.key],
        "note": e.note,
    }
    if e.drill:
        block["drill"] = {"param": e.drill.param, "source": e.drill.source, "column": e.drill.column,
                          "values": list(e.selections), "selections_total": e.selections_total}
    if e.key == "regulatory_indicators":
        block["made_from"] = [_run(f) for f in e.runs]
    return block


def make(report, formats: tuple[str, ...], files: list[dict[str, Any]]) -> dict[str, Any]:
    loads = report.loads.frame
    return {
        "format": FORMAT,
        "format_version": 1,
        "title": "AI factory audit report",
        "site": report.settings.site,
        "generated_at": report.generated_at.isoformat() + "Z",
        "software": report.software,
        "period": {"start": report.start, "end": report.end, "note": "UTC, start inclusive, end exclusive"},
        "data_range": {"stored_from": report.stored[0], "stored_to": report.stored[1]},
        "sections": list(report.sections),
        "formats": list(formats),
        "settings": settings_block(report),
        "definitions_sha256": definitions(),
        "figures": [figure_block(e, files) for e in report.entries],
        "loads": {
            "figure": report.loads.name, "params": report.loads.shown_params(),
            "rows": [{k: (None if data._na(v) else v) for k, v in r.items()} for r in loads.to_dict("records")],
        },
        "files": sorted(files, key=lambda f: f["path"]),
        "reproducible": REPRODUCIBLE,
        "verify": "aifd --db DATABASE report verify THIS_FOLDER",
    }
