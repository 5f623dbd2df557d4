"""``aifd report verify DIR``: prove a report's files were not altered and, given the database,
that its numbers are what the figures give.

1. Every file the manifest lists is re-hashed (SHA-256 and size); a missing, changed or
   unlisted file is named.
2. With a database, every figure is re-run with the parameters the manifest recorded (drill
   figures for each recorded selection, the regulatory sheet from its figures) and its canonical
   data compared with the manifest's hash; where they differ, the cells that differ are named,
   read from the report's own Parquet or CSV file. The ingest loads behind the period are
   compared too. Changed SQL, definitions or settings files are reported as the likely cause.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import duckdb

from .. import queries
from ..config import Settings
from . import data, regulatory
from .build import MANIFEST, run_drill, runner, single_thread
from .manifest import FORMAT, definitions
from .safe import neutralise_frame
from .sections import DRILL


@dataclass
class Result:
    problems: list[str] = field(default_factory=list)   # each makes verify fail
    notes: list[str] = field(default_factory=list)      # context: what changed since the report
    files: int = 0
    figures: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def load_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no manifest; is {folder} a report folder?")
    try:
        doc = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: not valid JSON ({e})") from None
    if doc.get("format") != FORMAT:
        raise ValueError(f"{path}: not an aifd report manifest (format {doc.get('format')!r})")
    return doc


def _inside(folder: Path, rel: str) -> Path | None:
    """The manifest's relative path inside the folder, or None for one that leaves it."""
    p = PurePosixPath(rel)
    if p.is_absolute() or ".." in p.parts or not p.parts:
        return None
    return folder.joinpath(*p.parts)


def check_files(folder: Path, doc: dict[str, Any], result: Result) -> None:
    listed = set()
    for f in doc.get("files", []):
        rel = f.get("path", "")
        path = _inside(folder, rel)
        if path is None:
            result.problems.append(f"{rel}: the manifest names a path outside the report folder")
            continue
        listed.add(path.resolve())
        result.files += 1
        if not path.is_file():
            result.problems.append(f"{rel}: missing")
            continue
        size = path.stat().st_size
        sha = data.file_sha256(path)
        if sha != f.get("sha256"):
            result.problems.append(f"{rel}: altered (SHA-256 {sha[:16]}…, the manifest says "
                                   f"{str(f.get('sha256'))[:16]}…; {size:,} bytes, the manifest says "
                                   f"{f.get('bytes', '?'):,})")
        elif size != f.get("bytes"):
            result.problems.append(f"{rel}: {size:,} bytes, the manifest says {f.get('bytes')}")
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != MANIFEST and path.resolve() not in listed:
            result.problems.append(f"{path.relative_to(folder).as_posix()}: not in the manifest")


def _causes(doc: dict[str, Any], settings: Settings, result: Result) -> None:
    now = definitions()
    for name, sha in doc.get("definitions_sha256", {}).items():
        if now.get(name) != sha:
            result.notes.append(f"queries/definitions/{name} changed since the report")
    for key, path in (("rubric", settings.rubric_path), ("indicators", settings.indicators_path)):
        rec = doc.get("settings", {}).get("files", {}).get(key)
        if rec and Path(path).is_file() and data.file_sha256(Path(path)) != rec.get("sha256"):
            result.notes.append(f"the {key} file ({path}) differs from the one the report used")
    ver = doc.get("software", {}).get("aifd")
    from .build import software

    if ver and software().get("aifd") != ver:
        result.notes.append(f"made by aifd {ver}, verified with {software().get('aifd')}")


def _stored(folder: Path, block: dict[str, Any], columns) -> tuple[Any, str] | None:
    """The report's own data for a figure, from its Parquet file, else its CSV file."""
    for ext in ("parquet", "csv"):
        for rel in block.get("files", []):
            if rel.endswith("." + ext):
                path = _inside(folder, rel)
                if path is not None and path.is_file():
                    try:
                        return data.read_back(path, columns), rel
                    except Exception:  # noqa: BLE001  a damaged file is named by its hash already
                        continue
    return None


def check_figures(folder: Path, doc: dict[str, Any], con: duckdb.DuckDBPyConnection, settings: Settings,
                  result: Result) -> None:
    run = runner(con, settings)
    period = doc["period"]
    start = queries.coerce(period["start"], "TIMESTAMP", "manifest period.start")
    end = queries.coerce(period["end"], "TIMESTAMP", "manifest period.end")
    with single_thread(con):
        for block in doc.get("figures", []):
            key = block.get("key", "?")
            result.figures += 1
            try:
                q, frame = _rerun(run, block, start, end)
            except queries.QueryError as e:
                result.problems.append(f"figure {key}: could not be re-run: {e}")
                continue
            declared = [c["name"] for c in block.get("columns", [])]
            if [c.name for c in q.columns] != declared:
                result.problems.append(f"figure {key}: its columns are now {', '.join(c.name for c in q.columns)}; "
                                       f"the report has {', '.join(declared)}")
                continue
            if _sha(q.sql) != block.get("sql_sha256"):
                result.notes.append(f"figure {key}: queries/{q.name}.sql changed since the report")
            canon = data.canonical(frame, q.columns)
            if data.frame_hash(canon, q.columns) == block.get("frame_sha256"):
                continue
            stored = _stored(folder, block, q.columns)
            if stored is None:
                result.problems.append(f"figure {key}: the database gives other numbers than the report "
                                       f"({len(canon):,} rows; no data file of the report to compare cells)")
                continue
            reported, rel = stored
            expected = canon if rel.endswith(".parquet") else data.canonical(neutralise_frame(canon), q.columns)
            diffs = data.differences(reported, expected, q.columns)
            if diffs:
                result.problems.append(f"figure {key}: the database gives other numbers than {rel}: "
                                       + "; ".join(diffs))
            else:
                result.notes.append(f"figure {key}: equal to {rel} within 1e-9 (last digits differ)")
        _check_loads(doc, run, start, end, result)


def _rerun(run, block: dict[str, Any], start, end):
    key = block["key"]
    params = dict(block.get("params") or {})
    if key == "regulatory_indicators":
        frame, runs = regulatory.sheet(run, start, end)
        return regulatory.query(runs[0].query), frame
    drill = block.get("drill")
    if drill:
        d = DRILL.get(block["figure"])
        if d is None or d.param != drill.get("param"):
            raise queries.QueryError(f"{block['figure']} is no longer a drill figure by {drill.get('param')}")
        q, frame, _ = run_drill(run, block["figure"], d, list(drill.get("values", [])), params)
        return q, frame
    fig = run(block["figure"], **params)
    return fig.query, fig.frame


def _check_loads(doc: dict[str, Any], run, start, end, result: Result) -> None:
    rec = doc.get("loads") or {}
    if not rec:
        return
    now = run("report_loads", **(rec.get("params") or {"start": start, "end": end})).frame
    then = {r["load_id"]: r.get("sha256") for r in rec.get("rows", [])}
    current = dict(zip(now["load_id"].tolist(), now["sha256"].tolist()))
    for load_id, sha in then.items():
        if load_id not in current:
            result.problems.append(f"ingest load {load_id}: in the report, no longer in the database's ingest log")
        elif current[load_id] != sha:
            result.problems.append(f"ingest load {load_id}: file SHA-256 {current[load_id]} in the database, "
                                   f"{sha} in the report")
    for load_id in current:
        if load_id not in then:
            result.problems.append(f"ingest load {load_id}: in the database for this period, not in the report")


def verify(folder: Path, con: duckdb.DuckDBPyConnection | None = None, settings: Settings | None = None) -> Result:
    """Check the files; with ``con``, re-run the figures too."""
    folder = Path(folder)
    result = Result()
    doc = load_manifest(folder)
    check_files(folder, doc, result)
    if con is not None:
        s = settings or Settings()
        _causes(doc, s, result)
        check_figures(folder, doc, con, s, result)
    return result
