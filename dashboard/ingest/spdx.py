"""SPDX 2.2 and 2.3 documents (JSON, tag-value) read into the form the CycloneDX reader takes.

GitHub's "Export SBOM", syft ``-o spdx-json`` and Trivy ``--format spdx-json`` write SPDX. The
document is parsed and validated by spdx-tools, the SPDX project's own Python library; a document
it cannot parse raises ``FileError`` with the library's messages, and nothing from it is stored.
Its packages then become components as a CycloneDX BOM's do (``sbom.read``):

- the packages the document DESCRIBES are its subject (``metadata.component``), not components;
- ``supplier`` "Organization: X" is the component's supplier, ``originator`` "Organization: X" its
  manufacturer, a "Person: Y" supplier or originator its author;
- the ``purl`` external reference, ``licenseConcluded`` (else ``licenseDeclared``) and
  ``primaryPackagePurpose`` (LIBRARY, APPLICATION, FIRMWARE, DEVICE, OPERATING-SYSTEM, ...) are read;
- ``creationInfo.created`` is the snapshot date, ``documentNamespace`` the serial number.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .staging import FileError

SPDX_JSON = re.compile(r'"spdxVersion"\s*:\s*"SPDX-2\.\d"')
SPDX_TAG_VALUE = re.compile(r"^\s*SPDXVersion:\s*SPDX-2\.\d", re.MULTILINE)
SPDX_3 = re.compile(r"https://spdx\.org/rdf/3\.")
# primaryPackagePurpose -> the CycloneDX component type with the same meaning
PURPOSE_TYPE = {"APPLICATION": "application", "FRAMEWORK": "framework", "LIBRARY": "library",
                "CONTAINER": "container", "OPERATING_SYSTEM": "operating-system", "DEVICE": "device",
                "FIRMWARE": "firmware", "FILE": "file", "SOURCE": "library", "ARCHIVE": "library",
                "INSTALL": "application", "OTHER": "library"}


def is_spdx(path: Path) -> bool:
    """An SPDX 2.x document: JSON (``spdxVersion`` near its start) or tag-value (``*.spdx``)."""
    suffix = path.suffix.lower()
    if suffix not in (".json", ".spdx"):
        return False
    try:
        with path.open("rb") as f:
            head = f.read(4096).decode("utf-8", "replace")
    except OSError:
        return False
    if suffix == ".json":
        return bool(SPDX_JSON.search(head) or SPDX_3.search(head))
    return bool(SPDX_TAG_VALUE.search(head))


def document(path: Path) -> tuple[dict, list[str]]:
    """The document as the CycloneDX reader's dict, and what spdx-tools' validation says of it
    (warnings: a document it can parse is read, as real exports often break a rule or two)."""
    from spdx_tools.spdx.parser.error import SPDXParsingError
    from spdx_tools.spdx.parser.parse_anything import parse_file

    with path.open("rb") as f:
        if SPDX_3.search(f.read(4096).decode("utf-8", "replace")):
            raise FileError(f"{path}: an SPDX 3 (JSON-LD) document, which is not read; export SPDX 2.3 JSON or "
                            "CycloneDX instead; nothing stored")
    try:
        doc = parse_file(str(path))
    except SPDXParsingError as e:
        messages = [m[:200] for m in e.get_messages() if m]
        raise FileError(f"{path}: not a readable SPDX document: {'; '.join(messages[:3])}"
                        + (f" (+{len(messages) - 3} more)" if len(messages) > 3 else "") + "; nothing stored") from None
    except Exception as e:  # the library's own errors on malformed input (JSON, tag-value syntax)
        raise FileError(f"{path}: not a readable SPDX document: {str(e)[:300]}; nothing stored") from None
    problems = _problems(doc)
    notes = [f"SPDX validation: {len(problems)} problems, read anyway; first: {problems[0][:200]}"] if problems else []
    return _as_cyclonedx(doc), notes


def _problems(doc: Any) -> list[str]:
    """What the library's ``validate_full_spdx_document`` finds, in linear time: it looks up every
    relationship's and package's SPDX ids in a list of all ids, element by element (measured: 17 s
    for 6,000 packages). Each element is checked by the library's own validator without the
    document; the cross-references (ids that exist, ids that repeat, a DESCRIBES) by a set here."""
    from spdx_tools.spdx.validation.creation_info_validator import validate_creation_info
    from spdx_tools.spdx.validation.extracted_licensing_info_validator import validate_extracted_licensing_infos
    from spdx_tools.spdx.validation.file_validator import validate_files
    from spdx_tools.spdx.validation.package_validator import validate_packages
    from spdx_tools.spdx.validation.snippet_validator import validate_snippets

    info = doc.creation_info
    version = info.spdx_version
    if version not in ("SPDX-2.2", "SPDX-2.3"):
        return [f"only SPDX-2.2 and SPDX-2.3 are read, the document is {version}"]
    found = [*validate_creation_info(info, version), *validate_packages(doc.packages, version),
             *validate_files(doc.files, version), *validate_snippets(doc.snippets, version),
             *validate_extracted_licensing_infos(doc.extracted_licensing_info)]
    problems = [m.validation_message for m in found]
    ids = [info.spdx_id, *(p.spdx_id for p in doc.packages), *(f.spdx_id for f in doc.files),
           *(s.spdx_id for s in doc.snippets)]
    known, repeated = set(), set()
    for i in ids:
        (repeated if i in known else known).add(i)
    if repeated:
        problems.append(f"SPDX ids used twice: {', '.join(sorted(repeated)[:5])}")
    for r in doc.relationships:
        for i in (r.spdx_element_id, r.related_spdx_element_id):
            if isinstance(i, str) and i not in known and not i.startswith("DocumentRef-"):
                problems.append(f"relationship {r.spdx_element_id} {r.relationship_type.name} "
                                f"{r.related_spdx_element_id}: {i} is not an element of the document")
    for a in doc.annotations:
        if a.spdx_id not in known:
            problems.append(f"annotation of {a.spdx_id}: not an element of the document")
    single = len(doc.packages) == 1 and not doc.files and not doc.snippets
    if not single and not _described(doc):
        problems.append(f'no relationship "{info.spdx_id} DESCRIBES ..." (nor DESCRIBED_BY): the document does '
                        "not say which package it is about")
    return problems


def _described(doc: Any) -> list[str]:
    """The SPDX ids the document is about (DESCRIBES from it, DESCRIBED_BY to it)."""
    own = doc.creation_info.spdx_id
    return [r.related_spdx_element_id for r in doc.relationships
            if r.spdx_element_id == own and r.relationship_type.name == "DESCRIBES"] + \
           [r.spdx_element_id for r in doc.relationships
            if r.related_spdx_element_id == own and r.relationship_type.name == "DESCRIBED_BY"]


def _as_cyclonedx(doc: Any) -> dict:
    info = doc.creation_info
    described = set(_described(doc))
    subject = next((p for p in doc.packages if p.spdx_id in described), None)
    out: dict[str, Any] = {
        "bomFormat": "CycloneDX", "specVersion": "1.6", "serialNumber": info.document_namespace,
        "metadata": {"timestamp": info.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                     "component": {"type": "application", "name": subject.name if subject else info.name}},
        "components": [_component(p) for p in doc.packages if p.spdx_id not in described],
    }
    return out


def _actor(value: Any) -> tuple[str, str] | None:
    """(ORGANIZATION | PERSON | TOOL, name) of an SPDX actor; None for NOASSERTION or nothing."""
    kind = getattr(getattr(value, "actor_type", None), "name", None)
    name = getattr(value, "name", None)
    return (kind, name.strip()) if kind and isinstance(name, str) and name.strip() else None


def _component(p: Any) -> dict:
    comp: dict[str, Any] = {"type": PURPOSE_TYPE.get(getattr(p.primary_package_purpose, "name", ""), "library"),
                            "bom-ref": p.spdx_id, "name": p.name}
    if isinstance(p.version, str) and p.version:
        comp["version"] = p.version
    purl = next((r.locator for r in p.external_references if r.reference_type == "purl"), None)
    if purl:
        comp["purl"] = purl
    for actor, org_field in ((_actor(p.supplier), "supplier"), (_actor(p.originator), "manufacturer")):
        if actor and actor[0] == "ORGANIZATION":
            comp.setdefault(org_field, {"name": actor[1]})
        elif actor and actor[0] == "PERSON":
            comp.setdefault("author", actor[1])
    licence = next((str(x) for x in (p.license_concluded, p.license_declared)
                    if x is not None and type(x).__name__ not in ("SpdxNoAssertion", "SpdxNone")), None)
    if licence:
        comp["licenses"] = [{"expression": licence}]
    return comp
