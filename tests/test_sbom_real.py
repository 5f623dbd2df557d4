"""CycloneDX BOMs shaped like real tools' output (tests/fixtures/sbom/README.md names the source of
each shape): every class stores every component, unresolvable jurisdictions as their own share,
and the figures below are counted by hand from the fixture files.

All fixtures leave criticality to its default (3 for every component), so the criticality-weighted
shares equal the count shares; none records spend, so every spend share is NULL ("no data").
"""
from __future__ import annotations

import json
import os
import warnings
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from dashboard.ingest import ensure_reference, load_path, load_paths
from dashboard.store import connect

from .conftest import figure

FIXTURES = Path(__file__).parent / "fixtures" / "sbom"


def _load(con, name: str, **kw):
    r = load_path(con, FIXTURES / name, **kw)
    assert r.status == "ok", r.summary()
    assert r.format == "cyclonedx"
    assert con.execute("SELECT count(*) FROM rejects").fetchall() == [(0,)]
    return r


def _warnings(r) -> str:
    return " | ".join(w for d in r.domains for w in d.warnings)


def _components(con, snapshot=None) -> pd.DataFrame:
    return figure(con, "sov_components", snapshot=snapshot).frame.set_index("component_id")


def _scores(con, snapshot=None) -> dict[str, float]:
    return {r.score: r.baseline for r in figure(con, "sov_scores", snapshot=snapshot).frame.itertuples()}


def _control(f: pd.DataFrame, scope: str) -> dict[str, str]:
    return {cid.split("::", 1)[1]: c for cid, c in f.control_country.items() if cid.startswith(scope + "::")}


def test_hardware_bom_suppliers_without_addresses_resolve_through_the_registry(con):
    """HBOM, spec 1.6: suppliers by name (and url), almost none with address.country."""
    r = _load(con, "hbom-gpu-node-1.6.cdx.json")
    assert "snapshot date 2026-09-14 from the file's metadata.timestamp" in _warnings(r)
    f = _components(con)
    assert _control(f, "com.example.aifactory/gpu-node") == {
        "699-2G525-0200-000": "US",    # NVIDIA Corporation
        "900-9X81E-00EX-ST0": "US",    # Mellanox Technologies Ltd., IL: parent NVIDIA
        "FRU-KIT-B200": "US",          # NVIDIA GmbH, address DE: NVIDIA's German subsidiary
        "PCIE-098-02-F-D-EMS2": "US",  # Samtec
        "molex-46562-0002": "US",      # Molex: Koch Industries
        "MC9A22-1034": "US",           # Multicomp: Farnell (GB), Avnet (US)
        "826632-3": "IE",              # TE Connectivity plc
        "AST2600A3-GP": "TW",          # ASPEED
        "PSU-3200W-DPS": "TW",         # Delta Electronics, Inc.
        "CDU-3311-800": "DE",          # Rittal GmbH & Co. KG: Friedhelm Loh Group
        "CHX-CP-B200": "US",           # CoolIT Systems (CA): KKR
        "BRKT-1U-0007": "ZZ",          # supplier not in the registry, no address
        "TP-60x60-1.5": "ZZ",          # no supplier at all
    }
    sub = f.loc["com.example.aifactory/gpu-node::FRU-KIT-B200"]
    assert (sub.vendor_id, sub.hq_country, sub.ultimate_parent) == ("nvidia_gmbh", "DE", "NVIDIA Corporation")
    assert f.loc["com.example.aifactory/gpu-node::molex-46562-0002", "quantity"] == 16  # cdx:device:quantity
    assert set(f.layer) == {"Systems"}
    # N = 13, all w = 3: US 7, unknown 2; HQ view US: NVIDIA, Samtec, Molex = 3
    h = figure(con, "sov_headline").frame.iloc[0]
    assert h.components == 13
    assert h.us_share_count == pytest.approx(7 / 13) and h.us_share_critical == pytest.approx(7 / 13)
    assert h.unknown_share_count == pytest.approx(2 / 13) and h.unknown_share_critical == pytest.approx(2 / 13)
    assert pd.isna(h.us_share_spend) and pd.isna(h.us_share_spend_hq) and pd.isna(h.unknown_share_spend)
    s = _scores(con)
    assert s["us_share_count_hq"] == pytest.approx(3 / 13)
    assert pd.isna(s["us_share_spend"])
    v = figure(con, "sov_vendors").frame.set_index("vendor_id")
    assert v.loc["shenzhen_example_metalworks_co_ltd", "jurisdiction_unknown"]
    assert v.loc["unknown", "hq_country"] == "ZZ" and v.loc["unknown", "components"] == 1
    assert not v.loc["rittal", "jurisdiction_unknown"] and v.loc["rittal", "eu_controlled"]


def test_ml_bom_1_6_suppliers_are_hugging_face_organisations(con):
    """ML-BOM, spec 1.6: supplier/manufacturer names only (often the Hugging Face organisation),
    publisher "Hugging Face Inc"; no metadata.component, so ids are scoped by the serial number."""
    r = _load(con, "mlbom-foundation-models-1.6.cdx.json")
    assert "subject from serialNumber" in _warnings(r)
    f = _components(con)
    assert _control(f, "urn:uuid:4a1e8c55-2d0b-4b6c-8f2e-91f0d3a7c6b2") == {
        "gpt-4o": "US", "bert-base-cased@cd5ef92a9fb2f889e972770a36d4ed042daf221e": "US",  # OpenAI; google-bert: Google
        "Mistral-Small-3.1-24B-Instruct-2503": "FR",  # the supplier decides, not the publisher (Hugging Face)
        "Llama-3.1-8B-Instruct": "US", "Teuken-7B-instruct-commercial-v0.4": "DE", "FLUX.1-dev": "DE",
        "falcon-7b": "AE", "granite-3.1-8b-instruct": "US", "sentiment-xl@2.1": "ZZ", "wikipedia-20231101.en": "ZZ"}
    # N = 10: US 4 (gpt-4o, bert, llama, granite), EU 3, AE 1, unknown 2
    h = figure(con, "sov_headline").frame.iloc[0]
    assert (h.us_share_count, h.unknown_share_count) == pytest.approx((4 / 10, 2 / 10))
    assert h.us_share_critical == pytest.approx(4 / 10) and h.unknown_share_critical == pytest.approx(2 / 10)
    layers = figure(con, "sov_layers").frame.set_index("layer")
    assert layers.loc["models", "components"] == 10
    assert layers.loc["models", "unknown_share_critical"] == pytest.approx(2 / 10)
    assert layers.loc["models", "unknown_critical_of_stack"] == pytest.approx(2 / 10)
    assert pd.isna(layers.loc["models", "us_share_spend"])
    fw = figure(con, "sov_framework").frame.set_index("objective")
    assert fw.loc["SOV-2", "unknown_in_scope"] == 2 and fw.loc["SOV-2", "unknown_share"] == pytest.approx(2 / 10)
    assert fw.loc["SOV-2", "indicator_value"] == pytest.approx(3 / 10)  # EU-controlled: Mistral, Teuken, FLUX


def test_ml_bom_1_7_model_card_with_datasets(con):
    """ML-BOM, spec 1.7: publisher or authors instead of a supplier, datasets without one."""
    _load(con, "mlbom-model-card-1.7.cdx.json")
    f = _components(con)
    assert _control(f, "document-assistant") == {
        "component-pharia-1-llm": "DE",            # publisher Aleph Alpha GmbH
        "component-ticket-training-data": "ZZ", "component-ticket-evaluation-data": "ZZ",
        "component-mistral-7b": "FR",              # authors [{name: Mistral AI}] (1.6+)
        "component-deepseek-distill": "CN",        # pkg:huggingface/deepseek-ai
        "pkg:pypi/vllm@0.11.0": "US"}              # PyTorch Foundation (Linux Foundation)
    # N = 6: US 1, unknown 2; layers: models 5 (unknown 2), AI frameworks 1 (US 1)
    h = figure(con, "sov_headline").frame.iloc[0]
    assert str(h.snapshot_date)[:10] == "2026-11-02"
    assert (h.us_share_count, h.unknown_share_count) == pytest.approx((1 / 6, 2 / 6))
    layers = figure(con, "sov_layers").frame.set_index("layer")
    assert layers.loc["models", "unknown_share_count"] == pytest.approx(2 / 5)
    assert layers.loc["ai_frameworks", "us_share_critical"] == pytest.approx(1.0)
    assert layers.loc[["models", "ai_frameworks"], "unknown_critical_of_stack"].sum() == pytest.approx(2 / 6)


def test_syft_image_scan(con):
    """syft, spec 1.7: no suppliers; deb packages carry the maintainer as publisher, Python
    packages their author, all a package URL; the OS component only its name."""
    _load(con, "syft-image-1.7.cdx.json")
    f = _components(con)
    got = _control(f, "nvcr.io/nvidia/tritonserver:25.01-py3")
    assert got.pop("os:ubuntu@22.04") == "GB"  # operating-system name ubuntu: Canonical
    debs = {k: v for k, v in got.items() if k.startswith("pkg:deb/")}
    assert sorted(debs.values()) == ["GB", "GB", "GB"]  # publisher Ubuntu Developers: Canonical
    rest = {k: v for k, v in got.items() if not k.startswith("pkg:deb/")}
    assert rest == {"6c0e9f2a1b3d5e74": "US",   # torch: author PyTorch Team
                    "0d4b8e1f7a2c9356": "US",   # numpy: purl -> NumFOCUS
                    "a7e3c5d1b9f20684": "US",   # nvidia-cudnn-cu12: author NVIDIA CUDA Installer Team
                    "3f9b1d7e5c0a2864": "US",   # requests: purl -> Python Software Foundation
                    "b2c4e6f8a0d13579": "US",   # triton: purl -> OpenAI
                    "5e8a0c2d4f6b1397": "ZZ",   # tqdm: nobody known
                    "pkg:golang/github.com/prometheus/client_golang@v1.20.4?package-id=8d1f3b5a7c9e0264": "US"}  # CNCF
    # N = 11: US 6, GB 4, unknown 1; OS layer = the image's distribution (4, all GB)
    h = figure(con, "sov_headline").frame.iloc[0]
    assert (h.us_share_count, h.unknown_share_count) == pytest.approx((6 / 11, 1 / 11))
    layers = figure(con, "sov_layers").frame.set_index("layer")
    assert layers.loc["operating_system", "components"] == 4 and layers.loc["operating_system", "us_share_count"] == 0
    assert layers.loc["ai_frameworks", "components"] == 7
    assert layers.loc["ai_frameworks", "us_share_count"] == pytest.approx(6 / 7)
    assert layers.loc["ai_frameworks", "unknown_share_count"] == pytest.approx(1 / 7)
    notes = f.loc["nvcr.io/nvidia/tritonserver:25.01-py3::0d4b8e1f7a2c9356", "notes"]
    assert "pkg:pypi/numpy" in notes  # the record says how its vendor was found


def test_cdxgen_python_project_with_empty_author_fields(con):
    """cdxgen, spec 1.5: author, publisher and group present but empty, licences often empty."""
    _load(con, "cdxgen-python-1.5.cdx.json")
    f = _components(con)
    assert _control(f, "rag-service") == {
        "pkg:pypi/fastapi@0.115.0": "ZZ", "pkg:pypi/uvicorn@0.30.6": "ZZ", "pkg:pypi/pydantic@2.9.2": "ZZ",
        "pkg:pypi/transformers@4.45.1": "US", "pkg:pypi/vllm@0.6.2": "US", "pkg:pypi/boto3@1.35.29": "US",
        "pkg:pypi/openai@1.50.2": "US", "pkg:pypi/requests@2.32.3": "US", "pkg:pypi/mistralai@1.1.0": "FR"}
    # N = 9: US 5, FR 1, unknown 3
    s = _scores(con)
    assert (s["us_share_count"], s["unknown_share_count"]) == pytest.approx((5 / 9, 3 / 9))
    assert s["unknown_share_critical"] == pytest.approx(3 / 9)
    assert pd.isna(s["unknown_share_spend"])
    assert not f.loc["rag-service::pkg:pypi/pydantic@2.9.2", "open_source"]  # no licence given: not assumed open


def test_cyclonedx_npm_without_timestamp_takes_snapshot_option_else_file_time(con, tmp_path):
    """cyclonedx-npm, spec 1.4: no metadata.timestamp and no serialNumber. The snapshot date is
    --snapshot when given, else the file's modification time, never a default a parsing library
    fills in (which would be today)."""
    r = _load(con, "cyclonedx-npm-1.4.cdx.json", snapshot=date(2026, 8, 1))
    assert "snapshot date 2026-08-01 from --snapshot (the file has no metadata.timestamp)" in _warnings(r)
    f = _components(con)
    assert _control(f, "inference-console") == {
        "@babel/parser@7.25.6": "ZZ", "express@4.21.0": "US", "@aws-sdk/client-s3@3.658.1": "US",
        "lodash@4.17.21": "US", "@huggingface/inference@2.8.1": "US", "@grafana/faro-web-sdk@1.10.0": "US",
        "left-pad@1.3.0": "ZZ", "@opentelemetry/api@1.9.0": "US"}
    h = figure(con, "sov_headline").frame.iloc[0]  # N = 8: US 6, unknown 2
    assert str(h.snapshot_date)[:10] == "2026-08-01"
    assert (h.us_share_count, h.unknown_share_count) == pytest.approx((6 / 8, 2 / 8))

    copy = tmp_path / "console.cdx.json"
    copy.write_bytes((FIXTURES / "cyclonedx-npm-1.4.cdx.json").read_bytes() + b"\n")  # other bytes, same BOM
    stamp = datetime(2025, 3, 4, 12, 0, tzinfo=timezone.utc).timestamp()
    os.utime(copy, (stamp, stamp))
    r2 = load_path(con, copy)
    assert r2.status == "ok", r2.summary()
    assert "snapshot date 2025-03-04 from the file's modification date" in _warnings(r2)
    assert [str(d)[:10] for d in figure(con, "sov_trend").frame.snapshot_date] == ["2025-03-04", "2026-08-01"]


def test_bom_without_metadata_spec_1_2(con, tmp_path):
    """cyclonedx-npm, spec 1.2, no metadata at all: ids scoped by the file's SHA-256."""
    r = _load(con, "cyclonedx-npm-1.2-no-metadata.cdx.json", snapshot=date(2026, 8, 1))
    assert "subject from the file's SHA-256" in _warnings(r)
    h = figure(con, "sov_headline").frame.iloc[0]  # N = 3: express and @aws-sdk US, @babel unknown
    assert (h.components, h.us_share_count, h.unknown_share_count) == (3, pytest.approx(2 / 3), pytest.approx(1 / 3))


def test_two_boms_reusing_bom_refs_do_not_collide(con):
    """cyclonedx-py, spec 1.5: both environments have bom-refs root-component, numpy==2.1.3 and
    requests==2.32.3; "bomFormat" is the last key (past the first 4 KiB of the file)."""
    for name in ("cyclonedx-py-training-1.5.cdx.json", "cyclonedx-py-serving-1.5.cdx.json"):
        head = (FIXTURES / name).read_text()[:4096]
        assert "bomFormat" not in head and (FIXTURES / name).stat().st_size > 4096
    reports = list(load_paths(con, [FIXTURES / "cyclonedx-py-training-1.5.cdx.json",
                                    FIXTURES / "cyclonedx-py-serving-1.5.cdx.json"], snapshot=date(2026, 8, 1)))
    assert [r.status for r in reports] == ["ok", "ok"], [r.summary() for r in reports]
    f = _components(con)
    assert _control(f, "training-pipeline") == {
        "mistral_common==1.4.4": "FR", "numpy==2.1.3": "US", "pyyaml==6.0.2": "ZZ", "requests==2.32.3": "US",
        "ruamel.yaml==0.18.6": "ZZ", "safetensors==0.4.5": "US", "torch==2.5.1": "US"}
    assert _control(f, "serving-api") == {"fastapi==0.115.0": "ZZ", "numpy==2.1.3": "US", "requests==2.32.3": "US",
                                          "vllm==0.6.3": "US"}
    # 7 + 4 = 11 components (keyed by bom-ref alone they would have been 9): US 4 + 3, FR 1, unknown 2 + 1
    h = figure(con, "sov_headline").frame.iloc[0]
    assert h.components == 11
    assert (h.us_share_count, h.unknown_share_count) == pytest.approx((7 / 11, 3 / 11))


def test_newer_bom_of_the_same_subject_retires_what_it_no_longer_lists(con, tmp_path):
    """A BOM is its subject's full inventory: tqdm gone and a new package in the next scan."""
    _load(con, "syft-image-1.7.cdx.json")
    doc = json.loads((FIXTURES / "syft-image-1.7.cdx.json").read_text())
    doc["metadata"]["timestamp"] = "2026-11-20T06:00:00+01:00"  # 2026-11-20 in UTC
    doc["serialNumber"] = "urn:uuid:1b2f6d3e-8c4a-4e0b-9f7d-2a6c5e8b1d04"
    tqdm = next(c for c in doc["components"] if c["name"] == "tqdm")
    doc["components"].remove(tqdm)
    doc["components"].append({"bom-ref": "77aa0c2d4f6b1398", "type": "library", "name": "transformers",
                              "version": "4.46.0", "purl": "pkg:pypi/transformers@4.46.0"})
    newer = tmp_path / "scan-2.cdx.json"
    newer.write_text(json.dumps(doc))
    r = load_path(con, newer)
    assert r.status == "ok", r.summary()
    assert "1 components of nvcr.io/nvidia/tritonserver:25.01-py3 that an earlier SBOM listed" in _warnings(r)
    t = figure(con, "sov_trend").frame
    assert [str(d)[:10] for d in t.snapshot_date] == ["2026-10-05", "2026-11-20"]
    # October as loaded (US 6/11, unknown 1/11); November: tqdm retired, transformers (US) added
    assert list(t.components) == [11, 11]
    assert list(t.us_share_count) == pytest.approx([6 / 11, 7 / 11])
    assert list(t.unknown_share_count) == pytest.approx([1 / 11, 0])
    assert list(t.unknown_share_spend.isna()) == [True, True]


def test_spend_shares_need_spend_and_unknown_spend_counts(con, tmp_path):
    """A spend share is NULL until some component has spend; then the unknown share has its own."""
    doc = json.loads((FIXTURES / "mlbom-model-card-1.7.cdx.json").read_text())
    spend = {"component-pharia-1-llm": 300, "component-ticket-training-data": 100, "pkg:pypi/vllm@0.11.0": 0}
    for c in doc["components"]:
        if c["bom-ref"] in spend:
            c["properties"] = [{"name": "aifd:annual_spend_eur", "value": str(spend[c["bom-ref"]])}]
    path = tmp_path / "assistant.cdx.json"
    path.write_text(json.dumps(doc))
    assert load_path(con, path).status == "ok"
    h = figure(con, "sov_headline").frame.iloc[0]  # Σ spend = 400: unknown 100 (training data), US 0 (vllm)
    assert h.unknown_share_spend == pytest.approx(100 / 400)
    assert h.us_share_spend == 0 and h.us_share_spend_hq == 0


def test_registry_vendors_already_stored_keep_their_records(sample_copy):
    """On the sample, the SBOM's NVIDIA, Mellanox, Nokia, SUSE are the stored vendors (with their
    history); Hugging Face and Black Forest Labs come from the registry."""
    from dashboard.store import connect
    from dashboard.config import REPO_ROOT

    c = connect(sample_copy)
    try:
        before = c.execute("SELECT * FROM vendors ORDER BY vendor_id, valid_from").fetchall()
        r = load_path(c, REPO_ROOT / "sample_metrics" / "sbom" / "edge-inference-node.cdx.json")
        assert r.status == "ok", r.summary()
        after = c.execute("SELECT * FROM vendors ORDER BY vendor_id, valid_from").fetchall()
        assert set(before) <= set(after)  # nothing stored changed
        added = {row[0] for row in set(after) - set(before)}
        assert added == {"hugging_face", "black_forest_labs", "qct"}
        assert c.execute("SELECT count(*) FROM components WHERE source LIKE 'sbom:%' AND vendor_id = 'unknown'"
                         ).fetchall() == [(0,)]
    finally:
        c.close()


@pytest.mark.parametrize("page", ["sovereignty.py", "overview.py"])
def test_pages_render_a_store_holding_only_an_sbom(db_path, monkeypatch, page):
    """No spend anywhere (spend shares NULL) and some unknown jurisdiction: the pages say "no data" and
    show the unknown share instead of failing."""
    from streamlit.testing.v1 import AppTest

    from dashboard.config import REPO_ROOT
    from dashboard.store import connect

    c = connect(db_path)
    try:
        ensure_reference(c)
        _load(c, "syft-image-1.7.cdx.json")
    finally:
        c.close()
    monkeypatch.setenv("AIFD_DB", str(db_path))
    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "views" / page), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    if page == "sovereignty.py":
        assert metrics["Jurisdiction unknown"] == "9.1 %"  # 1 of 11, all w = 3
        assert metrics["US share (spend)"] == "no data" and metrics["US HQ only (spend)"] == "no data"
        assert metrics["US share (criticality)"] == "54.5 %"  # 6 of 11
    else:
        assert metrics["US-controlled, by spend"] == "no data"


def test_cli_snapshot_option_and_headline(tmp_path):
    """`aifd ingest --snapshot` dates an undated BOM; `aifd query sov_headline` shows the shares."""
    import subprocess
    import sys

    db = str(tmp_path / "cli.duckdb")

    def aifd(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "dashboard.cli", "--db", db, *args], capture_output=True, text=True)

    bad = aifd("ingest", "--snapshot", "2026-13-01", str(FIXTURES / "cyclonedx-npm-1.4.cdx.json"))
    assert bad.returncode == 2 and "--snapshot" in bad.stderr
    out = aifd("ingest", "--snapshot", "2026-08-01", str(FIXTURES / "cyclonedx-npm-1.4.cdx.json"))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "snapshot date 2026-08-01 from --snapshot" in out.stdout
    q = aifd("query", "sov_headline", "--format", "json")
    assert q.returncode == 0, q.stderr
    h = json.loads(q.stdout)[0]
    assert h["snapshot_date"].startswith("2026-08-01") and h["components"] == 8
    assert h["us_share_count"] == pytest.approx(6 / 8) and h["unknown_share_count"] == pytest.approx(2 / 8)
    assert h["us_share_spend"] is None  # no spend recorded: no data, not 0


# ---------------------------------------------------------------- CycloneDX XML

COLUMNS = ["vendor_id", "control_country", "hq_country", "layer", "criticality", "quantity", "open_source"]


def _as_xml(name: str, tmp_path: Path) -> Path:
    """A JSON fixture written as XML by CycloneDX's own Python library (its XML serializer)."""
    from cyclonedx.model.bom import Bom
    from cyclonedx.output import make_outputter
    from cyclonedx.schema import OutputFormat, SchemaVersion

    doc = json.loads((FIXTURES / name).read_text())
    with warnings.catch_warnings():  # the library's notes on the fixtures (deprecated author, no dependencies)
        warnings.simplefilter("ignore")
        bom = Bom.from_json(doc)
        xml = make_outputter(bom, OutputFormat.XML,
                             SchemaVersion.from_version(doc["specVersion"])).output_as_string()
    path = tmp_path / name.replace(".json", ".xml")
    path.write_text(xml)
    return path


# (the ML-BOM fixture has no bom-refs: the library invents random ones when it writes XML)
@pytest.mark.parametrize("name", ["hbom-gpu-node-1.6.cdx.json", "cdxgen-python-1.5.cdx.json"])
def test_an_xml_bom_gives_what_its_json_form_gives(tmp_path, name):
    """CycloneDX's XML form (the default of cyclonedx-maven, an option of syft and the others): the same
    components, vendors, jurisdictions, layers and snapshot date as the JSON it was written from."""
    frames = {}
    for form in ("json", "xml"):
        c = connect(tmp_path / f"{form}.duckdb")
        ensure_reference(c)
        path = FIXTURES / name if form == "json" else _as_xml(name, tmp_path)
        r = load_path(c, path)
        assert r.status == "ok" and r.format == "cyclonedx", r.summary()
        frames[form] = (_components(c)[COLUMNS].sort_index(), [w for w in _warnings(r).split(" | ")
                                                              if w.startswith("snapshot date")])
        c.close()
    pd.testing.assert_frame_equal(frames["xml"][0], frames["json"][0])
    assert frames["xml"][1] == frames["json"][1] and len(frames["json"][0]) > 5


XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.4" version="1">\n'


def test_an_xml_bom_of_spec_1_4_by_hand(con, tmp_path):
    """The XML forms read: a property's value as its text, licences as wrapped elements or one
    expression, a 1.4 author as text, nested components after their parent."""
    path = tmp_path / "bom.xml"
    path.write_text(XML_HEAD + """  <metadata>
    <timestamp>2026-11-02T10:00:00Z</timestamp>
    <component type="application"><name>inference-gateway</name></component>
    <properties><property name="aifd:scope">gw</property></properties>
  </metadata>
  <components>
    <component type="library" bom-ref="torch">
      <supplier><name>Meta Platforms, Inc.</name></supplier>
      <name>torch</name><version>2.5.1</version>
      <licenses><license><id>BSD-3-Clause</id></license></licenses>
      <purl>pkg:pypi/torch@2.5.1</purl>
      <properties><property name="aifd:criticality">5</property></properties>
      <components>
        <component type="library" bom-ref="triton"><author>Example Person</author><name>triton</name>
          <licenses><expression>MIT</expression></licenses></component>
      </components>
    </component>
  </components>
</bom>
""")
    r = load_path(con, path)
    assert r.status == "ok" and r.format == "cyclonedx", r.summary()
    assert "snapshot date 2026-11-02 from the file's metadata.timestamp" in _warnings(r)
    f = _components(con)
    assert list(f.index) == ["gw::torch", "gw::triton"]
    assert (f.loc["gw::torch", "vendor_id"], f.loc["gw::torch", "criticality"]) == ("meta", 5)
    assert bool(f.loc["gw::torch", "open_source"]) and bool(f.loc["gw::triton", "open_source"])
    assert f.loc["gw::triton", "vendor_id"] == "unknown"


def test_an_xml_bom_saved_as_utf16_loads(con, tmp_path):
    """Its declaration says UTF-16; the loader hands it over re-encoded as UTF-8."""
    text = _as_xml("hbom-gpu-node-1.6.cdx.json", tmp_path).read_text()
    path = tmp_path / "hbom16.xml"
    path.write_bytes(text.replace('<?xml version="1.0" ?>', '<?xml version="1.0" encoding="UTF-16"?>').encode("utf-16"))
    r = load_path(con, path)
    assert r.status == "ok" and r.format == "cyclonedx" and r.domains[-1].loaded == 13, r.summary()


@pytest.mark.parametrize("body, message", [
    ('<components><component type="library"><name>x</name><bogus/></component></components>\n</bom>\n',
     "not a valid CycloneDX 1.4 SBOM: at line 3: Element 'bogus': This element is not expected."),
    ('<components><component type="library"><name>x</name></component>\n',
     "not well-formed XML at line 4:"),
])
def test_an_invalid_xml_bom_fails_whole_naming_the_line(con, tmp_path, body, message):
    path = tmp_path / "bad.xml"
    path.write_text(XML_HEAD + body)
    before = con.execute("SELECT count(*) FROM components").fetchall()
    r = load_path(con, path)
    assert r.status == "failed" and message in r.message, r.message
    assert con.execute("SELECT count(*) FROM components").fetchall() == before


# ---------------------------------------------------------------- SPDX 2.x

SPDX_DOC = {  # as GitHub's "Export SBOM" writes it (SPDX 2.3 JSON), with a supplier and an OS package added
    "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
    "name": "com.github.example/inference-gateway", "documentNamespace": "https://spdx.org/spdxdocs/protobom/0a1b2c",
    "creationInfo": {"created": "2026-11-02T10:00:00Z", "creators": ["Tool: protobom-v0.0.13",
                                                                    "Tool: GitHub.com-Dependency-Graph"]},
    "packages": [
        {"SPDXID": "SPDXRef-github-example-inference-gateway-main", "name": "com.github.example/inference-gateway",
         "versionInfo": "main", "downloadLocation": "git+https://github.com/example/inference-gateway",
         "filesAnalyzed": False, "licenseDeclared": "Apache-2.0", "externalRefs": [
             {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
              "referenceLocator": "pkg:github/example/inference-gateway@main"}]},
        {"SPDXID": "SPDXRef-pypi-torch-2.5.1", "name": "pypi:torch", "versionInfo": "2.5.1",
         "downloadLocation": "NOASSERTION", "filesAnalyzed": False, "supplier": "Organization: Meta Platforms, Inc.",
         "licenseConcluded": "BSD-3-Clause", "primaryPackagePurpose": "LIBRARY", "externalRefs": [
             {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:pypi/torch@2.5.1"}]},
        {"SPDXID": "SPDXRef-deb-libssl3", "name": "libssl3", "versionInfo": "3.0.15-1", "downloadLocation": "NOASSERTION",
         "filesAnalyzed": False, "licenseConcluded": "NOASSERTION", "licenseDeclared": "Apache-2.0", "externalRefs": [
             {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
              "referenceLocator": "pkg:deb/debian/libssl3@3.0.15-1?arch=amd64&distro=debian-12"}]},
        {"SPDXID": "SPDXRef-npm-left-pad-1.3.0", "name": "npm:left-pad", "versionInfo": "1.3.0",
         "downloadLocation": "NOASSERTION", "filesAnalyzed": False, "supplier": "Person: Cameron Westland",
         "licenseConcluded": "NOASSERTION", "externalRefs": [
             {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:npm/left-pad@1.3.0"}]},
    ],
    "relationships": [
        {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
         "relatedSpdxElement": "SPDXRef-github-example-inference-gateway-main"},
        {"spdxElementId": "SPDXRef-github-example-inference-gateway-main", "relationshipType": "DEPENDS_ON",
         "relatedSpdxElement": "SPDXRef-pypi-torch-2.5.1"}],
}

SPDX_TAG_VALUE = """SPDXVersion: SPDX-2.3
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: com.github.example/inference-gateway
DocumentNamespace: https://spdx.org/spdxdocs/protobom/0a1b2c
Creator: Tool: protobom-v0.0.13
Created: 2026-11-02T10:00:00Z
Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-github-example-inference-gateway-main

PackageName: com.github.example/inference-gateway
SPDXID: SPDXRef-github-example-inference-gateway-main
PackageVersion: main
PackageDownloadLocation: git+https://github.com/example/inference-gateway
FilesAnalyzed: false
PackageLicenseDeclared: Apache-2.0

PackageName: pypi:torch
SPDXID: SPDXRef-pypi-torch-2.5.1
PackageVersion: 2.5.1
PackageSupplier: Organization: Meta Platforms, Inc.
PackageDownloadLocation: NOASSERTION
FilesAnalyzed: false
PackageLicenseConcluded: BSD-3-Clause
PrimaryPackagePurpose: LIBRARY
ExternalRef: PACKAGE-MANAGER purl pkg:pypi/torch@2.5.1

PackageName: libssl3
SPDXID: SPDXRef-deb-libssl3
PackageVersion: 3.0.15-1
PackageDownloadLocation: NOASSERTION
FilesAnalyzed: false
PackageLicenseConcluded: NOASSERTION
PackageLicenseDeclared: Apache-2.0
ExternalRef: PACKAGE-MANAGER purl pkg:deb/debian/libssl3@3.0.15-1?arch=amd64&distro=debian-12

PackageName: npm:left-pad
SPDXID: SPDXRef-npm-left-pad-1.3.0
PackageVersion: 1.3.0
PackageSupplier: Person: Cameron Westland
PackageDownloadLocation: NOASSERTION
FilesAnalyzed: false
PackageLicenseConcluded: NOASSERTION
ExternalRef: PACKAGE-MANAGER purl pkg:npm/left-pad@1.3.0
"""


@pytest.mark.parametrize("form", ["json", "tag-value"])
def test_an_spdx_document_loads_its_packages_as_components(con, tmp_path, form):
    """GitHub's SBOM export and syft/Trivy's spdx-json: the described package is the subject, the
    others are components; an organisation supplier resolves through the registry, a distribution
    package is the operating system, a person supplier is nobody's jurisdiction."""
    path = tmp_path / ("gateway.spdx.json" if form == "json" else "gateway.spdx")
    path.write_text(json.dumps(SPDX_DOC) if form == "json" else SPDX_TAG_VALUE)
    r = load_path(con, path)
    assert r.status == "ok" and r.format == "spdx", r.summary()
    w = _warnings(r)
    assert "snapshot date 2026-11-02 from the document's creationInfo.created" in w
    assert "component ids are 'com.github.example/inference-gateway::<SPDXID>'" in w
    f = _components(con)
    scope = "com.github.example/inference-gateway::"
    assert sorted(f.index) == [scope + "SPDXRef-deb-libssl3", scope + "SPDXRef-npm-left-pad-1.3.0",
                               scope + "SPDXRef-pypi-torch-2.5.1"]
    torch, ssl, pad = (f.loc[scope + x] for x in ("SPDXRef-pypi-torch-2.5.1", "SPDXRef-deb-libssl3",
                                                  "SPDXRef-npm-left-pad-1.3.0"))
    assert (torch.vendor_id, torch.control_country, bool(torch.open_source)) == ("meta", "US", True)
    assert (ssl.vendor_id, ssl.layer, bool(ssl.open_source)) == ("debian", "Operating system", True)
    assert (pad.vendor_id, pad.control_country, bool(pad.open_source)) == ("unknown", "ZZ", False)


@pytest.mark.parametrize("broken, message", [
    (lambda d: d["packages"][1].pop("SPDXID"), "not a readable SPDX document"),
    (lambda d: d["creationInfo"].pop("created"), "not a readable SPDX document"),
])
def test_an_unreadable_spdx_document_fails_whole(con, tmp_path, broken, message):
    doc = json.loads(json.dumps(SPDX_DOC))
    broken(doc)
    path = tmp_path / "bad.spdx.json"
    path.write_text(json.dumps(doc))
    r = load_path(con, path)
    assert r.status == "failed" and message in r.message and "nothing stored" in r.message, r.message
    assert con.execute("SELECT count(*) FROM components").fetchall() == [(0,)]


def test_an_spdx_3_document_is_named_and_refused(con, tmp_path):
    path = tmp_path / "sbom.spdx3.json"
    path.write_text(json.dumps({"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",
                                "@graph": [{"type": "SpdxDocument", "spdxId": "urn:x", "rootElement": []}]}))
    r = load_path(con, path)
    assert r.status == "failed" and r.format == "spdx", r.summary()
    assert "an SPDX 3 (JSON-LD) document, which is not read; export SPDX 2.3 JSON or CycloneDX" in r.message


def test_an_spdx_document_breaking_a_rule_loads_with_the_rule_named(con, tmp_path):
    doc = json.loads(json.dumps(SPDX_DOC))
    doc["relationships"].append({"spdxElementId": "SPDXRef-pypi-torch-2.5.1", "relationshipType": "DEPENDS_ON",
                                 "relatedSpdxElement": "SPDXRef-not-in-this-document"})
    path = tmp_path / "loose.spdx.json"
    path.write_text(json.dumps(doc))
    r = load_path(con, path)
    assert r.status == "ok", r.summary()
    assert "SPDX validation: 1 problems, read anyway; first: " in _warnings(r)
    assert "SPDXRef-not-in-this-document" in _warnings(r)


def _spdx_variants() -> list[dict]:
    missing_ref = json.loads(json.dumps(SPDX_DOC))
    missing_ref["relationships"].append({"spdxElementId": "SPDXRef-pypi-torch-2.5.1", "relationshipType": "DEPENDS_ON",
                                         "relatedSpdxElement": "SPDXRef-gone"})
    twice = json.loads(json.dumps(SPDX_DOC))
    twice["packages"].append(dict(twice["packages"][1]))
    no_describes = json.loads(json.dumps(SPDX_DOC))
    no_describes["relationships"] = no_describes["relationships"][1:]
    return [SPDX_DOC, missing_ref, twice, no_describes]


@pytest.mark.parametrize("variant", range(4))
def test_spdx_linear_validation_finds_what_the_library_finds(tmp_path, variant):
    """dashboard/ingest/spdx.py checks cross-references with a set (the library's full validation is
    quadratic): on a valid document, a dangling relationship, a repeated id and no DESCRIBES, it
    reports as many problems as spdx-tools' validate_full_spdx_document."""
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    from dashboard.ingest import spdx

    path = tmp_path / "v.spdx.json"
    path.write_text(json.dumps(_spdx_variants()[variant]))
    doc = parse_file(str(path))
    assert len(spdx._problems(doc)) == len(validate_full_spdx_document(doc))
