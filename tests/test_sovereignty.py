"""Sovereignty: records in (CSV, YAML, CycloneDX), scores with known answers, what-if, framework, page."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard import queries
from dashboard.config import Settings
from dashboard.ingest import load_path, load_paths
from dashboard.metrics import sovereignty as sov
from dashboard.store import connect

from .conftest import figure

VENDORS_CSV = """vendor_id,name,hq_country,parent,parent_country,notes
usco,US Corp,US,,,independent US company
ilsub,IL Sub Ltd,IL,US Corp,US,Israeli subsidiary of a US parent
desub,DE Sub GmbH,de,US Corp,US,German subsidiary of a US parent
deco,DE Co GmbH,DE,,,
frco,FR Co SAS,FR,,,
"""

# Snapshot 1: N = 5, Σ spend = 200, Σ w = 15.
#   US-controlled (parent view): c1, c2, c3 -> count 3/5, spend 180/200, w 12/15
#   US-headquartered: c1 only      -> spend 100/200, w 5/15
#   hard lock-in (US, closed, no alternative): c1, c2 -> w 9/15
#   kill switch (US, licence server or cloud): c2, c3 -> w 7/15
# Snapshot 2 (as of 2026-06-01): c2 moves to deco, c5 retired -> c1, c2, c3, c4: US w = 8/14.
COMPONENTS_CSV = """snapshot_date,component_id,name,layer,vendor_id,quantity,annual_spend_eur,criticality,open_source,licence_server,cloud_connection,alternative,alternative_vendor_id,alternative_spend_eur,switch_cost_eur,retired
2026-01-01,c1,Accelerators,silicon,usco,100,100,5,false,false,false,,,,,
2026-01-01,c2,Fabric switches,networking,ilsub,10,50,4,false,true,false,,,,,
2026-01-01,c3,Operations,services_operations,desub,1,30,3,false,false,true,FR Co operations,frco,30,30,
2026-01-01,c4,Linux,operating_system,deco,1,20,2,true,false,false,,,,,
2026-01-01,c5,Models,models,frco,1,0,1,false,false,false,,,,,
2026-06-01,c2,Fabric switches,networking,deco,10,50,4,false,false,false,,,,,
2026-06-01,c5,Models,models,frco,1,0,1,false,false,false,,,,,true
"""

YAML_DOC = """
vendors:
  - {vendor_id: usco, name: US Corp, hq_country: US}
  - {vendor_id: ilsub, name: IL Sub Ltd, hq_country: IL, parent: US Corp, parent_country: US}
  - {vendor_id: desub, name: DE Sub GmbH, hq_country: DE, parent: US Corp, parent_country: US}
  - {vendor_id: deco, name: DE Co GmbH, hq_country: DE}
  - {vendor_id: frco, name: FR Co SAS, hq_country: FR}
snapshot_date: 2026-01-01
components:
  - {component_id: c1, name: Accelerators, layer: Silicon, vendor_id: usco, annual_spend_eur: 100, criticality: 5}
  - {component_id: c2, name: Fabric switches, layer: networking, vendor_id: ilsub, annual_spend_eur: 50,
     criticality: 4, licence_server: yes}
  - component_id: c3
    name: Operations
    layer: Services and operations
    vendor_id: desub
    annual_spend_eur: 30
    criticality: 3
    cloud_connection: true
    alternative: FR Co operations
    alternative_vendor_id: frco
    alternative_spend_eur: 30
    switch_cost_eur: 30
  - {component_id: c4, name: Linux, layer: os, vendor_id: deco, annual_spend_eur: 20, criticality: 2,
     open_source: true}
  - {component_id: c5, name: Models, layer: models, vendor_id: frco, annual_spend_eur: 0, criticality: 1}
"""


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.fixture
def inv(con, tmp_path):
    """The hand-made inventory above, loaded from CSV."""
    for name, text in (("vendors.csv", VENDORS_CSV), ("components.csv", COMPONENTS_CSV)):
        r = load_path(con, _write(tmp_path / name, text))
        assert r.status == "ok", r.summary()
    return con


def _counts(con) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
            for t in ("vendors", "components", "rejects")}


def _fingerprint(con) -> tuple:
    return (con.execute("SELECT * FROM vendors ORDER BY vendor_id, valid_from").fetchall(),
            con.execute("SELECT * FROM components ORDER BY snapshot_date, component_id").fetchall())


def _scores(con, swaps=(), snapshot=None) -> dict[str, tuple[float, float]]:
    f = figure(con, "sov_scores", swaps=sov.swaps_json(swaps), snapshot=snapshot).frame
    return {r.score: (r.baseline, r.scenario) for r in f.itertuples()}


# --- scores with known answers ------------------------------------------------------------

def test_headline_scores_on_hand_made_inventory(inv):
    h = figure(inv, "sov_headline", snapshot=date(2026, 1, 1)).frame
    assert len(h) == 1
    r = h.iloc[0]
    assert str(r.snapshot_date)[:10] == "2026-01-01"
    assert r.components == 5
    assert r.us_share_count == pytest.approx(3 / 5)
    assert r.us_share_spend == pytest.approx(180 / 200)
    assert r.us_share_critical == pytest.approx(12 / 15)
    assert r.us_share_spend_hq == pytest.approx(100 / 200)  # the IL and DE subsidiaries drop out
    assert r.hard_lockin_share == pytest.approx(9 / 15)
    assert r.kill_switch_share == pytest.approx(7 / 15)
    assert pd.isna(r.prev_snapshot_date) and pd.isna(r.us_share_critical_prev)


def test_headline_has_no_row_without_records(con):
    assert figure(con, "sov_headline").frame.empty
    assert figure(con, "sov_trend").frame.empty


def test_subsidiary_of_us_parent_counts_as_us_in_parent_view_only(inv):
    v = figure(inv, "sov_vendors").frame.set_index("vendor_id")
    for sub in ("ilsub", "desub"):
        assert v.loc[sub, "us_controlled"] and not v.loc[sub, "us_headquartered"]
        assert v.loc[sub, "views_differ"]
    assert v.loc["desub", "hq_country"] == "DE"  # lower-case code in the file, normalised
    s = _scores(inv, snapshot=date(2026, 1, 1))
    assert s["us_share_critical"][0] == pytest.approx(12 / 15)
    assert s["us_share_critical_hq"][0] == pytest.approx(5 / 15)
    assert s["us_share_count_hq"][0] == pytest.approx(1 / 5)


def test_latest_snapshot_is_as_of_and_trend_keeps_history(inv):
    h = figure(inv, "sov_headline").frame.iloc[0]
    assert str(h.snapshot_date)[:10] == "2026-06-01"
    assert h.components == 4  # c5 retired, c1/c3/c4 carried over from January
    assert h.us_share_critical == pytest.approx(8 / 14)
    assert str(h.prev_snapshot_date)[:10] == "2026-01-01"
    assert h.us_share_critical_prev == pytest.approx(12 / 15)
    t = figure(inv, "sov_trend").frame
    assert [str(d)[:10] for d in t.snapshot_date] == ["2026-01-01", "2026-06-01"]
    assert list(t.us_share_critical) == pytest.approx([12 / 15, 8 / 14])
    assert list(t.kill_switch_share) == pytest.approx([7 / 15, 3 / 14])
    # a date between snapshots reads the earlier one
    mid = figure(inv, "sov_headline", snapshot=date(2026, 3, 1)).frame.iloc[0]
    assert str(mid.snapshot_date)[:10] == "2026-01-01"


def test_per_layer_scores(inv):
    f = figure(inv, "sov_layers", snapshot=date(2026, 1, 1)).frame.set_index("layer")
    assert len(f) == 11  # every layer, empty ones with zeros
    assert f.loc["networking", "us_share_critical"] == pytest.approx(1.0)
    assert f.loc["networking", "us_share_critical_hq"] == pytest.approx(0.0)
    assert f.loc["networking", "kill_switch_share"] == pytest.approx(1.0)
    assert f.loc["operating_system", "us_share_critical"] == 0
    assert f.loc["storage", "components"] == 0
    assert f.us_critical_of_stack.sum() == pytest.approx(12 / 15)


def test_levers_rank_by_score_change_per_euro(inv):
    f = figure(inv, "sov_levers", snapshot=date(2026, 1, 1)).frame
    assert list(f.component_id) == ["c3"]
    r = f.iloc[0]
    assert r.us_critical_pp == pytest.approx(100 * 3 / 15)
    assert r.kill_switch_pp == pytest.approx(100 * 3 / 15)
    assert r.first_year_cost_eur == pytest.approx(30)
    assert r.pp_per_meur == pytest.approx(20 / (30 / 1e6))


# --- what-if ------------------------------------------------------------------------------

def test_what_if_changes_scores_not_stored_records(inv):
    before, counts = _fingerprint(inv), _counts(inv)
    s = _scores(inv, [sov.Swap("c1", "deco"), sov.Swap("c2", "frco")], snapshot=date(2026, 1, 1))
    assert s["us_share_critical"] == pytest.approx((12 / 15, 3 / 15))
    assert s["us_share_spend"] == pytest.approx((180 / 200, 30 / 200))
    assert s["hard_lockin_share"] == pytest.approx((9 / 15, 0))
    assert s["kill_switch_share"] == pytest.approx((7 / 15, 3 / 15))
    # swapping to a US vendor with a licence server adds a kill switch
    s2 = _scores(inv, [{"component_id": "c4", "vendor_id": "usco", "licence_server": True}],
                 snapshot=date(2026, 1, 1))
    assert s2["kill_switch_share"][1] == pytest.approx(9 / 15)
    assert s2["hard_lockin_share"][1] == pytest.approx(11 / 15)
    assert _fingerprint(inv) == before and _counts(inv) == counts
    assert figure(inv, "sov_headline", snapshot=date(2026, 1, 1)).frame.iloc[0].us_share_critical == pytest.approx(12 / 15)


def test_what_if_unknown_vendor_or_component_is_an_error(inv):
    with pytest.raises(queries.QueryError, match="unknown vendor nope"):
        figure(inv, "sov_scores", swaps=sov.swaps_json([sov.Swap("c1", "nope")]))
    with pytest.raises(queries.QueryError, match="no component zz"):
        figure(inv, "sov_scores", swaps=sov.swaps_json([sov.Swap("zz", "deco")]))


# --- ingest -------------------------------------------------------------------------------

def test_yaml_loads_the_same_inventory(con, tmp_path):
    r = load_path(con, _write(tmp_path / "stack.yaml", YAML_DOC))
    assert r.status == "ok", r.summary()
    assert [d.domain for d in r.domains] == ["vendors", "components"]
    s = _scores(con)
    assert s["us_share_critical"][0] == pytest.approx(12 / 15)
    assert s["us_share_spend_hq"][0] == pytest.approx(100 / 200)
    assert s["kill_switch_share"][0] == pytest.approx(7 / 15)
    layers = dict(con.execute("SELECT component_id, layer FROM components").fetchall())
    assert layers == {"c1": "silicon", "c2": "networking", "c3": "services_operations",
                      "c4": "operating_system", "c5": "models"}


def test_bad_country_unknown_vendor_missing_field_rejected_with_reasons(con, tmp_path):
    vendors = _write(tmp_path / "v.csv", VENDORS_CSV
                     + "ukco,UK Co,UK,,,\nxxco,XX Co,XX,,,\nsub,Sub,DE,Parent,,\nnoco,No Country,,,,\n")
    r = load_path(con, vendors)
    assert r.status == "partial" and r.total("rejected") == 4 and r.total("loaded") == 5
    comps = _write(tmp_path / "c.csv", COMPONENTS_CSV
                   + "2026-01-01,c6,Ghost,silicon,ghost,1,1,3,,,,,,,,\n"
                   + "2026-01-01,c7,No criticality,silicon,usco,1,1,,,,,,,,,\n"
                   + "2026-01-01,c8,Bad layer,gpu,usco,1,1,3,,,,,,,,\n"
                   + ",c9,No date,silicon,usco,1,1,3,,,,,,,,\n"
                   + "2026-01-01,c10,Too critical,silicon,usco,1,1,9,,,,,,,,\n")
    r2 = load_path(con, comps)
    assert r2.status == "partial" and r2.total("rejected") == 5
    reasons = dict(con.execute("SELECT series, reason FROM rejects").fetchall())
    lines = dict(con.execute("SELECT series, line FROM rejects").fetchall())
    assert reasons["ukco"] == "hq_country UK is not an ISO 3166-1 alpha-2 code (write GB)"
    assert "XX is not an ISO 3166-1 alpha-2 code" in reasons["xxco"]
    assert reasons["sub"] == "parent Parent given without parent_country"
    assert reasons["noco"] == "hq_country is missing"
    assert reasons["c6"] == "unknown vendor ghost: load it in a vendors file first"
    assert reasons["c7"] == "criticality is missing (1..5)"
    assert reasons["c8"].startswith("layer gpu is not one of facility_energy, silicon")
    assert reasons["c9"] == "snapshot_date is missing"
    assert reasons["c10"] == "criticality 9 is outside 1..5"
    assert lines["ukco"] == 7 and lines["c6"] == 9
    assert con.execute("SELECT count(*) FROM components").fetchall()[0][0] == 7


def test_same_file_twice_changes_nothing(inv, tmp_path):
    before, counts = _fingerprint(inv), _counts(inv)
    again = load_path(inv, _write(tmp_path / "components.csv", COMPONENTS_CSV))
    assert again.status == "skipped"
    forced = load_path(inv, tmp_path / "components.csv", force=True)
    assert forced.status == "ok"
    assert forced.total("loaded") == 0 and forced.total("updated") == 0 and forced.total("duplicate") == 7
    forced_v = load_path(inv, _write(tmp_path / "vendors.csv", VENDORS_CSV), force=True)
    assert forced_v.total("loaded") == 0 and forced_v.total("updated") == 0
    assert _fingerprint(inv) == before and _counts(inv) == counts


def test_changed_record_updates_in_place(inv, tmp_path):
    changed = COMPONENTS_CSV.replace("2026-01-01,c4,Linux,operating_system,deco,1,20,2",
                                     "2026-01-01,c4,Linux,operating_system,deco,1,25,2")
    r = load_path(inv, _write(tmp_path / "c2.csv", changed))
    assert r.total("updated") == 1 and r.total("loaded") == 0
    assert inv.execute("SELECT annual_spend_eur FROM components WHERE component_id = 'c4'").fetchall() == [(25.0,)]


def test_folder_loads_vendors_before_components(con, tmp_path):
    folder = tmp_path / "inv"
    folder.mkdir()
    _write(folder / "a_components.csv", COMPONENTS_CSV)
    _write(folder / "z_vendors.csv", VENDORS_CSV)
    reports = list(load_paths(con, [folder]))
    assert [r.domains[0].domain for r in reports] == ["vendors", "components"]
    assert all(r.status == "ok" for r in reports), [r.summary() for r in reports]



# --- vendor ownership history -------------------------------------------------------------

# deco and frco are bought by US Corp on 2026-03-01, between the two snapshots.
ACQUISITIONS_CSV = """vendor_id,name,hq_country,parent,parent_country,notes,valid_from
deco,DE Co GmbH,DE,US Corp,US,acquired by US Corp,2026-03-01
frco,FR Co SAS,FR,US Corp,US,acquired by US Corp,2026-03-01
"""


@pytest.fixture
def acquired(inv, tmp_path):
    r = load_path(inv, _write(tmp_path / "acquisitions.csv", ACQUISITIONS_CSV))
    assert r.status == "ok", r.summary()
    assert r.total("loaded") == 2 and r.total("updated") == 0  # two new versions, the old ones kept
    return inv


def test_acquisition_between_snapshots_rescores_only_the_later_snapshot(acquired):
    inv = acquired
    assert inv.execute("SELECT vendor_id, valid_from FROM vendors WHERE vendor_id IN ('deco', 'frco') "
                       "ORDER BY ALL").fetchall() == [
        ("deco", date(1900, 1, 1)), ("deco", date(2026, 3, 1)),
        ("frco", date(1900, 1, 1)), ("frco", date(2026, 3, 1))]
    # January (before the acquisition): exactly as before
    jan = figure(inv, "sov_headline", snapshot=date(2026, 1, 1)).frame.iloc[0]
    assert jan.us_share_critical == pytest.approx(12 / 15)
    assert jan.hard_lockin_share == pytest.approx(9 / 15) and jan.kill_switch_share == pytest.approx(7 / 15)
    # June: c1 usco 5, c2 deco 4 (closed, no alternative), c3 desub 3 (cloud), c4 deco 2 (open source);
    # deco is now US-controlled -> US w 14/14 (was 8/14); HQ view still c1 only -> 5/14;
    # hard lock-in c1 + c2 = 9/14 (was 5/14); kill switch c3 = 3/14 (unchanged)
    jun = figure(inv, "sov_headline").frame.iloc[0]
    assert str(jun.snapshot_date)[:10] == "2026-06-01"
    assert jun.us_share_critical == pytest.approx(14 / 14)
    assert jun.us_share_count == pytest.approx(4 / 4)
    assert jun.hard_lockin_share == pytest.approx(9 / 14)
    assert jun.kill_switch_share == pytest.approx(3 / 14)
    assert jun.us_share_critical_prev == pytest.approx(12 / 15)
    t = figure(inv, "sov_trend").frame
    assert list(t.us_share_critical) == pytest.approx([12 / 15, 14 / 14])
    assert list(t.us_share_critical_hq) == pytest.approx([5 / 15, 5 / 14])
    # the vendor list shows the version valid at the snapshot, with its dates at the end
    v_jan = figure(inv, "sov_vendors", snapshot=date(2026, 1, 1)).frame.set_index("vendor_id")
    v_jun = figure(inv, "sov_vendors", snapshot=date(2026, 6, 1)).frame.set_index("vendor_id")
    assert len(v_jan) == len(v_jun) == 5  # one row per vendor, not per version
    assert list(v_jan.columns[-2:]) == ["valid_from", "valid_until"]
    assert v_jan.loc["deco", "control_country"] == "DE" and v_jan.loc["deco", "eu_controlled"]
    assert str(v_jan.loc["deco", "valid_until"])[:10] == "2026-03-01"
    assert v_jun.loc["deco", "control_country"] == "US" and v_jun.loc["deco", "parent"] == "US Corp"
    assert str(v_jun.loc["deco", "valid_from"])[:10] == "2026-03-01" and pd.isna(v_jun.loc["deco", "valid_until"])
    comps = figure(inv, "sov_components", snapshot=date(2026, 6, 1)).frame.set_index("component_id")
    assert comps.columns[-1] == "vendor_valid_from"
    assert comps.loc["c4", "control_country"] == "US" and str(comps.loc["c4", "vendor_valid_from"])[:10] == "2026-03-01"
    assert str(comps.loc["c1", "vendor_valid_from"])[:10] == "1900-01-01"
    # the framework rating of January is unchanged: SOV-2 EU-controlled (c4 + c5) = 3/15
    fw = figure(inv, "sov_framework", snapshot=date(2026, 1, 1)).frame.set_index("objective")
    assert fw.loc["SOV-2", "indicator_value"] == pytest.approx(3 / 15)


def test_what_if_alternatives_take_the_vendor_version_at_the_snapshot(acquired):
    inv = acquired
    # January: deco is German, so c1 -> deco takes 5 off the US share: 7/15
    assert _scores(inv, [sov.Swap("c1", "deco")], snapshot=date(2026, 1, 1))["us_share_critical"] == \
        pytest.approx((12 / 15, 7 / 15))
    # June: deco is US-controlled, the swap does not move the share
    assert _scores(inv, [sov.Swap("c1", "deco")])["us_share_critical"] == pytest.approx((14 / 14, 14 / 14))
    # levers: c3's alternative frco is FR in January (20 pp), US in June (0 pp, ranked last)
    jan = figure(inv, "sov_levers", snapshot=date(2026, 1, 1)).frame.set_index("component_id")
    jun = figure(inv, "sov_levers").frame.set_index("component_id")
    assert jan.loc["c3", "alternative_country"] == "FR" and jan.loc["c3", "us_critical_pp"] == pytest.approx(20)
    assert jun.loc["c3", "alternative_country"] == "US" and jun.loc["c3", "us_critical_pp"] == pytest.approx(0)


def test_reloading_vendor_files_changes_nothing_and_same_version_updates_in_place(acquired, tmp_path):
    inv = acquired
    before, counts = _fingerprint(inv), _counts(inv)
    both = VENDORS_CSV.replace("notes\n", "notes,valid_from\n").replace("\n", ",\n").replace("notes,valid_from,\n", "notes,valid_from\n") \
        + ACQUISITIONS_CSV.split("\n", 1)[1]
    for name, text in (("all.csv", both), ("acquisitions.csv", ACQUISITIONS_CSV), ("vendors.csv", VENDORS_CSV)):
        r = load_path(inv, _write(tmp_path / name, text), force=True)
        assert r.status == "ok", r.summary()
        assert r.total("loaded") == 0 and r.total("updated") == 0, (name, r.summary())
    assert load_path(inv, _write(tmp_path / "all.csv", both), force=True).total("duplicate") == 7
    assert _fingerprint(inv) == before and _counts(inv) == counts
    # YAML with a date value, the same versions: nothing changes either
    yaml_doc = ("vendors:\n  - {vendor_id: deco, name: DE Co GmbH, hq_country: DE, parent: US Corp, "
                "parent_country: US, notes: acquired by US Corp, valid_from: 2026-03-01}\n")
    r = load_path(inv, _write(tmp_path / "v.yaml", yaml_doc))
    assert r.status == "ok" and r.total("loaded") == 0 and r.total("updated") == 0, r.summary()
    assert _fingerprint(inv) == before
    # a changed row for a stored (vendor_id, valid_from) updates that version only
    r = load_path(inv, _write(tmp_path / "fix.csv", ACQUISITIONS_CSV.replace(
        "deco,DE Co GmbH,DE,US Corp,US,acquired by US Corp", "deco,DE Co GmbH,DE,US Corp,US,bought by US Corp")))
    assert r.total("updated") == 1 and r.total("loaded") == 0
    assert inv.execute("SELECT valid_from, notes FROM vendors WHERE vendor_id = 'deco' ORDER BY valid_from").fetchall() \
        == [(date(1900, 1, 1), None), (date(2026, 3, 1), "bought by US Corp")]


def test_bad_valid_from_rejected_with_line_and_reason(inv, tmp_path):
    counts = _counts(inv)
    bad = _write(tmp_path / "bad.csv", "vendor_id,name,hq_country,parent,parent_country,notes,valid_from\n"
                 "deco,DE Co GmbH,DE,US Corp,US,,2026-13-01\n"
                 "frco,FR Co SAS,FR,US Corp,US,,1.9.2026\n"
                 "usco,US Corp,US,,,,1850-01-01\n"
                 "ilsub,IL Sub Ltd,IL,US Corp,US,,2026-03-01\n"
                 "ilsub,IL Sub Ltd,IL,,,,2026-03-01\n")
    r = load_path(inv, bad)
    assert r.status == "partial" and r.total("rejected") == 4 and r.total("loaded") == 1
    rejects = inv.execute("SELECT line, series, reason FROM rejects ORDER BY line").fetchall()
    assert rejects == [
        (2, "deco", "valid_from: cannot read 2026-13-01 as date"),
        (3, "frco", "valid_from: cannot read 1.9.2026 as date"),
        (4, "usco", "valid_from 1850-01-01 is before 1900-01-01 (leave it blank for since always)"),
        (6, "ilsub", "vendor listed twice for valid_from 2026-03-01 (first at line 5)"),
    ]
    assert _counts(inv)["vendors"] == counts["vendors"] + 1  # the good ilsub version only
    # components accept a vendor with any version; the scores did not move (same owner)
    assert figure(inv, "sov_headline", snapshot=date(2026, 1, 1)).frame.iloc[0].us_share_critical == pytest.approx(12 / 15)


def test_vendor_first_recorded_later_still_scores_earlier_snapshots(con, tmp_path):
    """A vendor whose only version is dated after a snapshot: that first version applies before it too."""
    r = load_path(con, _write(tmp_path / "v.csv", "vendor_id,name,hq_country,valid_from\nnewco,New Co,FR,2026-05-01\n"))
    assert r.status == "ok", r.summary()
    r = load_path(con, _write(tmp_path / "c.csv", "snapshot_date,component_id,name,layer,vendor_id,criticality\n"
                                                  "2026-01-01,x1,Thing,storage,newco,3\n"))
    assert r.status == "ok", r.summary()
    h = figure(con, "sov_headline").frame.iloc[0]
    assert h.components == 1 and h.us_share_critical == 0


def test_sbom_registers_new_vendors_since_always_and_keeps_stored_history(acquired, tmp_path):
    inv = acquired
    doc = {**SBOM, "components": [*SBOM["components"],
                                  {"type": "library", "bom-ref": "lib", "name": "Lib", "supplier": _org("DE Co GmbH", "DE")}]}
    r = load_path(inv, _write(tmp_path / "node.cdx.json", json.dumps(doc)))
    assert r.status == "ok", r.summary()
    assert r.domains[0].loaded == 4  # DE Co GmbH matched the stored vendor (any version), not registered again
    new = inv.execute("SELECT DISTINCT valid_from FROM vendors WHERE notes LIKE 'registered from SBOM%'").fetchall()
    assert new == [(date(1900, 1, 1),)]
    assert inv.execute("SELECT count(*) FROM vendors WHERE vendor_id = 'deco'").fetchall()[0][0] == 2
    f = figure(inv, "sov_components", snapshot=date(2026, 7, 15)).frame.set_index("component_id")
    assert f.loc[_cid("lib"), "control_country"] == "US"  # deco's version valid at the SBOM's date


def test_database_from_before_vendor_history_migrates_and_keeps_its_scores(db_path, tmp_path):
    import shutil

    from dashboard import store

    # a store as the code before 004 made it: migrations 001-003 only, no definitions yet
    old_schema, no_definitions = tmp_path / "schema-003", tmp_path / "definitions-none"
    old_schema.mkdir(), no_definitions.mkdir()
    for version, _, path in store.migrations():
        if version < 4:
            shutil.copy(path, old_schema / path.name)
    old = store.connect(db_path, schema_dir=old_schema, definitions_dir=no_definitions)
    try:
        assert "valid_from" not in [r[0] for r in old.execute("DESCRIBE vendors").fetchall()]
        old.execute("INSERT INTO vendors VALUES ('usco', 'US Corp', 'US', NULL, NULL, NULL, 7), "
                    "('desub', 'DE Sub GmbH', 'DE', 'US Corp', 'US', 'subsidiary', 7), "
                    "('deco', 'DE Co GmbH', 'DE', NULL, NULL, NULL, 7)")
        old.execute("INSERT INTO components (snapshot_date, component_id, name, layer, vendor_id, annual_spend_eur, "
                    "criticality, cloud_connection, load_id) VALUES "
                    "('2026-01-01', 'c1', 'Accelerators', 'silicon', 'usco', 100, 5, false, 8), "
                    "('2026-01-01', 'c2', 'Operations', 'services_operations', 'desub', 30, 3, true, 8), "
                    "('2026-01-01', 'c3', 'Linux', 'operating_system', 'deco', 20, 2, false, 8), "
                    "('2026-06-01', 'c3', 'Linux', 'operating_system', 'deco', 25, 2, false, 8)")
    finally:
        old.close()

    new = store.connect(db_path)
    try:
        assert 4 in [r[0] for r in new.execute("SELECT version FROM schema_migrations").fetchall()]
        assert new.execute("SELECT vendor_id, valid_from, name, parent, registered_by FROM vendors ORDER BY 1").fetchall() == [
            ("deco", date(1900, 1, 1), "DE Co GmbH", None, 7),
            ("desub", date(1900, 1, 1), "DE Sub GmbH", "US Corp", 7),
            ("usco", date(1900, 1, 1), "US Corp", None, 7)]
        # hand check of the scores: US w = (5 + 3) / 10, kill switch 3 / 10, as before the migration
        trend = figure(new, "sov_trend").frame
        assert list(trend.us_share_critical) == pytest.approx([8 / 10, 8 / 10])
        assert list(trend.kill_switch_share) == pytest.approx([3 / 10, 3 / 10])
        # and the migrated store takes a dated acquisition like a new one
        new.execute("INSERT INTO vendors VALUES ('deco', DATE '2026-03-01', 'DE Co GmbH', 'DE', 'US Corp', 'US', NULL, 9)")
        assert list(figure(new, "sov_trend").frame.us_share_critical) == pytest.approx([8 / 10, 10 / 10])
    finally:
        new.close()


# --- CycloneDX ----------------------------------------------------------------------------

def _org(name, country):
    return {"name": name, "address": {"country": country}}


def _cid(ref: str) -> str:
    """The stored id of a component of SBOM below: its bom-ref scoped by the BOM's subject (here the
    serial number, as the SBOM has no metadata.component), so two BOMs' bom-refs never collide."""
    return f"{SBOM['serialNumber']}::{ref}"


SBOM = {
    "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
    "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
    "metadata": {"timestamp": "2026-07-15T10:00:00Z"},
    "components": [
        {"type": "device", "bom-ref": "gpu", "name": "Accelerator X", "supplier": _org("US Corp", "US"),
         "properties": [{"name": "aifd:layer", "value": "silicon"}, {"name": "aifd:criticality", "value": "5"}]},
        {"type": "firmware", "bom-ref": "nic-fw", "name": "NIC firmware", "supplier": _org("IL Sub Ltd", "Israel")},
        {"type": "operating-system", "bom-ref": "os", "name": "Linux", "version": "15",
         "supplier": _org("Kernel Werk GmbH", "Germany"), "licenses": [{"license": {"id": "GPL-2.0-only"}}]},
        {"type": "machine-learning-model", "bom-ref": "llm", "name": "Model M",
         "manufacturer": _org("Modèles SAS", "FR"), "licenses": [{"license": {"id": "Apache-2.0"}}]},
        {"type": "device", "bom-ref": "srv", "name": "Server", "supplier": _org("Taiwan Servers Inc.", "TW"),
         "components": [{"type": "firmware", "bom-ref": "bmc", "name": "BMC",
                         "supplier": _org("Board Subsidiary GmbH", "DE"),
                         "properties": [{"name": "aifd:vendor_parent", "value": "US Corp"},
                                        {"name": "aifd:vendor_parent_country", "value": "United States"}]}]},
    ],
}


def test_sbom_import_assigns_jurisdictions(inv, tmp_path):
    path = _write(tmp_path / "node.cdx.json", json.dumps(SBOM))
    r = load_path(inv, path)
    assert r.status == "ok", r.summary()
    assert r.format == "cyclonedx"
    assert [d.domain for d in r.domains] == ["vendors", "components"]
    assert r.domains[0].loaded == 4  # new suppliers; US Corp and IL Sub matched stored vendors by name
    f = figure(inv, "sov_components", snapshot=date(2026, 7, 15)).frame.set_index("component_id")
    assert f.loc[_cid("gpu"), ["hq_country", "control_country", "layer"]].tolist() == ["US", "US", "Silicon"]
    assert f.loc[_cid("nic-fw"), ["hq_country", "control_country"]].tolist() == ["IL", "US"]  # stored parent
    assert f.loc[_cid("os"), ["hq_country", "control_country", "layer"]].tolist() == ["DE", "DE", "Operating system"]
    assert f.loc[_cid("llm"), ["hq_country", "control_country", "layer"]].tolist() == ["FR", "FR", "Models"]
    assert f.loc[_cid("srv"), "control_country"] == "TW"
    assert f.loc[_cid("bmc"), ["hq_country", "control_country"]].tolist() == ["DE", "US"]  # nested, parent property
    assert bool(f.loc[_cid("os"), "open_source"]) and bool(f.loc[_cid("llm"), "open_source"])
    assert f.loc[_cid("gpu"), "criticality"] == 5 and f.loc[_cid("os"), "criticality"] == 3  # default, with a warning
    assert any("assumed 3" in w for w in r.domains[1].warnings)
    assert str(f.loc[_cid("gpu"), "recorded_on"])[:10] == "2026-07-15"
    assert f.loc[_cid("gpu"), "source"].startswith("sbom:urn:uuid:3e671687")
    # the as-of stack keeps the CSV components and adds the SBOM's
    assert figure(inv, "sov_headline").frame.iloc[0].components == 4 + 6


@pytest.mark.parametrize("text, reason", [
    ('{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [', "not valid JSON"),
    (json.dumps({**SBOM, "components": [{"type": "device", "supplier": {"name": "US Corp"}}]}),
     "not a valid CycloneDX 1.6 SBOM: at $.components[0]: 'name' is a required property"),
    (json.dumps({**SBOM, "components": [{"type": "gadget", "name": "x"}]}), "at $.components[0].type"),
    (json.dumps({**SBOM, "specVersion": "9.9"}), "unsupported CycloneDX specVersion '9.9'"),
    # the schema's uniqueItems, checked in linear time (jsonschema compares every pair): the two
    # components differ only in how a number is written, which JSON Schema counts as equal
    (json.dumps({**SBOM, "components": [{"type": "library", "name": "x", "properties": [{"name": "n", "value": "1"}],
                                         "evidence": {"identity": [{"field": "name", "confidence": 1.0}]}},
                                        {"type": "library", "name": "y"},
                                        {"type": "library", "name": "x", "properties": [{"name": "n", "value": "1"}],
                                         "evidence": {"identity": [{"field": "name", "confidence": 1}]}}]}),
     "not a valid CycloneDX 1.6 SBOM: at $.components: item 2 repeats item 0 (uniqueItems)"),
])
def test_malformed_sbom_rejected_and_nothing_changes(inv, tmp_path, text, reason):
    before, counts = _fingerprint(inv), _counts(inv)
    r = load_path(inv, _write(tmp_path / "bad.cdx.json", text))
    assert r.status == "failed"
    assert reason in r.message, r.message
    assert _fingerprint(inv) == before and _counts(inv) == counts


def test_sbom_component_without_supplier_is_stored_with_unknown_jurisdiction(inv, tmp_path):
    """Was rejected before the vendor registry; now stored, under jurisdiction unknown (ZZ)."""
    doc = {**SBOM, "components": [*SBOM["components"][:1], {"type": "library", "bom-ref": "anon", "name": "anon"}]}
    r = load_path(inv, _write(tmp_path / "x.cdx.json", json.dumps(doc)))
    assert r.status == "ok", r.summary()
    assert inv.execute("SELECT count(*) FROM rejects").fetchall() == [(0,)]
    f = figure(inv, "sov_components", snapshot=date(2026, 7, 15)).frame.set_index("component_id")
    assert f.loc[_cid("anon"), ["vendor_id", "hq_country", "control_country"]].tolist() == ["unknown", "ZZ", "ZZ"]
    assert f.loc[_cid("anon"), "jurisdiction_unknown"] and not f.loc[_cid("gpu"), "jurisdiction_unknown"]


def test_shipped_sbom_loads_onto_the_sample(sample_copy):
    from dashboard.config import REPO_ROOT

    c = connect(sample_copy)
    try:
        r = load_path(c, REPO_ROOT / "sample_metrics" / "sbom" / "edge-inference-node.cdx.json")
        assert r.status == "ok", r.summary()
        countries = {row[0] for row in c.execute(
            "SELECT DISTINCT v.hq_country FROM components k JOIN vendors v USING (vendor_id) "
            "WHERE k.source LIKE 'sbom:%'").fetchall()}
        assert {"US", "IL", "DE", "FR", "TW", "FI"} <= countries
    finally:
        c.close()


# --- framework ----------------------------------------------------------------------------

def test_framework_rating_from_rubric(inv, tmp_path):
    f = figure(inv, "sov_framework", snapshot=date(2026, 1, 1)).frame.set_index("objective")
    assert list(f.index) == [f"SOV-{i}" for i in range(1, 9)]
    assert f.weight.sum() == pytest.approx(1.0)
    assert f.loc["SOV-5", "weight"] == pytest.approx(0.20)
    # SOV-2: EU-controlled share over all layers = (c4 + c5) / 15 = 3/15 -> below 0.25 -> SEAL 0
    assert f.loc["SOV-2", "indicator_value"] == pytest.approx(3 / 15)
    assert f.loc["SOV-2", "seal_level"] == 0 and not f.loc["SOV-2", "gate_met"]
    # SOV-6: EU, open, or with an alternative: c3, c4, c5 -> 6/15 = 0.4 -> SEAL 1
    assert f.loc["SOV-6", "indicator_value"] == pytest.approx(6 / 15)
    assert f.loc["SOV-6", "seal_level"] == 1
    assert "Accelerators (US Corp, US)" in f.loc["SOV-6", "evidence_components"]
    assert f.loc["SOV-7", "seal_level"] == 2  # assessed in the rubric
    assert f.loc["SOV-8", "seal_level"] == 0  # no meter data
    expected = sum(w * lvl / 4 for w, lvl in zip(f.weight, f.seal_level))
    assert f.framework_score.iloc[0] == pytest.approx(expected)
    assert not f.all_gates_met.iloc[0]
    assert f.assumption.str.len().min() > 20  # every objective states its assumption

    shipped = Settings().rubric_path
    bad = _write(tmp_path / "rubric.csv", shipped.read_text().replace(",0.15,eu_controlled,", ",0.5,eu_controlled,", 1))
    with pytest.raises(queries.QueryError, match="weights add up to"):
        figure(inv, "sov_framework", Settings(rubric_path=bad))
    # the rubric is a file on this machine: it comes from the settings, never from a parameter
    with pytest.raises(queries.QueryError, match="rubric comes from the settings"):
        figure(inv, "sov_framework", rubric=str(bad))


# --- shipped sample and page --------------------------------------------------------------

def test_sample_inventory_describes_the_site(sample_db):
    c = connect(sample_db, read_only=True)
    try:
        t = figure(c, "sov_trend").frame
        assert len(t) >= 2
        assert t.us_share_critical.iloc[-1] < t.us_share_critical.iloc[0]
        layers = figure(c, "sov_layers").frame
        assert (layers.components > 0).all()  # every layer of the stack is described
        v = figure(c, "sov_vendors").frame.set_index("vendor_id")
        assert v.loc["mellanox", "hq_country"] == "IL" and v.loc["mellanox", "us_controlled"]
        assert v.loc["mistral", "eu_controlled"] and v.loc["canonical", "control_country"] == "GB"
        assert c.execute("SELECT count(*) FROM rejects WHERE source LIKE '%components.csv' "
                         "OR source LIKE '%vendors.csv'").fetchall()[0][0] == 0
        assert len(figure(c, "sov_levers").frame) >= 5
    finally:
        c.close()


def test_sovereignty_page_renders(sample_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("AIFD_DB", str(sample_db))
    from dashboard.config import REPO_ROOT

    at = AppTest.from_file(str(REPO_ROOT / "dashboard/views/sovereignty.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    text = " ".join(m.value for m in at.markdown) + " ".join(str(c.value) for c in at.caption)
    assert "sov_headline" in text and "sov_layers" in text and "sov_levers" in text
    assert len(at.metric) >= 4
    # what-if: pick the top levers; the scenario differs from the stored stack, which stays as it was
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert len(at.multiselect[0].value) == 3
    table = next(d.value for d in at.dataframe if "scenario" in d.value.columns)
    assert (table["baseline"] != table["scenario"]).any()
    for tab_text in ("SEAL", "sov_framework", "sov_components", "sov_vendors"):
        assert tab_text in " ".join(str(c.value) for c in at.caption) + " ".join(e.label for e in at.expander)


def test_sbom_validation_falls_back_to_the_librarys_own_check(inv, tmp_path, monkeypatch):
    """Where a cyclonedx-python-lib version keeps its schema validator elsewhere, the library's own
    validate_str checks the file: the same refusal, only slower on large SBOMs."""
    from dashboard.ingest import sbom

    monkeypatch.setattr(sbom, "_schema_validator", lambda library: None)
    bad = json.dumps({**SBOM, "components": [{"type": "device", "supplier": {"name": "US Corp"}}]})
    r = load_path(inv, _write(tmp_path / "bad.cdx.json", bad))
    assert r.status == "failed" and not r.unexpected, r.message
    assert "not a valid CycloneDX 1.6 SBOM: at $.components[0]: 'name' is a required property" in r.message
    assert load_path(inv, _write(tmp_path / "good.cdx.json", json.dumps(SBOM))).status == "ok"
