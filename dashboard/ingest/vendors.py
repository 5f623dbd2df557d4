"""Vendor-dependency records: vendors (with headquarters and ultimate parent) and stack components.

Both are ordinary domains: a CSV whose header has ``vendor_id`` and ``hq_country`` is a vendor
list; one with ``component_id`` and ``vendor_id`` is a component list. Rows are staged and checked
in SQL (``queries/ingest/vendors_check.sql``, ``components_check.sql``); bad country codes, unknown
vendors and missing required fields go to ``rejects`` with their line and reason.

Vendors keep their ownership history: a vendor row may carry ``valid_from`` (an ISO date; blank
or missing means 1900-01-01, "since always"), and the store keeps one version per
(``vendor_id``, ``valid_from``). A row for a stored version with different values updates it, a
new ``valid_from`` adds a version (an acquisition), an identical row changes nothing; a date that
cannot be read is rejected with its line. The scores read, for each snapshot, the version valid on
that date (view ``vendor_versions`` under ``sov_stack``, migration 004).

YAML files (``.yaml``/``.yml``, listed in ``registry.FORMATS``)::

    snapshot_date: 2026-11-01        # default for components that do not give their own
    vendors:
      - {vendor_id: mellanox, name: Mellanox Technologies, hq_country: IL}
      - {vendor_id: mellanox, name: Mellanox Technologies, hq_country: IL,
         parent: NVIDIA Corporation, parent_country: US, valid_from: 2020-04-27}
    components:
      - {component_id: ib-switch, name: Quantum-X800, layer: networking, vendor_id: mellanox,
         criticality: 5, annual_spend_eur: 12000000}

Vendors load before components (they come first in the file, and ``domains.DOMAINS`` lists the vendor
domain before the component domain, so a folder load reads vendor files first).
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Iterator

import duckdb
import pyarrow as pa
import yaml

from .domains import COMPONENTS, VENDORS
from .files import Staged
from .staging import FileError, detect

# --- YAML ---------------------------------------------------------------------------------

def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        raise TypeError(f"a list or mapping where a single value belongs: {value!r}")
    return str(value)


def register_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple[int, dict[str, Any]]],
                  headers: list[str]) -> None:
    """Rows (line, {header: value}) as temp table ``table`` of text columns, and view ``src`` on it."""
    data = {"line": pa.array([ln for ln, _ in rows], type=pa.int64())}
    for h in headers:
        data[h] = pa.array([_text(r.get(h)) for _, r in rows], type=pa.string())
    arrow = pa.table(data)
    con.register("sov_rows_arrow", arrow)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM sov_rows_arrow")
    finally:
        con.unregister("sov_rows_arrow")
    con.execute(f"CREATE OR REPLACE TEMP VIEW src AS SELECT * FROM {table}")


# Everything a YAML record says is kept as the text written: a YAML 1.1 loader would read 0123 as
# octal 83, NO (Norway) as false and 12:30 as 750 minutes. Only an empty value, ~ and null mean
# "no value"; the columns' types are applied later, in SQL, as for a CSV file.
MAX_YAML_NODES = 100_000  # nodes after alias expansion; a few aliases can otherwise expand to billions


class _TextLoader(yaml.SafeLoader):
    """SafeLoader with plain scalars as strings, null as None, and duplicate keys an error."""

    yaml_implicit_resolvers: dict = {}

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.get(key)
                except TypeError:  # a list or mapping as a key
                    raise yaml.constructor.ConstructorError(
                        None, None, "a list or mapping used as a key", key_node.start_mark) from None
                if first is not None:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r} (first at line {first})", key_node.start_mark)
                seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


_TextLoader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"),
                                  ["~", "n", "N", ""])


def _expanded_size(root: yaml.Node) -> int:
    """Nodes in the document once aliases are expanded (a shared node counts each time it is used);
    raises FileError-worthy ValueError on a recursive alias."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            open_.discard(key)
            children = _children(node)
            sizes[key] = 1 + sum(sizes[id(c)] for c in children)
            continue
        if key in sizes:
            continue
        if key in open_:
            raise ValueError("a recursive alias (a node that contains itself)")
        open_.add(key)
        stack.append((node, True))
        for c in _children(node):
            if id(c) in open_:
                raise ValueError("a recursive alias (a node that contains itself)")
            if id(c) not in sizes:
                stack.append((c, False))
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _load_yaml(path: Path, text: str) -> tuple[Any, yaml.Node | None]:
    loader = None
    try:
        loader = _TextLoader(text)  # the reader checks the characters here already
        node = loader.get_single_node()
        if node is not None:
            size = _expanded_size(node)
            if size > MAX_YAML_NODES:
                raise FileError(f"{path}: aliases expand the document to {size:,} values, more than "
                                f"{MAX_YAML_NODES:,}: refused (write the records out instead)")
        return (loader.construct_document(node) if node is not None else None), node
    except yaml.YAMLError as e:
        raise FileError(f"{path}: not valid YAML: {e}") from None
    except ValueError as e:
        raise FileError(f"{path}: not valid YAML: {e}") from None
    except RecursionError:
        raise FileError(f"{path}: YAML nested too deeply to read") from None
    finally:
        if loader is not None:
            loader.dispose()


def _sequence_lines(node: yaml.Node, key: str) -> list[int]:
    """1-based line of each item of the top-level sequence ``key`` (or of the document)."""
    if isinstance(node, yaml.SequenceNode):
        return [item.start_mark.line + 1 for item in node.value]
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if getattr(k, "value", None) == key and isinstance(v, yaml.SequenceNode):
                return [item.start_mark.line + 1 for item in v.value]
    return []


def _short(value: Any, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + " …"


def read_yaml(con: duckdb.DuckDBPyConnection, path: Path, kind: str | None,
              progress=None) -> Iterator[Staged]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise FileError(f"{path}: not UTF-8 text ({e.reason})") from None
    doc, node = _load_yaml(path, text)
    if isinstance(doc, list):
        sections = [(kind, None, doc)]
        default_snapshot = None
    elif isinstance(doc, dict):
        unknown = set(doc) - {"vendors", "components", "snapshot_date"}
        if unknown:
            raise FileError(f"{path}: unknown top-level keys {', '.join(sorted(map(str, unknown)))}; "
                            "expected vendors, components and optionally snapshot_date")
        default_snapshot = doc.get("snapshot_date")
        if isinstance(default_snapshot, (list, dict)):
            raise FileError(f"{path}: snapshot_date must be a single date")
        sections = [(name, name, doc[name]) for name in ("vendors", "components") if doc.get(name)]
        if kind:
            sections = [s for s in sections if s[0] == kind]
    else:
        raise FileError(f"{path}: expected a mapping with vendors/components lists, or a list of records")
    if not sections:
        raise FileError(f"{path}: no vendors or components in the file")
    for section_kind, key, items in sections:
        if not isinstance(items, list):
            raise FileError(f"{path}: {key or 'the document'} must be a list of records")
        lines = _sequence_lines(node, key or "")
        rows: list[tuple[int, dict[str, Any]]] = []
        pre: list[tuple[int, str, str, str]] = []
        headers: list[str] = []
        for i, item in enumerate(items):
            line = lines[i] if i < len(lines) else i + 1
            if not isinstance(item, dict):
                pre.append((line, "", "a record must be a mapping of field: value", _short(item)))
                continue
            item = {str(k): v for k, v in item.items()}
            if default_snapshot is not None and section_kind == "components":
                item.setdefault("snapshot_date", default_snapshot)
            bad = [k for k, v in item.items() if isinstance(v, (list, dict))]
            if bad:
                series = item.get("component_id") or item.get("vendor_id")
                pre.append((line, series if isinstance(series, str) else "",
                            f"{', '.join(bad)}: a list or mapping where a single value belongs", _short(item)))
                continue
            for k in item:
                if k not in headers:
                    headers.append(k)
            rows.append((line, item))
        if not headers:
            raise FileError(f"{path}: {key or 'the document'} holds no records")
        domain, mapping = detect(headers, f"{path} ({key or 'records'})", section_kind)
        staged = Staged(domain, mapping, pre_rejects=pre)
        ignored = [h for h in headers if h not in mapping]
        if ignored:
            staged.warnings.append(f"ignored fields: {', '.join(ignored)}")
        register_rows(con, "sov_yaml_rows", rows, headers)
        yield staged
