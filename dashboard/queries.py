"""Named SQL queries: ``queries/<name>.sql``, loaded by name and run with bound parameters.

Each file starts with a header of ``-- key: value`` comment lines::

    -- title: Fleet utilization over time
    -- returns: one row per bucket: bucket (UTC), util_pct (%), ...
    -- param: start TIMESTAMP: start of the range, UTC, inclusive
    -- param: end TIMESTAMP: end of the range, UTC, exclusive
    -- param: bucket_minutes INTEGER = 15: bucket width

Parameters are written ``$name`` in the SQL and bound by DuckDB, never formatted into the text.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from .config import QUERIES_DIR

_HEADER = re.compile(r"^--\s*(\w+):\s*(.*)$")
_PARAM = re.compile(r"^\$?(\w+)\s+(\w+)(?:\s*=\s*([^:]+?))?\s*(?::\s*(.*))?$")
_USED = re.compile(r"\$([a-zA-Z_]\w*)")
_TYPES = {"TIMESTAMP", "INTEGER", "DOUBLE", "VARCHAR", "BOOLEAN", "DATE"}


class QueryError(Exception):
    pass


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None
    doc: str


@dataclass(frozen=True)
class Query:
    name: str
    path: Path
    sql: str
    title: str
    returns: str
    params: tuple[Param, ...]
    meta: dict[str, str] = field(default_factory=dict)

    def bind(self, given: dict[str, Any]) -> dict[str, Any]:
        """The declared parameters with values coerced to their types; unknown keys are ignored."""
        out = {}
        for p in self.params:
            value = given.get(p.name)
            if value is None:
                if p.default is None:
                    raise QueryError(f"query {self.name}: parameter {p.name} ({p.type}) is required")
                value = None if p.default.upper() == "NULL" else p.default
            out[p.name] = None if value is None else coerce(value, p.type, f"{self.name}.{p.name}")
        return out


def coerce(value: Any, type_: str, where: str) -> Any:
    try:
        if type_ == "TIMESTAMP":
            ts = pd.Timestamp(value)
            if ts.tzinfo is not None:
                ts = ts.tz_convert("UTC").tz_localize(None)
            return ts.to_pydatetime()
        if type_ == "DATE":
            return pd.Timestamp(value).date()
        if type_ == "INTEGER":
            return int(value)
        if type_ == "DOUBLE":
            return float(value)
        if type_ == "BOOLEAN":
            if isinstance(value, str):
                return value.strip().lower() in {"1", "true", "yes", "on"}
            return bool(value)
        return str(value)
    except (ValueError, TypeError) as e:
        raise QueryError(f"{where}: {value!r} is not a valid {type_}: {e}") from None


def parse(path: Path, name: str) -> Query:
    text = path.read_text()
    meta: dict[str, str] = {}
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.group(1).lower(), m.group(2).strip()
        if key == "param":
            pm = _PARAM.match(value)
            if not pm or pm.group(2).upper() not in _TYPES:
                raise QueryError(f"{path}: bad param line {value!r}; write: name TYPE [= default]: doc")
            params.append(Param(pm.group(1), pm.group(2).upper(), pm.group(3), pm.group(4) or ""))
        else:
            meta[key] = value
    body = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("--"))
    used = set(_USED.findall(body))
    declared = {p.name for p in params}
    if used != declared:
        raise QueryError(
            f"{path}: parameters used {sorted(used)} but declared {sorted(declared)} in the header"
        )
    if "title" not in meta or "returns" not in meta:
        raise QueryError(f"{path}: header needs '-- title:' and '-- returns:' lines")
    return Query(name, path, text, meta.pop("title"), meta.pop("returns"), tuple(params), meta)


@lru_cache(maxsize=None)
def _load_cached(name: str, mtime_ns: int, root: Path) -> Query:
    return parse(root / f"{name}.sql", name)


def load(name: str, root: Path = QUERIES_DIR) -> Query:
    """The query ``queries/<name>.sql`` (names may contain a folder: ``ingest/gpu_samples_check``)."""
    if not re.fullmatch(r"[a-z0-9_]+(/[a-z0-9_]+)?", name):
        raise QueryError(f"bad query name {name!r}")
    path = root / f"{name}.sql"
    if not path.is_file():
        raise QueryError(f"no query named {name!r} (looked for {path})")
    return _load_cached(name, path.stat().st_mtime_ns, root)


def names(root: Path = QUERIES_DIR) -> list[str]:
    """The figure queries (top-level files; schema and ingest helpers live in sub-folders)."""
    return sorted(p.stem for p in root.glob("*.sql"))


@dataclass
class Result:
    """A figure's frame with what made it: the query's name and the bound parameters."""

    query: Query
    params: dict[str, Any]
    frame: pd.DataFrame
    elapsed_ms: float

    @property
    def name(self) -> str:
        return self.query.name

    def provenance(self) -> str:
        """One line naming the query and the data range, for captions and exports."""
        parts = [f"query `{self.name}`"]
        start, end = self.params.get("start"), self.params.get("end")
        if isinstance(start, datetime) and isinstance(end, datetime):
            parts.append(f"{start:%Y-%m-%d %H:%M} → {end:%Y-%m-%d %H:%M} UTC")
        other = {k: v for k, v in self.params.items() if k not in ("start", "end")}
        if other:
            parts.append(", ".join(f"{k}={v}" for k, v in other.items()))
        parts.append(f"{len(self.frame)} rows, {self.elapsed_ms:.0f} ms")
        return " · ".join(parts)

    def cli(self) -> str:
        """The command that prints the same figure."""
        args = " ".join(
            f"--param {k}={v.isoformat() if isinstance(v, datetime) else v}"
            for k, v in self.params.items()
        )
        return f"aifd query {self.name} {args}".strip()


def run(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> Result:
    q = load(name)
    bound = q.bind(params)
    t0 = time.perf_counter()
    try:
        frame = con.execute(q.sql, bound).df() if bound else con.execute(q.sql).df()
    except duckdb.Error as e:
        raise QueryError(f"query {name} failed: {e}") from e
    return Result(q, bound, frame, (time.perf_counter() - t0) * 1000)
