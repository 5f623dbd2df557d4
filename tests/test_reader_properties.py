"""Property-based tests (hypothesis) for the CycloneDX and YAML readers, and the YAML rules.

For every generated file: no exception escapes as anything but a clear file-level message; no
NaN or infinity is stored; no stored row breaks a rule the checks enforce; a failed file changes
nothing stored. CycloneDX: a schema-valid BOM with components never fails as a whole, and the
vendors it registers are never rejected (unresolvable jurisdictions are stored as ZZ).
YAML: scalars are stored as written (0123, NO, 12:30 stay text).

Examples per property: CYCLONEDX_EXAMPLES and YAML_EXAMPLES below (hypothesis' database keeps the
failing ones for the next run).
"""
from __future__ import annotations

import itertools
import json
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.ingest import ensure_reference, load_path
from dashboard.ingest.sbom import _validate
from dashboard.ingest.staging import FileError
from dashboard.store import connect

from .conftest import figure

CYCLONEDX_EXAMPLES = 100
YAML_EXAMPLES = 100
_counter = itertools.count()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("props")
    c = connect(folder / "props.duckdb")
    ensure_reference(c)
    yield c, folder
    c.close()


def _fingerprint(con) -> tuple:
    return tuple(con.execute(f"SELECT count(*), hash(list(t ORDER BY ALL)) FROM {t} AS t").fetchall()[0]
                 for t in ("vendors", "components", "rejects", "vendor_registry"))


def _broken_rules(con) -> list:
    """Stored rows that a check rule forbids (the checks in queries/ingest/*_check.sql)."""
    return con.execute("""
        SELECT 'component ' || component_id FROM components c
        WHERE c.criticality NOT BETWEEN 1 AND 5
           OR c.layer NOT IN (SELECT layer FROM sov_layers)
           OR c.vendor_id NOT IN (SELECT vendor_id FROM vendors)
           OR (c.alternative_vendor_id IS NOT NULL AND c.alternative_vendor_id NOT IN (SELECT vendor_id FROM vendors))
           OR c.name IS NULL OR c.snapshot_date IS NULL
           OR NOT isfinite(coalesce(c.quantity, 0)) OR NOT isfinite(coalesce(c.annual_spend_eur, 0))
           OR NOT isfinite(coalesce(c.alternative_spend_eur, 0)) OR NOT isfinite(coalesce(c.switch_cost_eur, 0))
           OR c.quantity < 0 OR c.annual_spend_eur < 0 OR c.alternative_spend_eur < 0 OR c.switch_cost_eur < 0
        UNION ALL
        SELECT 'vendor ' || vendor_id FROM vendors v
        WHERE v.name IS NULL OR v.hq_country NOT IN (SELECT code FROM countries)
           OR (v.parent_country IS NOT NULL AND v.parent_country NOT IN (SELECT code FROM countries))
           OR ((v.parent IS NULL) <> (v.parent_country IS NULL)) OR v.valid_from < DATE '1900-01-01'
    """).fetchall()


def _figures_in_range(con) -> None:
    """Every sovereignty share is a number in 0..1 or NULL, never NaN or infinite."""
    for name in ("sov_headline", "sov_layers", "sov_scores"):
        frame = figure(con, name).frame
        for col in [c for c in frame.columns if "share" in c or c in ("baseline", "scenario")]:
            values = frame[col].dropna()
            assert ((values >= 0) & (values <= 1 + 1e-9)).all(), (col, values.tolist())


def _clear_failure(path: Path, report) -> None:
    """A failed load must say what is wrong with the file, not leak a Python exception."""
    assert not re.match(re.escape(str(path)) + r": [A-Z]\w*(Error|Exception): ", report.message), report.message


# --- CycloneDX ----------------------------------------------------------------------------------

SPECS = ["1.2", "1.3", "1.4", "1.5", "1.6", "1.7"]
TYPES = ["device", "firmware", "device-driver", "operating-system", "container", "platform", "library",
         "framework", "application", "file", "machine-learning-model", "data"]
ORG_NAMES = ["NVIDIA Corporation", "Nvidia Corp.", "Mellanox Technologies Ltd.", "Hugging Face Inc", "Samtec",
             "The Linux Foundation", "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>", "ACME GmbH",
             "Acme, Inc.", "  ", "Ünïcødé AG", "株式会社テスト", "x" * 300, "IL Sub Ltd", "unknown", "ZZ", "NaN"]
COUNTRIES = ["US", "de", "Germany", "UK", "XX", "ZZ", "", "Atlantis", "United States of America", "Norway", "NO"]
PURLS = ["pkg:pypi/torch@2.5.1", "pkg:npm/%40aws-sdk/client-s3@3.1", "pkg:deb/ubuntu/bash@5.1?arch=amd64",
         "pkg:golang/k8s.io/api@v0.29", "pkg:pypi/tqdm@4.66", "pkg:", "pkg:pypi/", "not-a-purl",
         "pkg:huggingface/mistralai/Mistral-7B@abc", "pkg:maven/org.apache.commons/commons-lang3@3.12.0"]
PROPS = ["aifd:criticality", "aifd:annual_spend_eur", "aifd:quantity", "aifd:layer", "aifd:component_id",
         "aifd:open_source", "aifd:licence_server", "aifd:cloud_connection", "aifd:switch_cost_eur",
         "aifd:alternative_spend_eur", "aifd:vendor_parent", "aifd:vendor_parent_country", "aifd:retired",
         "aifd:notes", "cdx:device:quantity", "syft:package:type"]
VALUES = ["3", "5", "1", "0", "6", "-1", "NaN", "nan", "inf", "-inf", "1e400", "1e308", "abc", "", "2.5", "true",
          "false", "yes", "networking", "Silicon", "US", "Germany", "2026-01-01"]

text = st.text(max_size=24)
org_name = st.sampled_from(ORG_NAMES) | text
country = st.sampled_from(COUNTRIES) | st.text(max_size=4)
purl = st.sampled_from(PURLS) | text


@st.composite
def org(draw, spec):
    o = {"name": draw(org_name)}
    if draw(st.booleans()):
        o["url"] = [draw(st.sampled_from(["https://example.com/", "https://www.nvidia.com/"]))]
    if spec >= "1.6" and draw(st.booleans()):
        o["address"] = {"country": draw(country)}
    return o


@st.composite
def component(draw, spec, depth=0):
    c = {"type": draw(st.sampled_from(TYPES)), "name": draw(st.sampled_from(["torch", "bash", "GPU", ""]) | text)}
    optional = {
        "bom-ref": st.sampled_from(["a", "b", "root-component", "pkg:pypi/requests@2.32.3"]) | text,
        "version": st.sampled_from(["1.0", "", "2.32.3"]) | text,
        "group": st.sampled_from(["", "@babel", "org.apache"]) | text,
        "purl": purl, "supplier": org(spec), "publisher": org_name, "author": org_name,
        "licenses": st.lists(st.sampled_from([{"license": {"id": "MIT"}}, {"license": {"name": "Custom"}},
                                              {"expression": "Apache-2.0 OR MIT"}]), max_size=2),
    }
    if spec >= "1.3":
        optional["properties"] = st.lists(st.builds(lambda n, v: {"name": n, "value": v}, st.sampled_from(PROPS),
                                                    st.sampled_from(VALUES) | st.text(max_size=8)), max_size=4)
    if spec >= "1.6":
        optional["manufacturer"] = org(spec)
        optional["authors"] = st.lists(st.builds(lambda n: {"name": n}, org_name), max_size=2)
    for key, strategy in optional.items():
        if draw(st.booleans()):
            c[key] = draw(strategy)
    if depth < 2 and draw(st.integers(0, 4)) == 0:
        c["components"] = draw(st.lists(component(spec, depth + 1), max_size=3))
    return c


@st.composite
def cyclonedx_file(draw):
    spec = draw(st.sampled_from(SPECS))
    doc: dict = {"bomFormat": "CycloneDX", "specVersion": spec, "version": 1}
    if draw(st.booleans()):
        doc["serialNumber"] = f"urn:uuid:{draw(st.uuids())}"
    if draw(st.integers(0, 3)):
        meta: dict = {}
        if draw(st.booleans()):
            ts = draw(st.datetimes(min_value=datetime(1800, 1, 1), max_value=datetime(2200, 1, 1),
                                   timezones=st.sampled_from([None, timezone.utc])))
            meta["timestamp"] = ts.strftime("%Y-%m-%dT%H:%M:%S") + draw(st.sampled_from(["Z", "+02:00", "-11:30"]))
        if draw(st.booleans()):
            meta["component"] = {"type": "application", "name": draw(st.sampled_from([".", "", "app"]) | text)}
        if spec >= "1.3" and draw(st.integers(0, 4)) == 0:
            meta["properties"] = [{"name": draw(st.sampled_from(["aifd:scope", "aifd:snapshot_date"])),
                                   "value": draw(st.sampled_from(["svc", "2026-02-30", "2026-05-01", ""]) | text)}]
        doc["metadata"] = meta
    doc["components"] = draw(st.lists(component(spec), max_size=6))
    raw = json.dumps(doc)
    damage = draw(st.integers(0, 9))
    if damage == 0:  # cut off, as a failed download would
        raw = raw[: draw(st.integers(0, max(0, len(raw) - 1)))]
    elif damage == 1:  # something the schema forbids
        raw = raw.replace('"type": "', '"type": "gadget-', 1)
    snapshot = draw(st.none() | st.dates(min_value=date(1901, 1, 1), max_value=date(2100, 1, 1)))
    return raw, snapshot


@settings(max_examples=CYCLONEDX_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=cyclonedx_file())
def test_cyclonedx_reader_properties(store, case):
    con, folder = store
    raw, snapshot = case
    path = folder / f"bom-{next(_counter)}.cdx.json"
    path.write_text(raw, encoding="utf-8")
    before = _fingerprint(con)
    r = load_path(con, path, snapshot=snapshot)
    assert r.status in ("ok", "partial", "failed", "skipped")
    if r.status == "failed":
        _clear_failure(path, r)
        assert _fingerprint(con) == before
    else:
        assert all(d.rejected == 0 for d in r.domains if d.domain == "vendors"), r.summary()
    assert _broken_rules(con) == []
    if r.status in ("ok", "partial"):
        _figures_in_range(con)
    try:
        doc = _validate(path, raw)
    except FileError:
        return
    snapshot_prop = any(p.get("name") == "aifd:snapshot_date"
                        for p in (doc.get("metadata") or {}).get("properties") or [])
    if doc.get("components") and not snapshot_prop:
        assert r.status != "failed", r.message  # a valid BOM with components is always stored


# --- YAML ---------------------------------------------------------------------------------------

TRICKY = ["0123", "NO", "no", "12:30", "yes", "off", "on", "1e3", ".inf", "-.inf", ".nan", "~", "null", "Null",
          "2026-01-01", "0x1F", "+1", "1_000", "NaN", "false", "y", "n", "0o17", "1:20:30", "DE", "US", "ZZ",
          "1e400", "-3", "2.5"]
NULLS = {"~", "null", "Null"}
plain = st.sampled_from(TRICKY) | st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,8}", fullmatch=True)
FIELDS_V = ["vendor_id", "name", "hq_country", "parent", "parent_country", "notes", "valid_from"]
FIELDS_C = ["component_id", "name", "layer", "vendor_id", "criticality", "annual_spend_eur", "quantity",
            "open_source", "licence_server", "snapshot_date", "retired"]


@st.composite
def yaml_file(draw):
    """YAML text (not dumped by a library: plain scalars written as a person would) and the
    vendor records it holds, as {vendor_id token: hq_country token}."""
    lines, vendors = [], {}
    mode = draw(st.integers(0, 12))
    if mode == 0:
        return draw(st.text(max_size=200)), {}
    if mode == 1:  # an alias bomb: ten levels of nine aliases each
        bomb = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
        bomb += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
        return "\n".join(bomb) + "\nvendors: *a9\n", {}
    if draw(st.booleans()):
        lines.append(f"snapshot_date: {draw(plain)}")
    lines.append("vendors:")
    for _ in range(draw(st.integers(0, 4))):
        rec = {f: draw(plain) for f in FIELDS_V if f in ("vendor_id", "name", "hq_country") or draw(st.booleans())}
        if rec["vendor_id"] not in NULLS:
            vendors.setdefault(rec["vendor_id"], rec["hq_country"])
        if draw(st.booleans()):
            lines.append("  - {" + ", ".join(f"{k}: {v}" for k, v in rec.items()) + "}")
        else:
            lines.append("  - " + "\n    ".join(f"{k}: {v}" for k, v in rec.items()))
    lines.append("components:")
    for _ in range(draw(st.integers(0, 4))):
        rec = {f: draw(plain) for f in FIELDS_C if draw(st.integers(0, 2))}
        if not rec:
            rec = {"component_id": "c"}
        lines.append("  - {" + ", ".join(f"{k}: {v}" for k, v in rec.items()) + "}")
    if mode == 2:  # a key written twice
        lines.insert(len(lines) - 1, "  - {component_id: d, name: x, name: y}")
    text_ = "\n".join(lines) + "\n"
    if mode == 3:
        text_ = text_[: draw(st.integers(0, len(text_)))]
        vendors = {}
    return text_, vendors


@settings(max_examples=YAML_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=yaml_file())
def test_yaml_reader_properties(store, case):
    con, folder = store
    text_, vendors = case
    path = folder / f"stack-{next(_counter)}.yaml"
    path.write_text(text_, encoding="utf-8")
    before = _fingerprint(con)
    r = load_path(con, path)
    assert r.status in ("ok", "partial", "failed", "skipped")
    if r.status == "failed":
        _clear_failure(path, r)
        assert _fingerprint(con) == before
    if "name: x, name: y" in text_:
        assert r.status == "failed" and "duplicate key 'name'" in r.message
    if "&a9" in text_:
        assert r.status == "failed" and "aliases expand the document" in r.message
    assert _broken_rules(con) == []
    if r.status in ("ok", "partial"):
        _figures_in_range(con)
    if r.status in ("ok", "partial") and vendors:
        stored = dict(con.execute("SELECT vendor_id, hq_country FROM vendors WHERE registered_by = ?",
                                  [r.load_id]).fetchall())
        for vid, hq in stored.items():
            assert vid in vendors  # text as written: 0123 is not 83, NO is not false
            assert hq == vendors[vid].upper()


def test_yaml_keeps_text_as_written(con, tmp_path):
    path = tmp_path / "stack.yaml"
    path.write_text("vendors:\n"
                    "  - {vendor_id: 0123, name: NO, hq_country: NO, notes: 12:30}\n"
                    "  - {vendor_id: yes, name: 1e3, hq_country: de, parent: null, notes: ~}\n"
                    "components:\n"
                    "  - {snapshot_date: 2026-01-01, component_id: 0017, name: 12:30, layer: os, vendor_id: 0123,\n"
                    "     criticality: 5, licence_server: yes, open_source: no, annual_spend_eur: 12:30}\n")
    r = load_path(con, path)
    assert r.status == "partial", r.summary()  # only the spend 12:30: not a number
    assert con.execute("SELECT vendor_id, name, hq_country, parent, notes FROM vendors ORDER BY 1").fetchall() == [
        ("0123", "NO", "NO", None, "12:30"), ("yes", "1e3", "DE", None, None)]
    assert con.execute("SELECT reason FROM rejects").fetchall() == [
        ("annual_spend_eur: cannot read 12:30 as double",)]


@pytest.mark.parametrize("doc, message", [
    ("vendors:\n  - {vendor_id: a, vendor_id: b, hq_country: DE}\n", "duplicate key 'vendor_id' (first at line 2)"),
    ("vendors: []\nvendors: []\n", "duplicate key 'vendors' (first at line 1)"),
    ("a: &a [*a]\n", "a recursive alias"),
    ("a: " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
    ("a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n" + "".join(
        f"b{i}: &b{i} [" + ", ".join([f"*{'a' if i == 0 else f'b{i - 1}'}"] * 10) + "]\n" for i in range(6)),
     "aliases expand the document to"),
])
def test_yaml_refuses_duplicate_keys_and_unbounded_aliases(con, tmp_path, doc, message):
    before = _fingerprint(con)
    r = load_path(con, _write(tmp_path / "bad.yaml", doc))
    assert r.status == "failed" and message in r.message, r.message
    assert _fingerprint(con) == before


def _write(path: Path, text_: str) -> Path:
    path.write_text(text_)
    return path
