"""CycloneDX SBOMs (JSON) as vendor-dependency records.

The file is validated against the CycloneDX JSON schema of its ``specVersion`` (bundled with
cyclonedx-python-lib) and read into the library's model; a file that fails either raises
``FileError`` with the JSON path and reason, so nothing from it is stored.

Each component (nested ones included, depth first) becomes a ``components`` record whose
``line`` is its 1-based position in that order:

- vendor: ``supplier``, else ``manufacturer`` (CycloneDX 1.6), else the deprecated ``manufacture``.
  A supplier whose name (or slug) matches a stored vendor is that vendor, with its stored
  headquarters and parent (the version valid at each snapshot, like any component's vendor); an
  unknown one is registered from ``address.country`` (a code or a country name), with the parent
  from the component properties ``aifd:vendor_parent`` and ``aifd:vendor_parent_country`` if
  given, valid since always (``valid_from`` 1900-01-01).
- layer: property ``aifd:layer``, else from the CycloneDX type (device -> systems, firmware and
  device-driver -> firmware, operating-system -> operating_system, container -> orchestration,
  library/framework/application/platform -> ai_frameworks, machine-learning-model/data -> models).
- snapshot date: metadata property ``aifd:snapshot_date``, else ``metadata.timestamp`` (UTC date),
  else the file's modification date (the report says which).
- criticality, spend, quantity, flags, alternatives: properties ``aifd:<column>`` (e.g.
  ``aifd:criticality``, ``aifd:annual_spend_eur``, ``aifd:licence_server``); criticality
  defaults to 3 and the report says for how many; ``open_source`` defaults to whether every
  licence is a known open-source SPDX licence.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import duckdb

from .files import Staged
from .staging import FileError, detect
from .vendors import COMPONENTS, VENDORS, register_rows

TYPE_LAYER = {
    "device": "systems", "firmware": "firmware", "device-driver": "firmware",
    "operating-system": "operating_system", "container": "orchestration", "platform": "ai_frameworks",
    "library": "ai_frameworks", "framework": "ai_frameworks", "application": "ai_frameworks",
    "machine-learning-model": "models", "data": "models",
}
DEFAULT_CRITICALITY = 3
PREFIX = "aifd:"
OPEN_LICENCES = re.compile(
    r"^(Apache-2\.0|MIT|BSD-[23]-Clause.*|ISC|MPL-2\.0|EPL-[12]\.0|GPL-[23]\.0.*|LGPL-[23]\.[01].*|"
    r"AGPL-3\.0.*|Zlib|PSF-2\.0|Python-2\.0|Unlicense|CC0-1\.0|CC-BY-4\.0|OpenRAIL.*|BSL-1\.0)$")
COMPONENT_FIELDS = {c.name for c in COMPONENTS.columns}


def is_cyclonedx(path: Path) -> bool:
    """A JSON file whose top-level bomFormat is CycloneDX."""
    if path.suffix.lower() != ".json" and not path.name.lower().endswith(".cdx"):
        return False
    try:
        with path.open("rb") as f:
            head = f.read(4096).decode("utf-8", "replace")
    except OSError:
        return False
    return bool(re.search(r'"bomFormat"\s*:\s*"CycloneDX"', head))


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _validate(path: Path, text: str) -> dict:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise FileError(f"{path}: not valid JSON at line {e.lineno}, column {e.colno}: {e.msg}") from None
    if not isinstance(doc, dict) or doc.get("bomFormat") != "CycloneDX":
        raise FileError(f"{path}: not a CycloneDX SBOM (bomFormat must be \"CycloneDX\")")
    spec = doc.get("specVersion")
    try:
        version = SchemaVersion.from_version(str(spec))
    except Exception:
        raise FileError(f"{path}: unsupported CycloneDX specVersion {spec!r}") from None
    error = JsonStrictValidator(version).validate_str(text)
    if error is not None:
        detail = getattr(error, "data", None)
        where = getattr(detail, "json_path", "$")
        message = getattr(detail, "message", str(error))
        raise FileError(f"{path}: not a valid CycloneDX {spec} SBOM: at {where}: {message}")
    return doc


def _flatten(components) -> list:
    out = []
    for c in components or []:
        out.append(c)
        out.extend(_flatten(getattr(c, "components", None)))
    return out


def _props(component) -> dict[str, str]:
    return {p.name[len(PREFIX):]: p.value for p in (component.properties or [])
            if p.name and p.name.startswith(PREFIX)}


def _licence_ids(component) -> list[str]:
    ids = []
    for lic in component.licenses or []:
        value = getattr(lic, "id", None) or getattr(lic, "value", None) or getattr(lic, "name", None)
        if value:
            ids.extend(x for x in re.split(r"\s+(?:AND|OR|WITH)\s+|[()]", str(value)) if x.strip())
    return [i.strip() for i in ids]


def _country(con: duckdb.DuckDBPyConnection, value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if len(value) == 2:
        return value.upper()
    rows = con.execute("SELECT code FROM country_names WHERE name = lower(?)", [value]).fetchall()
    return rows[0][0] if rows else value  # not a known name: the check rejects it with the reason


def read(con: duckdb.DuckDBPyConnection, path: Path, kind: str | None, progress=None) -> Iterator[Staged]:
    from cyclonedx.model.bom import Bom

    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise FileError(f"{path}: not UTF-8 text ({e.reason})") from None
    doc = _validate(path, text)
    try:
        bom = Bom.from_json(doc)
    except Exception as e:  # the library's own reading of a schema-valid file
        raise FileError(f"{path}: cyclonedx-python-lib cannot read this SBOM: {type(e).__name__}: {e}") from None
    components = _flatten(bom.components)
    if not components:
        raise FileError(f"{path}: the SBOM lists no components")

    warnings = []
    meta_props = {p.name[len(PREFIX):]: p.value for p in (bom.metadata.properties or [])
                  if p.name and p.name.startswith(PREFIX)}
    if meta_props.get("snapshot_date"):
        snapshot, snap_note = meta_props["snapshot_date"], "metadata property aifd:snapshot_date"
    elif bom.metadata.timestamp:
        ts = bom.metadata.timestamp
        ts = ts.astimezone(timezone.utc) if ts.tzinfo else ts
        snapshot, snap_note = ts.date().isoformat(), "metadata.timestamp"
    else:
        snapshot = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).date().isoformat()
        snap_note = "the file's modification date (no metadata.timestamp)"
    serial = str(doc.get("serialNumber") or path.name)
    warnings.append(f"snapshot date {snapshot} from {snap_note}")

    stored = con.execute("SELECT vendor_id, lower(name) FROM vendors").fetchall()
    by_id = {v for v, _ in stored}
    by_name = {n: v for v, n in stored}
    new_vendors: dict[str, tuple[int, dict[str, Any]]] = {}
    rows: list[tuple[int, dict[str, Any]]] = []
    pre: list[tuple[int, str, str, str]] = []
    defaulted = 0
    for line, comp in enumerate(components, start=1):
        props = _props(comp)
        label = (f"{comp.group}/" if comp.group else "") + comp.name
        org = comp.supplier or getattr(comp, "manufacturer", None) or getattr(comp, "manufacture", None)
        vendor_id = props.get("vendor_id")
        if org is None and not vendor_id:
            pre.append((line, label, "no supplier or manufacturer: the component's jurisdiction is unknown",
                        json.dumps({"type": str(comp.type), "name": label})))
            continue
        if not vendor_id:
            org_name = (org.name or "").strip()
            if not org_name:
                pre.append((line, label, "supplier has no name", json.dumps({"name": label})))
                continue
            vendor_id = by_name.get(org_name.lower()) or (slug(org_name) if slug(org_name) in by_id else None)
            if vendor_id is None:
                vendor_id = slug(org_name)
                if vendor_id not in new_vendors:
                    address = getattr(org, "address", None)
                    new_vendors[vendor_id] = (line, {
                        "vendor_id": vendor_id, "name": org_name,
                        "hq_country": _country(con, getattr(address, "country", None)),
                        "parent": props.get("vendor_parent"),
                        "parent_country": _country(con, props.get("vendor_parent_country")),
                        "notes": f"registered from SBOM {serial}",
                        # a new vendor's ownership holds since always; a stored vendor (matched
                        # above by name or id) is never re-registered, so its history stays as it is
                        "valid_from": "1900-01-01",
                    })
        layer = props.get("layer") or TYPE_LAYER.get(str(getattr(comp.type, "value", comp.type)))
        if "criticality" not in props:
            defaulted += 1
        licences = _licence_ids(comp)
        open_source = props.get("open_source")
        if open_source is None:
            open_source = bool(licences) and all(OPEN_LICENCES.match(x) for x in licences)
        row = {
            "snapshot_date": snapshot,
            "component_id": props.get("component_id") or comp.bom_ref.value or slug(label),
            "name": label + (f" {comp.version}" if comp.version else ""),
            "layer": layer or f"(CycloneDX type {getattr(comp.type, 'value', comp.type)}; set property aifd:layer)",
            "vendor_id": vendor_id,
            "criticality": props.get("criticality", DEFAULT_CRITICALITY),
            "open_source": open_source,
            "source": f"sbom:{serial}",
        }
        for k, v in props.items():  # aifd:<column> properties override what the SBOM implies
            if k in COMPONENT_FIELDS and k != "source":
                row[k] = v
        rows.append((line, row))

    if new_vendors:
        vrows = list(new_vendors.values())
        headers = [c.name for c in VENDORS.columns]
        domain, mapping = detect(headers, f"{path} (suppliers)", "vendors")
        staged = Staged(domain, mapping, warnings=[f"{len(vrows)} new vendors registered from suppliers"])
        register_rows(con, "sov_sbom_vendors", vrows, headers)
        yield staged

    headers = [c.name for c in COMPONENTS.columns]
    domain, mapping = detect(headers, f"{path} (components)", "components")
    staged = Staged(domain, mapping, pre_rejects=pre, warnings=warnings)
    if defaulted:
        staged.warnings.append(f"criticality not in the SBOM for {defaulted} components: assumed "
                               f"{DEFAULT_CRITICALITY} (set property aifd:criticality)")
    register_rows(con, "sov_sbom_rows", rows, headers)
    yield staged
