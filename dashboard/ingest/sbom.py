"""CycloneDX BOMs (JSON, spec 1.2-1.7; XML, checked against its XSD) as vendor-dependency records.

Software SBOMs from syft, cdxgen, cyclonedx-npm and cyclonedx-py, hardware BOMs and ML-BOMs all
load: the file is validated against the CycloneDX JSON schema of its ``specVersion`` (bundled
with cyclonedx-python-lib) and then read as JSON. A file that is not JSON, not CycloneDX or not
valid raises ``FileError`` with the JSON path and reason, so nothing from it is stored.

Each component (nested ones included, depth first) becomes a ``components`` record whose
``line`` is its 1-based position in that order.

- **vendor** (see docs/vendor_registry.md): the property ``aifd:vendor_id`` if given; else the
  first of ``supplier``, ``manufacturer`` (1.6+), ``manufacture``, ``publisher``, ``authors``
  (1.6+), ``author``, the package URL and, for an operating system, its name that resolves,
  through ``vendor_registry.Resolver``, to a stored vendor or a vendor-registry entry. A supplier or
  manufacturer that resolves to nothing but gives ``address.country`` is registered with that
  country (parent from the properties ``aifd:vendor_parent`` and ``aifd:vendor_parent_country``);
  one with neither is registered with jurisdiction unknown (``ZZ``). A registry match whose
  ``address.country`` differs from the registry's headquarters is that vendor's local
  subsidiary (headquarters from the address, parent from the registry). A component that names
  nobody resolvable is stored under the vendor ``unknown`` (``ZZ``): never rejected, and shown as
  its own share on every sovereignty figure. Registered vendors hold since always
  (``valid_from`` 1900-01-01); a stored vendor is never re-registered, so its history stays.
- **component_id**: ``<subject>::<bom-ref>`` (bom-ref, else package URL, else group/name@version),
  so two BOMs that reuse a bom-ref ("root-component", "pkg:pypi/requests@2.32.3") do not collide.
  The subject is the metadata property ``aifd:scope``, else ``metadata.component`` (group/name),
  else the ``serialNumber``, else the file's SHA-256. A BOM is the full inventory of its subject:
  a component that an earlier BOM of the same subject listed and this one does not is recorded as
  retired on this BOM's date. ``aifd:component_id`` gives an id as it is, unscoped.
- **layer**: property ``aifd:layer``; else a distribution package (``pkg:deb``, ``pkg:rpm``,
  ``pkg:apk``, ...) is operating_system and a ``pkg:huggingface`` one models; else from the type
  (device -> systems, firmware and device-driver -> firmware, operating-system -> operating_system,
  container -> orchestration, library/framework/application/platform/file -> ai_frameworks,
  machine-learning-model/data -> models).
- **snapshot date**: metadata property ``aifd:snapshot_date``; else the file's own
  ``metadata.timestamp`` (UTC date; read from the JSON, never a default a parsing library fills
  in); else ``--snapshot DATE``; else the file's modification date. The report says which.
- criticality, spend, quantity, flags, alternatives: properties ``aifd:<column>``; quantity also
  from the CycloneDX device taxonomy's ``cdx:device:quantity``; criticality defaults to 3 (the
  report says for how many); ``open_source`` defaults to "every licence is a known open-source
  SPDX licence".
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import duckdb

from .. import queries
from . import spdx
from .files import Staged
from .vendor_registry import UNKNOWN, Entry, Resolver, purl_key, slug
from .staging import FileError, detect
from .vendors import COMPONENTS, VENDORS, register_rows

TYPE_LAYER = {
    "device": "systems", "firmware": "firmware", "device-driver": "firmware",
    "operating-system": "operating_system", "container": "orchestration", "platform": "ai_frameworks",
    "library": "ai_frameworks", "framework": "ai_frameworks", "application": "ai_frameworks",
    "file": "ai_frameworks", "machine-learning-model": "models", "data": "models",
}
# Package types whose packages are part of an operating-system image, and other telling types.
PURL_TYPE_LAYER = {"deb": "operating_system", "rpm": "operating_system", "apk": "operating_system",
                   "alpm": "operating_system", "ebuild": "operating_system", "opkg": "operating_system",
                   "huggingface": "models", "mlflow": "models"}
SOFTWARE_TYPES = {"library", "application", "framework", "file", "platform"}
DEFAULT_CRITICALITY = 3
PREFIX = "aifd:"
UNKNOWN_VENDOR = "unknown"
GENERIC_SUBJECTS = {"", ".", "./", "/", "-"}
OPEN_LICENCES = re.compile(
    r"^(Apache-2\.0|MIT|BSD-[23]-Clause.*|ISC|MPL-2\.0|EPL-[12]\.0|GPL-[23]\.0.*|LGPL-[23]\.[01].*|"
    r"AGPL-3\.0.*|Zlib|PSF-2\.0|Python-2\.0|Unlicense|CC0-1\.0|CC-BY-4\.0|OpenRAIL.*|BSL-1\.0)$")
COMPONENT_FIELDS = {c.name for c in COMPONENTS.columns}
ORG_FIELDS = ("supplier", "manufacturer", "manufacture")  # organizational entities


XML_NAMESPACE = re.compile(r'xmlns(?::\w+)?\s*=\s*["\']http://cyclonedx\.org/schema/bom/(\d+\.\d+)["\']')


def is_cyclonedx(path: Path) -> bool:
    """A JSON file whose top-level bomFormat is CycloneDX (at its start, or at its end where a
    tool writes it last, as cyclonedx-py does), or an XML file in a CycloneDX BOM namespace."""
    if path.suffix.lower() == ".xml":
        try:
            with path.open("rb") as f:
                return XML_NAMESPACE.search(f.read(4096).decode("utf-8", "replace")) is not None
        except OSError:
            return False
    if path.suffix.lower() != ".json" and not path.name.lower().endswith(".cdx"):
        return False
    pattern = re.compile(r'"bomFormat"\s*:\s*"CycloneDX"')
    try:
        with path.open("rb") as f:
            head = f.read(4096).decode("utf-8", "replace")
            if pattern.search(head):
                return True
            size = f.seek(0, 2)
            if size > 4096:
                f.seek(max(0, size - 4096))
                if pattern.search(f.read().decode("utf-8", "replace")):
                    return True
    except OSError:
        return False
    return False


def _validate(path: Path, text: str) -> dict:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise FileError(f"{path}: not valid JSON at line {e.lineno}, column {e.colno}: {e.msg}") from None
    except RecursionError:
        raise FileError(f"{path}: JSON nested too deeply to read") from None
    if not isinstance(doc, dict) or doc.get("bomFormat") != "CycloneDX":
        raise FileError(f"{path}: not a CycloneDX SBOM (bomFormat must be \"CycloneDX\")")
    spec = doc.get("specVersion")
    try:
        version = SchemaVersion.from_version(str(spec))
    except Exception:
        raise FileError(f"{path}: unsupported CycloneDX specVersion {spec!r}") from None
    library = JsonStrictValidator(version)
    base = _schema_validator(library)
    try:
        if base is not None:
            error = next(_linear_validator(base).iter_errors(doc), None)
        else:
            error = library.validate_str(text)
            error = getattr(error, "data", error)
    except RecursionError:
        raise FileError(f"{path}: JSON nested too deeply to validate") from None
    if error is not None:
        where, message = getattr(error, "json_path", "$"), getattr(error, "message", str(error))
        raise FileError(f"{path}: not a valid CycloneDX {spec} SBOM: at {where}: {message}")
    return doc


XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _validate_xml(path: Path, text: str) -> dict:
    """A CycloneDX XML BOM checked against the XSD of its namespace's version (bundled with
    cyclonedx-python-lib; entities are not resolved, nothing is fetched), as the dict its JSON form
    would be for the fields this reader uses, components in document order."""
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.xml import XmlValidator
    from lxml import etree

    # read as the text already decoded: its declared encoding is dropped (a UTF-16 file reaches
    # here re-encoded as UTF-8, its declaration still saying UTF-16); lines stay where they were
    text = XML_DECLARATION.sub("", text, count=1)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(text, parser)
    except etree.XMLSyntaxError as e:
        raise FileError(f"{path}: not well-formed XML at line {e.lineno}: {e.msg}") from None
    ns, _, local = str(root.tag)[1:].partition("}")
    version = ns.rpartition("/")[2] if ns.startswith("http://cyclonedx.org/schema/bom/") else None
    if local != "bom" or version is None:
        raise FileError(f"{path}: not a CycloneDX SBOM (the root element is not a bom in a "
                        "http://cyclonedx.org/schema/bom/ namespace)")
    try:
        schema = SchemaVersion.from_version(version)
    except Exception:
        raise FileError(f"{path}: unsupported CycloneDX XML version {version!r}") from None
    error = XmlValidator(schema).validate_str(text)
    if error is not None:
        entry = getattr(error, "data", None)
        where = f"line {entry.line}" if getattr(entry, "line", None) else "the document"
        message = str(getattr(entry, "message", error)).replace("{" + ns + "}", "")
        raise FileError(f"{path}: not a valid CycloneDX {version} SBOM: at {where}: {message}")
    return _xml_doc(root, ns, version)


def _xml_doc(root, ns: str, version: str) -> dict:
    """The JSON form of an XML BOM, for the fields read here: XML writes lists as a wrapper element
    of repeated children (components/component, properties/property, licenses/license) and a
    property's value as its text."""
    q = "{" + ns + "}"

    def text(e, name: str) -> str | None:
        child = e.find(q + name)
        return child.text.strip() if child is not None and child.text and child.text.strip() else None

    def org(e) -> dict | None:
        if e is None:
            return None
        out: dict[str, Any] = {}
        if (name := text(e, "name")) is not None:
            out["name"] = name
        urls = [u.text.strip() for u in e.findall(q + "url") if u.text and u.text.strip()]
        if urls:
            out["url"] = urls
        address = e.find(q + "address")
        if address is not None and (country := text(address, "country")) is not None:
            out["address"] = {"country": country}
        return out

    def licence(x) -> dict | None:
        """One child of <licenses>: an <expression> or a <license> with an id or name."""
        if x.tag == q + "expression":
            return {"expression": x.text.strip()} if x.text and x.text.strip() else None
        if x.tag == q + "license":
            return {"license": {k: v for k in ("id", "name") if (v := text(x, k)) is not None}}
        return None

    def properties(e) -> list[dict]:
        wrapper = e.find(q + "properties")
        return [] if wrapper is None else [{"name": p.get("name"), "value": (p.text or "").strip()}
                                           for p in wrapper.findall(q + "property")]

    def component(e) -> dict:
        out: dict[str, Any] = {"type": e.get("type")}
        if e.get("bom-ref"):
            out["bom-ref"] = e.get("bom-ref")
        for key in ("name", "group", "version", "purl", "publisher", "author"):
            if (value := text(e, key)) is not None:
                out[key] = value
        for key in ("supplier", "manufacturer"):
            if (value := org(e.find(q + key))) is not None:
                out[key] = value
        authors = e.find(q + "authors")
        if authors is not None:
            out["authors"] = [{"name": text(a, "name")} for a in authors.findall(q + "author") if text(a, "name")]
        licences = e.find(q + "licenses")
        if licences is not None:
            out["licenses"] = [lic for x in licences if (lic := licence(x)) is not None]
        if props := properties(e):
            out["properties"] = props
        nested = e.find(q + "components")
        if nested is not None:
            out["components"] = [component(c) for c in nested.findall(q + "component")]
        return out

    doc: dict[str, Any] = {"bomFormat": "CycloneDX", "specVersion": version}
    if root.get("serialNumber"):
        doc["serialNumber"] = root.get("serialNumber")
    meta = root.find(q + "metadata")
    if meta is not None:
        m: dict[str, Any] = {}
        if (stamp := text(meta, "timestamp")) is not None:
            m["timestamp"] = stamp
        if meta.find(q + "component") is not None:
            m["component"] = component(meta.find(q + "component"))
        if props := properties(meta):
            m["properties"] = props
        doc["metadata"] = m
    wrapper = root.find(q + "components")
    doc["components"] = [] if wrapper is None else [component(c) for c in wrapper.findall(q + "component")]
    return doc


def _schema_validator(library):
    """The library's Draft 7 validator over its bundled schema (a private attribute: None where a
    library version keeps it elsewhere, and its own quadratic check is used)."""
    try:
        return library._validator
    except AttributeError:
        return None


def _linear_validator(base):
    """The CycloneDX library's schema validator with ``uniqueItems`` checked in linear time.

    jsonschema compares every pair of array items for uniqueness: a syft SBOM of 6,000 components
    took 15 s to validate, and the time grows with the square of the count. Here each item is
    reduced to a canonical JSON text (sorted keys; a whole float as an integer, as JSON Schema
    counts 1 and 1.0 equal) and looked up in a set. The message names the two items by index, not
    their contents."""
    import jsonschema

    def canonical(value):
        if isinstance(value, bool) or value is None or isinstance(value, str):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, dict):
            return {k: canonical(v) for k, v in value.items()}
        if isinstance(value, list):
            return [canonical(v) for v in value]
        return value

    def unique_items(validator, unique, instance, schema):
        if not unique or not validator.is_type(instance, "array"):
            return
        seen: dict[str, int] = {}
        for i, item in enumerate(instance):
            key = json.dumps(canonical(item), sort_keys=True)
            if key in seen:
                yield jsonschema.ValidationError(f"item {i} repeats item {seen[key]} (uniqueItems)")
                return
            seen[key] = i

    linear = jsonschema.validators.extend(type(base), validators={"uniqueItems": unique_items})
    return linear(base.schema, registry=base._registry, format_checker=base.format_checker)


def _walk(components: Any) -> list[dict]:
    """Components depth first (a component, then its nested ones), without recursion."""
    out: list[dict] = []
    stack = [iter(components if isinstance(components, list) else [])]
    while stack:
        for c in stack[-1]:
            if isinstance(c, dict):
                out.append(c)
                stack.append(iter(c.get("components") if isinstance(c.get("components"), list) else []))
                break
        else:
            stack.pop()
    return out


def _props(obj: dict) -> dict[str, str]:
    out = {}
    for p in obj.get("properties") or []:
        if isinstance(p, dict) and isinstance(p.get("name"), str) and p["name"].startswith(PREFIX):
            out[p["name"][len(PREFIX):]] = "" if p.get("value") is None else str(p.get("value"))
    return out


def _property(obj: dict, name: str) -> str | None:
    for p in obj.get("properties") or []:
        if isinstance(p, dict) and p.get("name") == name and p.get("value") is not None:
            return str(p["value"])
    return None


def _licence_ids(component: dict) -> list[str]:
    ids: list[str] = []
    for lic in component.get("licenses") or []:
        if not isinstance(lic, dict):
            continue
        value = lic.get("expression")
        if value is None and isinstance(lic.get("license"), dict):
            value = lic["license"].get("id") or lic["license"].get("name")
        if isinstance(value, str):
            ids.extend(x.strip() for x in re.split(r"\s+(?:AND|OR|WITH)\s+|[()]", value) if x.strip())
    return ids


def _parse_date(value: str) -> date | None:
    text = value.strip()
    try:
        ts = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "Zz" and len(text) > 10 else text)
    except (ValueError, IndexError):
        return None
    if ts.tzinfo is not None:
        ts = ts.astimezone(timezone.utc)
    return ts.date()


def _snapshot(path: Path, doc: dict, meta_props: dict[str, str], given: date | None) -> tuple[date, str]:
    """The snapshot date and where it came from (see the module docstring)."""
    if meta_props.get("snapshot_date"):
        d = _parse_date(meta_props["snapshot_date"])
        if d is None:
            raise FileError(f"{path}: metadata property aifd:snapshot_date {meta_props['snapshot_date']!r} "
                            "is not an ISO date")
        return d, "metadata property aifd:snapshot_date"
    meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    stamp = meta.get("timestamp")
    if isinstance(stamp, str) and stamp.strip():
        d = _parse_date(stamp)
        if d is not None:
            return d, "the file's metadata.timestamp"
        if given is None:
            raise FileError(f"{path}: metadata.timestamp {stamp!r} is not an ISO 8601 date-time; "
                            "give the snapshot date with --snapshot DATE")
        return given, f"--snapshot (the file's metadata.timestamp {stamp!r} cannot be read)"
    if given is not None:
        return given, "--snapshot (the file has no metadata.timestamp)"
    mtime = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).date()
    return mtime, "the file's modification date (no metadata.timestamp and no --snapshot given)"


def _subject(doc: dict, meta_props: dict[str, str], sha: str) -> tuple[str, str]:
    """The key that scopes this BOM's component ids, and where it came from."""
    if meta_props.get("scope", "").strip():
        return meta_props["scope"].strip(), "metadata property aifd:scope"
    meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    mc = meta.get("component") if isinstance(meta.get("component"), dict) else {}
    name = str(mc.get("name") or "").strip()
    if name not in GENERIC_SUBJECTS:
        group = str(mc.get("group") or "").strip()
        return (f"{group}/{name}" if group else name), "metadata.component"
    serial = doc.get("serialNumber")
    if isinstance(serial, str) and serial.strip():
        return serial.strip(), "serialNumber (no metadata.component names the subject)"
    return f"sha256:{sha[:16]}", "the file's SHA-256 (no metadata.component or serialNumber)"


def _org(value: Any) -> tuple[str, str | None] | None:
    """(name, address.country) of an organizational entity."""
    if not isinstance(value, dict):
        return None
    name = value.get("name")
    if not isinstance(name, str) or not name.strip():
        return None
    address = value.get("address") if isinstance(value.get("address"), dict) else {}
    country = address.get("country")
    return name.strip(), (country.strip() if isinstance(country, str) and country.strip() else None)


def _people(component: dict) -> list[tuple[str, str]]:
    """(field, name) of the publisher and authors: a person or an organisation, no address."""
    out = []
    if isinstance(component.get("publisher"), str) and component["publisher"].strip():
        out.append(("publisher", component["publisher"].strip()))
    for a in component.get("authors") or []:
        if isinstance(a, dict) and isinstance(a.get("name"), str) and a["name"].strip():
            out.append(("authors", a["name"].strip()))
    if isinstance(component.get("author"), str) and component["author"].strip():
        out.append(("author", component["author"].strip()))
    return out


class _Vendors:
    """Resolves components to vendor ids, collecting the vendor rows this file registers."""

    def __init__(self, con: duckdb.DuckDBPyConnection, serial: str):
        self.con = con
        self.serial = serial
        self.resolver = Resolver(con)
        self.rows: dict[str, tuple[int, dict[str, Any]]] = {}
        self.how: Counter[str] = Counter()
        self.unresolved: Counter[str] = Counter()
        self.notes: list[str] = []
        self._countries: dict[str, str | None] = {}

    def country(self, value: str | None) -> str | None:
        """An ISO code for a code or a country name; None for a value that is neither."""
        if not value:
            return None
        if value not in self._countries:
            v = value.strip()
            q = queries.load("ingest/country_code")
            rows = self.con.execute(q.sql, q.bind({"value": v})).fetchall()
            self._countries[value] = rows[0][0] if rows else None
        return self._countries[value]

    def _register(self, line: int, vendor_id: str, name: str, hq: str, parent: str | None,
                  parent_country: str | None, notes: str) -> str:
        if vendor_id not in self.rows and vendor_id not in self.resolver.stored:
            self.rows[vendor_id] = (line, {
                "vendor_id": vendor_id, "name": name, "hq_country": hq, "parent": parent,
                "parent_country": parent_country, "notes": notes,
                # a registered vendor holds since always; a stored one is never re-registered,
                # so its ownership history stays as it is
                "valid_from": "1900-01-01"})
        return vendor_id

    def _fresh_id(self, name: str) -> str:
        base = slug(name) or "vendor"
        if base in self.resolver.stored or base in self.resolver.registry or base == UNKNOWN_VENDOR:
            base = f"{base}_{hashlib.sha1(name.encode()).hexdigest()[:6]}"
        return base

    def _use(self, entry: Entry, line: int) -> str:
        if entry.origin == "stored":
            return entry.vendor_id
        return self._register(line, entry.vendor_id, entry.name, entry.hq_country, entry.parent,
                              entry.parent_country, f"vendor registry: {entry.source} (as of {entry.as_of})")

    def resolve(self, comp: dict, props: dict[str, str], line: int) -> tuple[str, str]:
        """(vendor_id, how it was found) for a component."""
        if props.get("vendor_id"):
            self.how["property aifd:vendor_id"] += 1
            return props["vendor_id"], "property aifd:vendor_id"
        named: list[str] = []
        first_org: tuple[str, str] | None = None  # the first organisation named, resolvable or not
        for field in ORG_FIELDS:
            org = _org(comp.get(field))
            if org is None:
                continue
            name, country_given = org
            code = self.country(country_given)
            if country_given and code is None:
                self.notes.append(f"{field} {name!r}: address.country {country_given!r} is not a country we "
                                  "know, so it is not used")
            found = self.resolver.by_name(name)
            if found is not None:
                entry, how = found
                if entry.origin == "registry" and code and code not in (UNKNOWN, entry.hq_country):
                    # the registry vendor's local subsidiary: headquarters from the address
                    vid = slug(name)
                    if not vid or vid == entry.vendor_id or vid in self.resolver.registry or vid in self.resolver.stored:
                        vid = f"{entry.vendor_id}_{code.lower()}"
                    self.how[f"{field} (registry vendor's subsidiary)"] += 1
                    return self._register(
                        line, vid, name, code, entry.ultimate_parent, entry.control_country,
                        f"{name} ({code}): part of {entry.ultimate_parent} per the vendor registry "
                        f"({entry.source}); registered from SBOM {self.serial}"), \
                        f"{field} {name!r} ({code}), part of {entry.ultimate_parent} (vendor registry)"
                self.how[f"{field} ({how})"] += 1
                return self._use(entry, line), f"{field} {name!r} ({how})"
            if code:
                parent = props.get("vendor_parent") or None
                parent_code = self.country(props.get("vendor_parent_country"))
                if parent and parent_code is None:
                    parent_code = UNKNOWN
                    self.notes.append(f"{field} {name!r}: parent {parent!r} has no readable "
                                      "aifd:vendor_parent_country, so its jurisdiction is unknown")
                if parent is None:
                    parent_code = None
                self.how[f"{field} (address.country)"] += 1
                return self._register(line, self._fresh_id(name), name, code, parent, parent_code,
                                      f"registered from SBOM {self.serial}: {field} address.country"), \
                    f"{field} {name!r} (address.country {code})"
            named.append(f"{field} {name!r}")
            first_org = first_org or (field, name)
        for field, name in _people(comp):
            found = self.resolver.by_name(name)
            if found is not None:
                entry, how = found
                self.how[f"{field} ({how})"] += 1
                return self._use(entry, line), f"{field} {name!r} ({how})"
            named.append(f"{field} {name!r}")
        purl = comp.get("purl") if isinstance(comp.get("purl"), str) else None
        found = self.resolver.by_purl(purl)
        if found is not None:
            entry, how = found
            self.how["package URL"] += 1
            return self._use(entry, line), f"purl {purl_key(purl)} ({how})"
        if comp.get("type") == "operating-system" and isinstance(comp.get("name"), str):
            found = self.resolver.by_name(comp["name"])
            if found is not None:
                entry, how = found
                self.how["operating-system name"] += 1
                return self._use(entry, line), f"operating-system name {comp['name']!r} ({how})"
        if purl:
            named.append(f"purl {purl_key(purl) or purl}")
        for n in named[:1]:
            self.unresolved[n] += 1
        if first_org is not None:
            field, name = first_org
            self.how["jurisdiction unknown (organisation not in the registry)"] += 1
            vid = self._register(line, self._fresh_id(name), name, UNKNOWN, None, None,
                                 f"jurisdiction unknown: {field} {name!r} is not in the vendor registry and gives "
                                 f"no address.country (SBOM {self.serial}); give its hq_country in a vendors file")
            return vid, "jurisdiction unknown: " + "; ".join(named) + " not in the vendor registry"
        self.how["jurisdiction unknown"] += 1
        vid = self._register(line, UNKNOWN_VENDOR, "Unknown vendor", UNKNOWN, None, None,
                             "components whose SBOM entry names no supplier or manufacturer, and no author, "
                             "publisher or package namespace found in the vendor registry")
        return vid, "jurisdiction unknown: " + ("; ".join(named) + " not in the vendor registry" if named
                                                else "no supplier, manufacturer, author, publisher or package URL")


def _layer(comp: dict, props: dict[str, str]) -> str:
    if props.get("layer"):
        return props["layer"]
    ctype = str(comp.get("type"))
    key = purl_key(comp.get("purl") if isinstance(comp.get("purl"), str) else None)
    ptype = key[4:].split("/", 1)[0] if key else None
    if ptype in PURL_TYPE_LAYER and (ctype in SOFTWARE_TYPES or PURL_TYPE_LAYER[ptype] == "models"):
        return PURL_TYPE_LAYER[ptype]
    return TYPE_LAYER.get(ctype) or f"(CycloneDX type {ctype}; set property aifd:layer)"


def _ref(comp: dict) -> str:
    ref = comp.get("bom-ref")
    if isinstance(ref, str) and ref.strip():
        return ref.strip()
    if isinstance(comp.get("purl"), str) and comp["purl"].strip():
        return comp["purl"].strip()
    group = comp.get("group") if isinstance(comp.get("group"), str) and comp.get("group") else ""
    name = str(comp.get("name") or "")
    version = comp.get("version") if isinstance(comp.get("version"), str) and comp.get("version") else ""
    return (f"{group}/" if group else "") + name + (f"@{version}" if version else "")


def read(con: duckdb.DuckDBPyConnection, path: Path, kind: str | None, progress=None,
         snapshot: date | None = None) -> Iterator[Staged]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise FileError(f"{path}: not UTF-8 text ({e.reason})") from None
    spdx_notes: list[str] | None = None
    if spdx.is_spdx(path):
        doc, spdx_notes = spdx.document(path)
    else:
        doc = _validate_xml(path, text) if text.lstrip().startswith("<") else _validate(path, text)
    components = _walk(doc.get("components"))
    if not components:
        raise FileError(f"{path}: the SBOM lists no components")

    meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    meta_props = _props(meta)
    snap, snap_note = _snapshot(path, doc, meta_props, snapshot)
    sha = hashlib.sha256(raw).hexdigest()
    serial = doc.get("serialNumber") if isinstance(doc.get("serialNumber"), str) and doc.get("serialNumber") \
        else f"{path.name} (sha256 {sha[:12]})"
    scope, scope_note = _subject(doc, meta_props, sha)
    warnings = [f"snapshot date {snap} from {snap_note}",
                f"component ids are '{scope}::<bom-ref>' (subject from {scope_note})"]
    if spdx_notes is not None:  # said in SPDX's words
        warnings = [w.replace("the file's metadata.timestamp", "the document's creationInfo.created")
                    .replace("subject from metadata.component", "subject from the package the document "
                             "describes, else its name").replace("<bom-ref>", "<SPDXID>") for w in warnings]
        warnings += spdx_notes

    vendors = _Vendors(con, serial)
    if vendors.resolver.empty_registry:
        warnings.append("the vendor registry is empty: only stored vendors and address.country resolve "
                        "jurisdictions (load queries/reference/vendor_registry.csv with --kind vendor_registry)")
    rows: list[tuple[int, dict[str, Any]]] = []
    defaulted = 0
    for line, comp in enumerate(components, start=1):
        props = _props(comp)
        label = (f"{comp['group']}/" if isinstance(comp.get("group"), str) and comp.get("group") else "") \
            + str(comp.get("name") or "")
        vendor_id, how = vendors.resolve(comp, props, line)
        if "criticality" not in props:
            defaulted += 1
        licences = _licence_ids(comp)
        version = comp.get("version") if isinstance(comp.get("version"), str) else None
        row: dict[str, Any] = {
            "snapshot_date": snap.isoformat(),
            "component_id": props.get("component_id") or f"{scope}::{_ref(comp)}",
            "name": (label or _ref(comp)) + (f" {version}" if version else ""),
            "layer": _layer(comp, props),
            "vendor_id": vendor_id,
            "quantity": _property(comp, "cdx:device:quantity"),
            "criticality": DEFAULT_CRITICALITY,
            "open_source": bool(licences) and all(OPEN_LICENCES.match(x) for x in licences),
            "source": f"sbom:{serial}",
            "notes": f"vendor from {how}",
        }
        for k, v in props.items():  # aifd:<column> properties override what the SBOM implies
            if k in COMPONENT_FIELDS and k != "source":
                row[k] = v
        rows.append((line, row))

    retired = _retire(con, scope, snap, {r["component_id"] for _, r in rows}, serial)
    if retired:
        rows.extend((None, r) for r in retired)  # not lines of this file
        warnings.append(f"{len(retired)} components of {scope} that an earlier SBOM listed are not in this one: "
                        f"recorded as retired on {snap}")
    resolved = ", ".join(f"{n} by {h}" for h, n in vendors.how.most_common())
    warnings.append(f"vendors: {resolved}")
    unknown = sum(n for h, n in vendors.how.items() if h.startswith("jurisdiction unknown"))
    if unknown:
        examples = ", ".join(n for n, _ in vendors.unresolved.most_common(5))
        warnings.append(f"jurisdiction unknown for {unknown} of {len(components)} components, stored and shown as "
                        f"their own share" + (f" (not in the vendor registry: {examples})" if examples else ""))
    warnings.extend(dict.fromkeys(vendors.notes))

    if vendors.rows:
        vrows = list(vendors.rows.values())
        headers = [c.name for c in VENDORS.columns]
        domain, mapping = detect(headers, f"{path} (suppliers)", "vendors")
        staged = Staged(domain, mapping, warnings=[f"{len(vrows)} vendors registered (from the vendor registry, "
                                                   "addresses, or with jurisdiction unknown)"])
        register_rows(con, "sov_sbom_vendors", vrows, headers)
        yield staged

    headers = [c.name for c in COMPONENTS.columns]
    domain, mapping = detect(headers, f"{path} (components)", "components")
    staged = Staged(domain, mapping, warnings=warnings)
    if defaulted:
        staged.warnings.append(f"criticality not in the SBOM for {defaulted} components: assumed "
                               f"{DEFAULT_CRITICALITY} ("
                               + ("SPDX carries no aifd: properties" if spdx_notes is not None
                                  else "set property aifd:criticality") + ")")
    register_rows(con, "sov_sbom_rows", rows, headers)
    yield staged


def _retire(con: duckdb.DuckDBPyConnection, scope: str, snap: date, present: set[str],
            serial: str) -> list[dict[str, Any]]:
    """Retired records for the subject's components in the stack as of ``snap`` that this BOM
    no longer lists (a BOM is the full inventory of its subject)."""
    q = queries.load("ingest/sbom_subject_stack")
    found = con.execute(q.sql, q.bind({"prefix": f"{scope}::", "as_of": snap})).fetchall()
    return [{"snapshot_date": snap.isoformat(), "component_id": cid, "name": name, "layer": layer,
             "vendor_id": vendor_id, "criticality": criticality, "retired": True, "source": f"sbom:{serial}",
             "notes": f"not in SBOM {serial} of {scope}: retired"}
            for cid, name, layer, vendor_id, criticality in found if cid not in present]
