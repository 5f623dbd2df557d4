"""The shipped vendor registry: loaded through the ingest log, sourced, unambiguous, consistent with
the sample inventory, revisable by a user's CSV; name and package-URL resolution rules."""
from __future__ import annotations

import csv
from datetime import date

import pandas as pd
import pytest

from dashboard.ingest import load_path
from dashboard.ingest import ensure_reference
from dashboard.ingest.vendor_registry import REGISTRY_CSV, Resolver, normalise, purl_key

from .conftest import figure

HEADER = "vendor_id,name,aliases,hq_country,parent,parent_country,category,purl_namespaces,source,as_of,notes\n"


def _rows() -> list[dict[str, str]]:
    with REGISTRY_CSV.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_shipped_registry_loads_whole_through_the_ingest_log(con):
    rows = _rows()
    assert len(rows) >= 150
    assert con.execute("SELECT count(*) FROM vendor_registry").fetchall() == [(len(rows),)]
    log = con.execute("SELECT status, rows_in, rows_loaded, rows_rejected FROM ingest_log "
                      "WHERE source LIKE '%vendor_registry.csv'").fetchall()
    assert log == [("ok", len(rows), len(rows), 0)]
    ensure_reference(con)  # already filled: nothing loaded again
    assert con.execute("SELECT count(*) FROM ingest_log WHERE source LIKE '%vendor_registry.csv'").fetchall() == [(1,)]
    cats = {r["category"] for r in rows}
    assert {"silicon", "systems", "networking", "storage", "facility_energy", "cloud_colocation",
            "operating_system", "orchestration", "ai_frameworks", "models", "foundation"} <= cats
    for r in rows:
        assert r["source"].startswith("https://"), r
        assert date.fromisoformat(r["as_of"]) <= date(2026, 12, 31)


def test_registry_names_and_aliases_are_unambiguous(con):
    assert Resolver(con).ambiguous == []


@pytest.mark.parametrize("vendor_id, control, parent", [
    ("mellanox", "US", "NVIDIA Corporation"), ("cumulus", "US", "NVIDIA Corporation"),
    ("redhat", "US", "International Business Machines Corporation"), ("suse", "SE", "EQT AB"),
    ("canonical", "GB", None), ("schneider", "FR", None), ("vertiv", "US", None),
    ("rittal", "DE", "Friedhelm Loh Group"), ("arista", "US", None),
    ("juniper", "US", "Hewlett Packard Enterprise Company"), ("supermicro", "US", None), ("lenovo", "CN", None),
    ("inspur", "CN", "Inspur Group Co. Ltd."), ("pure_storage", "US", None), ("netapp", "US", None),
    ("ddn", "US", None), ("vast_data", "US", None), ("mistral", "FR", None), ("aleph_alpha", "DE", None),
    ("hugging_face", "US", None), ("linux_foundation", "US", None), ("asf", "US", None), ("psf", "US", None),
    ("eclipse", "BE", None), ("openjs", "US", "The Linux Foundation"), ("cncf", "US", "The Linux Foundation"),
    ("pytorch_foundation", "US", "The Linux Foundation"), ("ampere", "JP", "SoftBank Group Corp."),
])
def test_ownership_facts(con, vendor_id, control, parent):
    got = figure(con, "vendor_registry", search=vendor_id).frame.set_index("vendor_id")
    assert got.loc[vendor_id, "control_country"] == control
    got_parent = got.loc[vendor_id, "parent"]
    assert (None if pd.isna(got_parent) else got_parent) == parent


def test_sample_vendors_agree_with_the_registry(sample_db):
    """A sample vendor that the registry also lists has the same ultimate parent's country
    (ThinkParQ's 2026-09-01 acquisition is the sample's illustrative event, not a fact)."""
    from dashboard.store import connect

    c = connect(sample_db, read_only=True)
    try:
        disagree = c.execute(
            "SELECT v.vendor_id, coalesce(v.parent_country, v.hq_country), coalesce(r.parent_country, r.hq_country) "
            "FROM vendors v JOIN vendor_registry r USING (vendor_id) "
            "WHERE v.valid_from = DATE '1900-01-01' "
            "AND coalesce(v.parent_country, v.hq_country) <> coalesce(r.parent_country, r.hq_country)").fetchall()
        shared = c.execute("SELECT count(DISTINCT vendor_id) FROM vendors JOIN vendor_registry USING (vendor_id)"
                           ).fetchall()[0][0]
    finally:
        c.close()
    assert disagree == []
    assert shared >= 25


def test_user_csv_revises_and_extends_the_registry(con, tmp_path):
    path = tmp_path / "my_registry.csv"
    path.write_text(HEADER
                    + "thinkparq,ThinkParQ GmbH,ThinkParQ|BeeGFS,DE,Example Holdings Inc.,US,storage,,"
                      "https://example.com/news,2026-11-20,revised by the user\n"
                    + "acme_cooling,Acme Cooling GmbH,Acme Cooling,AT,,,facility_energy,pkg:pypi/acme-cool,"
                      "https://example.com/acme,2026-11-20,\n")
    r = load_path(con, path, kind="vendor_registry")
    assert r.status == "ok", r.summary()
    assert (r.total("updated"), r.total("loaded")) == (1, 1)
    res = Resolver(con)
    assert res.by_name("ThinkParQ").__getitem__(0).control_country == "US"
    assert res.by_name("Acme Cooling GmbH")[0].vendor_id == "acme_cooling"
    assert res.by_purl("pkg:pypi/acme_cool@1.0")[0].vendor_id == "acme_cooling"
    # the same file again changes nothing; the header alone is recognised as a registry too
    again = load_path(con, path, force=True)
    assert again.status == "ok" and again.domains[0].domain == "vendor_registry"
    assert (again.total("updated"), again.total("loaded"), again.total("duplicate")) == (0, 0, 2)


def test_bad_registry_rows_are_rejected_with_reasons(con, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER
                    + "Bad Id,Bad,,US,,,x,,https://example.com,2026-11-20,\n"
                    + "nosource,No Source,,US,,,x,,,2026-11-20,\n"
                    + "ukco,UK Co,,UK,,,x,,https://example.com,2026-11-20,\n"
                    + "badns,Bad NS,,US,,,x,torch,https://example.com,2026-11-20,\n"
                    + "orphan,Orphan,,DE,Parent AG,,x,,https://example.com,2026-11-20,\n"
                    + "nodate,No Date,,DE,,,x,,https://example.com,,\n")
    r = load_path(con, path, kind="vendor_registry")
    assert r.status == "partial" and r.total("rejected") == 6
    reasons = dict(con.execute("SELECT series, reason FROM rejects").fetchall())
    assert reasons["Bad Id"] == "vendor_id Bad Id must be lower-case letters, digits and _"
    assert reasons["nosource"].startswith("no source")
    assert reasons["ukco"] == "hq_country UK is not an ISO 3166-1 alpha-2 code (write GB)"
    assert reasons["badns"].startswith("purl_namespaces: torch is not a package-URL prefix")
    assert reasons["orphan"] == "parent Parent AG given without parent_country"
    assert reasons["nodate"].startswith("as_of is missing")


@pytest.mark.parametrize("name, key", [
    ("NVIDIA Corporation", "nvidia"), ("Nvidia Corp.", "nvidia"), ("The Linux Foundation", "linux foundation"),
    ("Rittal GmbH & Co. KG", "rittal"), ("Schneider Electric SE", "schneider electric"),
    ("ESET, spol. s r.o.", "eset"), ("Nokia Oyj", "nokia"), ("Asetek A/S", "asetek"),
    ("Modèles SAS", "modeles"), ("Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>", "ubuntu developers"),
    ("Eviden (Bull SAS)", "eviden"), ("S.A.", "sa"), ("", ""), ("  ", ""),
])
def test_normalise(name, key):
    assert normalise(name) == key


@pytest.mark.parametrize("purl, key", [
    ("pkg:npm/%40babel/parser@7.21.2#packages/babel-parser", "pkg:npm/@babel/parser"),
    ("pkg:npm/@cyclonedx/cdxgen@9.7.0", "pkg:npm/@cyclonedx/cdxgen"),
    ("pkg:pypi/Nvidia_CuDNN.cu12@9.1", "pkg:pypi/nvidia-cudnn-cu12"),
    ("pkg:deb/ubuntu/bash@5.1?arch=amd64&distro=ubuntu-22.04", "pkg:deb/ubuntu/bash"),
    ("pkg:golang/github.com/NVIDIA/go-nvml@v0.12.0-1", "pkg:golang/github.com/nvidia/go-nvml"),
    ("pkg:maven/org.apache.commons/commons-lang3@3.12.0", "pkg:maven/org.apache.commons/commons-lang3"),
    ("a-purl-1", None), ("pkg:", None), ("pkg:pypi/", None), (None, None),
])
def test_purl_key(purl, key):
    assert purl_key(purl) == key


def test_purl_prefix_matches_whole_segments(con):
    res = Resolver(con)
    assert res.by_purl("pkg:pypi/torch@2.5.1")[0].vendor_id == "pytorch_foundation"
    assert res.by_purl("pkg:pypi/torchvision@0.20")[0].vendor_id == "pytorch_foundation"  # listed on its own
    assert res.by_purl("pkg:pypi/torchmetrics@1.4")[0].vendor_id == "lightning_ai"  # not torch's
    assert res.by_purl("pkg:pypi/torch-geometric@2.6") is None
    assert res.by_purl("pkg:maven/org.apache.commons/commons-lang3@3.12.0")[0].vendor_id == "asf"
    assert res.by_purl("pkg:maven/org.apachefoo/x@1") is None
    assert res.by_purl("pkg:golang/github.com/nvidia-merlin/x@v1") is None
    assert res.by_purl("pkg:pypi/nvidia-nccl-cu12@2.21")[0].vendor_id == "nvidia"  # prefix ends in '-'
