"""Named SQL queries: ``queries/<name>.sql``, loaded by name and run with bound parameters.

Each file starts with a header of ``-- key: value`` comment lines::

    -- title: Fleet utilization over time
    -- returns: one row per bucket: bucket (UTC), util_pct (%), ...
    -- param: start TIMESTAMP: start of the range, UTC, inclusive
    -- param: end TIMESTAMP: end of the range, UTC, exclusive
    -- param: bucket_minutes INTEGER = 15: bucket width
    -- column: bucket UTC: bucket start
    -- column: util_pct %: GPU_UTIL, busy — mean DCGM_FI_DEV_GPU_UTIL: a kernel was running

Parameters are written ``$name`` in the SQL and bound by DuckDB, never formatted into the text.
A figure query (a file directly in ``queries/``) declares every column it returns, in order, with
its unit from ``units.UNITS``; the label is the text before `` — ``, the rest explains it.
``figures.run`` checks the returned frame against the declaration.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from . import units
from .config import QUERIES_DIR

_HEADER = re.compile(r"^--\s*(\w+):\s*(.*)$")
_PARAM = re.compile(r"^\$?(\w+)\s+(\w+)(?:\s*=\s*([^:]+?))?\s*(?::\s*(.*))?$")
_COLUMN = re.compile(r"^(\w+)\s+(\S+)\s*:\s*(.+)$")
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
class Column:
    name: str
    unit: str
    label: str
    doc: str

    @property
    def help(self) -> str:
        return self.doc or self.label


@dataclass(frozen=True)
class Query:
    name: str
    path: Path
    sql: str
    title: str
    returns: str
    params: tuple[Param, ...]
    columns: tuple[Column, ...] = ()
    meta: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise QueryError(f"query {self.name} declares no column {name!r}")

    def check_columns(self, returned: list[str]) -> None:
        """The frame's columns must be the declared ones, in the declared order."""
        declared = [c.name for c in self.columns]
        if list(returned) != declared:
            extra = [c for c in returned if c not in declared]
            lacking = [c for c in declared if c not in returned]
            raise QueryError(
                f"{self.path}: returned columns differ from the header's `-- column:` lines"
                + (f"; undeclared: {', '.join(extra)}" if extra else "")
                + (f"; declared but not returned: {', '.join(lacking)}" if lacking else "")
                + ("; same names, other order" if not extra and not lacking else ""))

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


def parse(path: Path, name: str, figure: bool | None = None) -> Query:
    """Read a query file's header; ``figure`` (default: no folder in the name) requires columns."""
    text = path.read_text()
    meta: dict[str, str] = {}
    params: list[Param] = []
    columns: list[Column] = []
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
        elif key == "column":
            cm = _COLUMN.match(value)
            if not cm:
                raise QueryError(f"{path}: bad column line {value!r}; write: name UNIT: label — meaning")
            try:
                units.unit(cm.group(2))
            except units.UnitError as e:
                raise QueryError(f"{path}: column {cm.group(1)}: {e}") from None
            label, _, doc = cm.group(3).partition(" — ")
            columns.append(Column(cm.group(1), cm.group(2), label.strip(), doc.strip()))
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
    if figure is None:
        figure = "/" not in name
    if figure and not columns:
        raise QueryError(f"{path}: a figure query declares its columns, one `-- column: name UNIT: label` line each")
    if len({c.name for c in columns}) != len(columns):
        raise QueryError(f"{path}: a column is declared twice")
    return Query(name, path, text, meta.pop("title"), meta.pop("returns"), tuple(params), tuple(columns), meta)


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
