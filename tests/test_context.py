"""The Context page and its reference data: peers.csv through the ingest log, the ctx_* figures
(one precision, sparsity and basis per comparison, every outside figure sourced, nothing
converted), and the page on the sample, whose site figures must be the Performance page's."""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ingest import load_path
from dashboard.store import connect
from tests.conftest import figure
from tests.test_reference_files import PEER_METRICS, PEER_UNITS, PRECISIONS

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT / "queries" / "reference" / "peers.csv"
VIEWS = ROOT / "dashboard" / "views"
SITE_FIGURE_QUERIES = ("ctx_flops", "ctx_accelerators", "ctx_power")


def peers_copy(tmp_path: Path, change: dict[str, dict[str, str]] | None = None, extra: list[dict] | None = None,
               drop_columns: tuple[str, ...] = (), add_columns: dict[str, str] | None = None) -> Path:
    """A copy of the shipped peers.csv with rows changed (by row_id), added, or columns dropped/added."""
    with PEERS.open(newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = list(reader.fieldnames), list(reader)
    for r in rows:
        r.update((change or {}).get(r["row_id"], {}))
    rows += extra or []
    fields = [c for c in fields if c not in drop_columns] + list(add_columns or {})
    out = tmp_path / "my_peers.csv"
    with out.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({**r, **(add_columns or {})})
    return out


def line_of(path: Path, row_id: str) -> int:
    return next(i for i, text in enumerate(path.read_text().splitlines(), start=1) if text.startswith(row_id + ","))


# ---------------------------------------------------------------- the reference data through the ingest log

def test_peers_load_through_the_ingest_log(con):
    log = con.execute("SELECT load_id, kinds, rows_in, rows_loaded, rows_rejected, status FROM ingest_log "
                      "WHERE source LIKE '%peers.csv'").fetchall()
    assert len(log) == 1 and log[0][1:] == ("peers", 113, 113, 0, "ok")
    assert con.execute("SELECT count(*), count(DISTINCT peer_id), min(load_id), max(load_id) FROM peers").fetchone() \
        == (113, 37, log[0][0], log[0][0])
    # the file's `group` is stored as peer_group, its text as written
    assert con.execute("SELECT peer_group, value, value_low, unit, precision FROM peers "
                       "WHERE row_id = 'el_capitan__perf_rmax'").fetchone() \
        == ("top500_nov2025", "1809.00", 1809.0, "PFLOP/s", "fp64")


def test_vocabulary_is_the_one_the_file_check_uses(con):
    """The store's vocabulary tables and the reference-file test list the same metrics, units, precisions."""
    assert {r[0] for r in con.execute("SELECT metric FROM peer_metrics").fetchall()} == PEER_METRICS
    assert {r[0] for r in con.execute("SELECT unit FROM peer_units").fetchall()} == PEER_UNITS - {""}
    assert {r[0] for r in con.execute("SELECT precision FROM peer_precisions").fetchall()} == PRECISIONS - {""}


def test_a_revision_updates_adds_and_loading_twice_changes_nothing(con, tmp_path):
    mine = peers_copy(tmp_path, change={"el_capitan__perf_rmax": {"value": "1810.5", "value_low": "1810.5",
                                                                  "value_high": "1810.5"}},
                      extra=[{"row_id": "my_cluster__accelerator_count", "peer_id": "my_cluster", "peer": "My cluster",
                              "group": "mine", "metric": "accelerator_count", "value": "2048", "unit": "accelerators",
                              "source": "https://example.org/my-cluster", "source_kind": "primary",
                              "confidence": "high", "value_low": "2048", "value_high": "2048"}])
    r = load_path(con, mine)  # recognised by its header, no kind given
    assert r.status == "ok", r.summary()
    d = r.domains[0]
    assert (d.domain, d.rows_in, d.loaded, d.updated, d.duplicate) == ("peers", 114, 1, 1, 112)
    assert con.execute("SELECT value_low, load_id FROM peers WHERE row_id = 'el_capitan__perf_rmax'").fetchone() \
        == (1810.5, r.load_id)
    again = load_path(con, mine, force=True)
    assert (again.total("loaded"), again.total("updated"), again.total("duplicate")) == (0, 0, 114)
    assert con.execute("SELECT count(*) FROM peers").fetchone()[0] == 114


BAD_ROWS = [
    ("source", "https://insidehpc.com/x ; GitHub file", "source is not a URL: 'GitHub file'"),
    ("source", "", "no source"),
    ("source_kind", "", "source_kind is missing"),
    ("metric", "perf_hpl", "unknown metric 'perf_hpl'"),
    ("unit", "EF", "unknown unit 'EF'"),
    ("precision", "FP64", "unknown precision 'FP64'"),
    ("precision", "fp8", "metric perf_rmax is fp64, the row says fp8"),
    ("sparsity", "2:4", "unknown sparsity '2:4'"),
    ("unit", "MW", "metric perf_rmax is a flops figure; unit MW is not"),
    ("value_low", "2000", "value_high 1809.0 is below value_low 2000.0"),
    ("value_low", "about 1.8 EF", "value_low: cannot read about 1.8 EF as double"),
    ("confidence", "certain", "unknown confidence 'certain'"),
]


@pytest.mark.parametrize("column,value,reason", BAD_ROWS, ids=[f"{c}={v}" for c, v, _ in BAD_ROWS])
def test_the_check_rejects_a_bad_row_with_its_line_and_keeps_the_stored_one(con, tmp_path, column, value, reason):
    mine = peers_copy(tmp_path, change={"el_capitan__perf_rmax": {column: value}})
    r = load_path(con, mine)
    assert r.status == "partial" and r.total("rejected") == 1, r.summary()
    line, series, why = con.execute("SELECT line, series, reason FROM rejects WHERE load_id = ?",
                                    [r.load_id]).fetchone()
    assert (line, series) == (line_of(mine, "el_capitan__perf_rmax"), "el_capitan__perf_rmax")
    assert reason in why, why
    # the stored figure is untouched
    assert con.execute("SELECT value, source, load_id < ? FROM peers WHERE row_id = 'el_capitan__perf_rmax'",
                       [r.load_id]).fetchone() == ("1809.00", "https://insidehpc.com/2025/11/top500-el-cap-stays-on-"
                                                   "top-jupiter-joins-exascale-club/", True)


def test_a_duplicate_row_id_is_rejected(con, tmp_path):
    mine = peers_copy(tmp_path, change={"frontier__perf_rmax": {"row_id": "el_capitan__perf_rmax"}})
    r = load_path(con, mine)
    assert r.total("rejected") == 1
    assert "row_id listed twice (first at line" in con.execute(
        "SELECT reason FROM rejects WHERE load_id = ?", [r.load_id]).fetchone()[0]


def test_an_extra_column_is_ignored_not_taken_for_a_unit(con, tmp_path):
    r = load_path(con, peers_copy(tmp_path, add_columns={"source_date": "2025-11-17"}), force=True)
    assert r.status == "ok", r.summary()
    assert any("ignored columns: source_date" in w for w in r.domains[0].warnings)


# ---------------------------------------------------------------- the figures: like with like

@pytest.fixture(scope="module")
def sample(sample_db):
    c = connect(sample_db, read_only=True)
    yield c
    c.close()


def comparisons(con) -> list[dict]:
    return figure(con, "ctx_comparisons").frame.to_dict("records")


def test_comparisons_offered(sample):
    comps = {c["comparison"]: c for c in comparisons(sample)}
    assert comps["fp64/dense/measured"]["peers"] == 15 and not comps["fp64/dense/measured"]["site_from_store"]
    assert comps["fp8/dense/peak"]["peers"] == 9 and comps["fp8/dense/peak"]["site_from_store"]
    assert "fp64/sparse/peak" not in comps  # FP64 has no sparse figure
    assert list(comps)[0] == "fp64/dense/measured"


def test_every_placed_figure_is_at_the_comparison_and_nothing_is_converted(sample):
    for c in comparisons(sample):
        fl = figure(sample, "ctx_flops", precision=c["precision"], sparsity=c["sparsity"], basis=c["basis"],
                    site_tflops=123.0).frame
        placed = fl[fl["value"].notna()]
        assert len(placed) - 1 == c["peers"], c  # the store's row plus the peers counted
        assert (placed["precision"] == c["precision"]).all(), c
        assert (placed["sparsity"] == c["sparsity"]).all(), c
        assert (placed["basis"] == c["basis"]).all(), c
        missing = fl[fl["value"].isna()]
        assert missing["missing"].str.startswith("no ").all() and missing["source"].isna().all()
        claims = figure(sample, "ctx_claims", precision=c["precision"], sparsity=c["sparsity"]).frame
        on_chart = claims[claims["placed"]]
        assert (on_chart["precision"] == c["precision"]).all() and (on_chart["sparsity"] == c["sparsity"]).all()
    fp8 = figure(sample, "ctx_flops", precision="fp8", sparsity="dense", basis="peak").frame.set_index("peer_id")
    # El Capitan publishes FP64 figures only: missing at FP8, with what it has, not a converted number
    assert fp8.loc["el_capitan", "value"] != fp8.loc["el_capitan", "value"]
    assert fp8.loc["el_capitan", "missing"].startswith("no FP8 dense peak figure; has: ")
    assert "FP64 HPL Rmax (measured)" in fp8.loc["el_capitan", "missing"]
    # Ironwood's FP8 claim names no sparsity: listed, placed at neither FP8 dense nor FP8 sparse
    for sparsity in ("dense", "sparse"):
        cl = figure(sample, "ctx_claims", precision="fp8", sparsity=sparsity).frame.set_index("row_id")
        assert not cl.loc["google_ironwood_pod__perf_claim", "placed"]
        assert cl.loc["google_ironwood_pod__perf_claim", "not_placed"] == "sparsity not stated"
    # the site's own "0.5 EF" names no precision: never placed
    cl = figure(sample, "ctx_claims", precision="bf16", sparsity="dense").frame.set_index("row_id")
    assert cl.loc["dt_industrial_ai_cloud__perf_claim", "not_placed"] == "precision not stated"
    assert cl.loc["(claim)", "placed"] and cl.loc["(claim)", "value"] == 500_000


def test_every_outside_figure_has_a_source(sample):
    frames = [figure(sample, q, **p).frame for q, p in (
        ("ctx_flops", dict(precision="fp64", sparsity="dense", basis="measured")),
        ("ctx_flops", dict(precision="fp8", sparsity="dense", basis="peak")),
        ("ctx_accelerators", {}), ("ctx_power", {}))]
    for f in frames:
        outside = f[f["value"].notna() & ~f["is_site"]]
        assert len(outside) > 5
        assert outside["source"].str.match(r"https?://\S+$").all()
        assert (outside["source_kind"].str.len() > 0).all()
    for sparsity in ("dense", "sparse"):
        cl = figure(sample, "ctx_claims", precision="fp8", sparsity=sparsity).frame
        outside = cl[cl["row_id"] != "(claim)"]
        assert outside["source"].str.match(r"https?://\S+$").all() and outside["source_kind"].notna().all()
    cost = figure(sample, "ctx_cost", precision="fp8", sparsity="dense", basis="peak").frame
    assert cost["investment_source"].str.match(r"https?://").all()
    priced = cost[cost["cost_low"].notna()]
    assert len(priced) == 1 and priced["flops_source"].str.match(r"https?://").all()
    src = figure(sample, "ctx_sources").frame
    assert len(src) == 113 and src["source"].str.match(r"https?://\S+$").all() and src["source_kind"].notna().all()


def test_ranges_shares_and_cost(sample):
    acc = figure(sample, "ctx_accelerators", site_gpus=1024).frame.set_index("peer_id")
    # three reports of Colossus: 100k, 200k, ~230k -> a range, and the share as a range
    assert (acc.loc["xai_colossus1", "value_low"], acc.loc["xai_colossus1", "value_high"]) == (100_000, 230_000)
    assert acc.loc["xai_colossus1", "site_share_min"] == pytest.approx(1024 / 230_000)
    assert acc.loc["xai_colossus1", "site_share_max"] == pytest.approx(1024 / 100_000)
    # "up to 1,000,000": only an upper end; the share has only its lower bound
    assert acc.loc["anthropic_google_tpu", "value_low"] != acc.loc["anthropic_google_tpu", "value_low"]
    assert acc.loc["anthropic_google_tpu", "site_share_min"] == pytest.approx(1024 / 1e6)
    assert acc.loc["(store)", "stated"] == "1,024 accelerators" and acc.loc["(store)", "source_kind"] == "this store"
    pw = figure(sample, "ctx_power", site_kw=926.0).frame.set_index("peer_id")
    assert pw.loc["el_capitan", "value"] == pytest.approx(29_685) and pw.loc["(store)", "stated"] == "926 kW"
    # planned power is not compared: JUPITER's 18.2 MW plan stays out of its 15.794 MW
    assert pw.loc["jupiter_booster", "value_high"] == pytest.approx(15_794)
    cost = figure(sample, "ctx_cost", precision="fp8", sparsity="dense", basis="peak").frame.set_index("peer_id")
    assert cost.loc["dt_industrial_ai_cloud", "cost_low"] == pytest.approx(1e9 / 45_000)  # 1 bn EUR / 45 EF
    assert cost.loc["schwarz_luebbenau", "missing"].startswith("no FP8 dense peak figure")


def test_a_users_own_peers_file_replaces_the_reference(sample_copy, tmp_path, monkeypatch):
    """The page and its figures work on any valid peers file: other peers, other groups, no `site` group."""
    mine = tmp_path / "peers.csv"
    mine.write_text(
        "row_id,peer_id,peer,group,metric,value,unit,precision,sparsity,source,source_kind,value_low,value_high\n"
        "a__perf_derived_fp8_dense,a,Cluster A,rivals,perf_derived_fp8_dense,~10,EFLOP/s,fp8,dense,"
        "https://example.org/a,derived,10,10\n"
        "a__accelerator_count,a,Cluster A,rivals,accelerator_count,2000-2500,accelerators,,,https://example.org/a,"
        "press,2000,2500\n"
        "b__perf_rmax,b,System B,hpc,perf_rmax,300,PFLOP/s,fp64,dense,https://example.org/b ; https://example.org/b2,"
        "primary,300,300\n"
        "b__power_mw,b,System B,hpc,power_mw,8,MW,,,https://example.org/b,primary,8,8\n")
    con = connect(sample_copy)
    con.execute("DELETE FROM peers")
    assert load_path(con, mine).status == "ok"
    comps = {c["comparison"] for c in comparisons(con)}
    assert {"fp64/dense/measured", "fp8/dense/peak"} <= comps
    fl = figure(con, "ctx_flops", precision="fp8", sparsity="dense", basis="peak", site_tflops=1e6).frame
    assert fl.set_index("peer_id").loc["a", "site_share_min"] == pytest.approx(0.1)
    assert figure(con, "ctx_cost", precision="fp8", sparsity="dense", basis="peak").empty
    con.close()
    for compare in ("fp64/dense/measured", "fp8/dense/peak"):
        at = render(sample_copy, monkeypatch, compare)
        text = "\n".join(c.value for c in at.caption)
        assert "1 of 2 peers publish a figure" in text
        assert any(d.value["peer"].eq("System B").any() for d in at.dataframe if "peer" in d.value)


# ---------------------------------------------------------------- the page

def render(db: Path, monkeypatch, compare: str | None = None, page: str = "context.py",
           select: dict[str, str] | None = None) -> AppTest:
    monkeypatch.setenv("AIFD_DB", str(db))
    at = AppTest.from_file(str(VIEWS / page), default_timeout=180)
    if compare:
        at.query_params["compare"] = compare
    at.run()
    for key, value in (select or {}).items():
        at.selectbox(key=key).set_value(value).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def provenance(at: AppTest, name: str) -> str:
    """A figure's provenance line without its timing: the query and every parameter it ran with."""
    line = next(c.value for c in at.caption if c.value.startswith(f"query `{name}`"))
    return re.sub(r" · [\d,]+ rows, \d+ ms.*$", "", line)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def charts(at: AppTest) -> list[tuple[dict, list]]:
    """Each Vega-Lite chart on the page: its spec and its datasets as frames."""
    out = []
    for ch in at.get("vega_lite_chart"):
        frames = [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in ch.proto.datasets]
        out.append((json.loads(ch.proto.spec), frames))
    return out


@pytest.mark.parametrize("precision,compare", [("fp64", "fp64/dense/peak"), ("fp8", "fp8/dense/peak")])
def test_the_sites_figures_are_the_performance_pages(sample_db, monkeypatch, precision, compare):
    perf_page = render(sample_db, monkeypatch, page="performance.py", select={"perf_precision": precision})
    perf = metrics(perf_page)
    at = render(sample_db, monkeypatch, compare)
    ctx = metrics(at)
    # the same figures with the same parameters (range, precision, bucket width, settings): equal by construction
    for name in ("perf_headline", "perf_claim_check"):
        assert provenance(at, name) == provenance(perf_page, name)
    p = precision.upper()
    assert ctx[f"Delivered ({p}, estimate)"] == perf["Delivered (estimate)"]
    assert ctx[f"Nameplate ({p} dense)"] == perf[f"Nameplate peak ({p} dense)"]
    assert ctx["GPUs reporting"] == "1,024"
    # and the value placed beside the peers is that nameplate, to the last digit
    claim = figure(connect(sample_db, read_only=True), "perf_claim_check").frame
    nameplate = claim[(claim.scope == "fleet") & (claim.precision == precision)]["peak_dense_tflops"].iloc[0]
    captions = "\n".join(c.value for c in at.caption)
    assert f"site_tflops={nameplate:.6g}," in captions  # the provenance line writes six significant figures
    store = [f for _, frames in charts(at) for f in frames if "is_site" in f and "precision" in f and f["is_site"].any()][0]
    assert store.loc[store["is_site"], "value"].iloc[0] == nameplate


def x_encodings(spec: dict) -> list[dict]:
    """The x encodings of a chart and of all its layers, however deep."""
    found = [spec["encoding"]["x"]] if "x" in spec.get("encoding", {}) else []
    for layer in spec.get("layer", []):
        found += x_encodings(layer)
    return found


@pytest.mark.parametrize("compare", ["fp64/dense/measured", "fp64/dense/peak", "fp8/dense/peak", "fp4/sparse/peak"])
def test_no_chart_puts_two_precisions_on_one_axis(sample_db, monkeypatch, compare):
    precision, sparsity, basis = compare.split("/")
    at = render(sample_db, monkeypatch, compare)
    drawn = charts(at)
    assert len(drawn) == 4
    flops_charts = 0
    for spec, frames in drawn:
        x_titles = {x["title"] for x in x_encodings(spec) if "title" in x}
        if not any("FLOPS" in t for t in x_titles):
            continue  # accelerators, power: no precision to keep apart
        flops_charts += 1
        # one axis, titled with its one precision
        assert len(x_titles) == 1 and next(iter(x_titles)).startswith(precision.upper() + " "), x_titles
        points = 0
        for f in frames:  # every layer's data (a range layer may be empty)
            assert "precision" in f and "sparsity" in f, spec.get("title")
            plotted = f[f["value"].notna()]
            points += len(plotted)
            assert set(plotted["precision"]) <= {precision}, (spec.get("title"), set(plotted["precision"]))
            assert plotted["precision"].notna().all() and plotted["sparsity"].notna().all()
            assert set(plotted["sparsity"]) <= {sparsity}, spec.get("title")
            if "claim" not in str(spec.get("title")):
                assert set(plotted["basis"]) <= {basis}, spec.get("title")
        assert points >= 2, spec.get("title")
    assert flops_charts == 2  # the peers chart and the claim chart
    assert at.header[1].value.startswith("Among peers: ")


def test_every_outside_figure_on_the_page_links_its_source(sample_db, monkeypatch):
    at = render(sample_db, monkeypatch, "fp8/dense/peak")
    checked = 0
    for d in at.dataframe:
        config = json.loads(d.proto.columns or "{}")
        frame = d.value
        for col in [c for c in frame.columns if c == "source" or c.endswith("_source")]:
            assert config[col]["type_config"]["type"] == "link", col
            kind = "source_kind" if col == "source" else col.replace("_source", "_source_kind")
            assert kind in frame, f"{col} shown without its source kind"
            outside = frame[frame[col].notna()]
            assert outside[col].str.match(r"https?://\S+$").all()
            checked += len(outside)
        if "stated" in frame and "source" in frame:
            # a value from outside without a link would be a figure without a source
            assert frame.loc[frame["stated"].notna() & (frame.get("source_kind") != "this store")
                             & (frame.get("source_kind") != "settings"), "source"].notna().all()
    assert checked > 150


def test_the_page_says_what_to_do_without_peers(sample_copy, monkeypatch):
    con = connect(sample_copy)
    con.execute("DELETE FROM peers")
    con.close()
    at = render(sample_copy, monkeypatch, "fp8/dense/peak")
    assert any("aifd ingest queries/reference/peers.csv" in i.value for i in at.info)
    assert metrics(at)["Nameplate (FP8 dense)"] == "3.71 EFLOPS"


def test_an_unknown_comparison_in_the_url_falls_back(sample_db, monkeypatch):
    at = render(sample_db, monkeypatch, "fp128/dense/peak")
    assert at.header[1].value == "Among peers: FP64 dense peak"  # the store and most peers have a figure there
    assert re.search(r"12 of 37 peers", "\n".join(c.value for c in at.caption))
