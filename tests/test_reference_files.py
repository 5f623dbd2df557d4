"""Checks on the sourced reference CSVs in queries/reference/ (law rules, EU/EnEfG indicators,
Green500, peers): read with DuckDB's CSV reader, every row sourced, dates and numbers parse,
vocabularies closed. Each check is also run on a deliberately broken copy, so it can fail."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import pytest

REF = Path(__file__).resolve().parent.parent / "queries" / "reference"
QUERIES = REF.parent

LAW_COLUMNS = [
    "rule_set", "rule_id", "kpi", "comparator", "threshold", "threshold_lower", "unit", "applies_to",
    "size_threshold_kw", "size_basis", "commissioning_from", "commissioning_until", "effective_from",
    "effective_until", "deadline", "legal_reference", "description", "source", "source_date", "status",
    "confidence", "checked_via", "note", "replaces",
]
INDICATOR_COLUMNS = [
    "indicator_id", "legal_reference", "name", "definition", "symbol", "unit", "period", "figure",
    "source", "source_date", "confidence", "checked_via", "note",
]
GREEN500_COLUMNS = [
    "rank", "top500_rank", "system", "site", "country", "cpu_gpu", "accelerator", "cores", "rmax_pflops",
    "power_kw", "gflops_per_watt", "precision", "basis", "list", "list_date", "source", "source_date",
    "confidence", "note",
]
PEERS_COLUMNS = [
    "row_id", "peer_id", "peer", "operator", "country", "group", "status", "status_date", "accelerator",
    "metric", "value", "unit", "precision", "sparsity", "basis", "source", "source_kind", "confidence",
    "note", "value_low", "value_high", "unit_note", "inferred", "source_note",
]

RULE_SETS = {"enefg_2023", "enefg_amendment_2026_bill", "eu_eed_2024_1364", "eu_labels_2026"}
COMPARATORS_WITH_THRESHOLD = {"<=", ">=", "<", ">"}
COMPARATORS = COMPARATORS_WITH_THRESHOLD | {"duty", "info"}
STATUSES = {"in force", "pending bill", "adopted, not yet applicable"}
LAW_CONFIDENCE = {"verified_primary", "verified_secondary", "inferred", "unverified"}
INDICATOR_CONFIDENCE = {"verified_primary", "verified_secondary", "context_only"}
PRECISIONS = {"fp64", "tf32", "fp32", "bf16", "fp16", "fp8", "fp4", "int8", ""}
SPARSITIES = {"dense", "sparse", ""}
PEER_CONFIDENCE = {"high", "medium", "low"}
PEER_METRICS = {
    "accelerator_count", "accelerator_count_alt", "accelerator_count_at_opening", "accelerator_count_per_site",
    "announced", "claim_capacity_share", "floor_area", "investment", "memory", "note",
    "perf_claim", "perf_claim_2023", "perf_claim_fp64", "perf_derived_bf16_dense", "perf_derived_fp4_sparse",
    "perf_derived_fp64_peak", "perf_derived_fp8_dense", "perf_derived_hpl_estimate", "perf_rmax", "perf_rpeak",
    "perf_rpeak_system", "perf_target", "plan", "power_density", "power_mw", "power_mw_planned", "sites",
    "storage", "systems", "utilisation_at_opening",
}
PEER_UNITS = {
    "PFLOP/s", "EFLOP/s", "ZFLOP/s", "MW", "kW/rack", "accelerators", "systems", "sites", "count", "bn EUR",
    "PB", "m2", "%", "ratio", "date", "year", "",
}


def read(path: Path) -> tuple[list[str], list[dict]]:
    """Rows as text through DuckDB's CSV reader, each with its line number in the file."""
    con = duckdb.connect()
    rel = con.sql(
        "SELECT * FROM read_csv($p, header = true, all_varchar = true, delim = ',', quote = '\"')",
        params={"p": str(path)},
    )
    cols = rel.columns
    # DuckDB reads an empty field as NULL; the files use the empty string for "none"
    rows = [{c: ("" if v is None else v) for c, v in zip(cols, r)} | {"_line": i + 2}
            for i, r in enumerate(rel.fetchall())]
    return cols, rows


_DB = duckdb.connect()


def _is_date(v: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        return False
    return _DB.execute("SELECT try_cast($v AS DATE) IS NOT NULL", {"v": v}).fetchone()[0]


def _is_number(v: str) -> bool:
    try:
        float(v)
    except ValueError:
        return False
    return True


def _urls(v: str) -> list[str]:
    return [u.strip() for u in v.split(" ; ")]


class Problems(list):
    def __init__(self, path: Path):
        super().__init__()
        self.name = path.name

    def add(self, row: dict, column: str, reason: str) -> None:
        self.append(f"{self.name}:{row['_line']}: {column}: {reason}")


def _common(path: Path, expected: list[str], id_column: str | None) -> tuple[Problems, list[dict]]:
    p = Problems(path)
    try:
        cols, rows = read(path)
    except duckdb.Error as e:
        p.append(f"{path.name}: unreadable CSV: {e}")
        return p, []
    if cols != expected:
        p.append(f"{path.name}: columns {cols} != expected {expected}")
        return p, []
    seen: dict[str, int] = {}
    for r in rows:
        for u in _urls(r["source"]):
            if not u.startswith(("http://", "https://")):
                p.add(r, "source", f"not a URL: {u!r}")
        if id_column:
            key = r[id_column]
            if not key:
                p.add(r, id_column, "empty id")
            elif key in seen:
                p.add(r, id_column, f"duplicate id {key!r} (first on line {seen[key]})")
            else:
                seen[key] = r["_line"]
    return p, rows


def validate_law_rules(path: Path) -> list[str]:
    p, rows = _common(path, LAW_COLUMNS, "rule_id")
    for r in rows:
        g = r.get
        if g("rule_set") not in RULE_SETS:
            p.add(r, "rule_set", f"unknown rule set {g('rule_set')!r}")
        if g("comparator") not in COMPARATORS:
            p.add(r, "comparator", f"unknown comparator {g('comparator')!r}")
        if g("status") not in STATUSES:
            p.add(r, "status", f"unknown status {g('status')!r}")
        if g("confidence") not in LAW_CONFIDENCE:
            p.add(r, "confidence", f"unknown confidence {g('confidence')!r}")
        for c in ("commissioning_from", "commissioning_until", "effective_from", "effective_until", "source_date"):
            if g(c) and not _is_date(g(c)):
                p.add(r, c, f"not a date (YYYY-MM-DD): {g(c)!r}")
        if not g("source_date"):
            p.add(r, "source_date", "missing")
        for c in ("threshold", "threshold_lower", "size_threshold_kw"):
            if g(c) and not _is_number(g(c)):
                p.add(r, c, f"not a number: {g(c)!r}")
        if g("comparator") in COMPARATORS_WITH_THRESHOLD:
            # an unverified label band keeps its unknown bound empty rather than inventing it
            if not g("threshold") and g("confidence") != "unverified":
                p.add(r, "threshold", f"comparator {g('comparator')} needs a threshold")
            if not g("unit"):
                p.add(r, "unit", "a threshold needs a unit")
        elif g("threshold") or g("threshold_lower"):
            p.add(r, "threshold", f"comparator {g('comparator')!r} takes no threshold")
        if g("threshold") and g("threshold_lower") and _is_number(g("threshold")) and _is_number(g("threshold_lower")):
            if float(g("threshold_lower")) >= float(g("threshold")):
                p.add(r, "threshold_lower", "lower bound not below the threshold")
        for a, b in (("commissioning_from", "commissioning_until"), ("effective_from", "effective_until")):
            if _is_date(g(a)) and _is_date(g(b)) and g(a) > g(b):
                p.add(r, b, f"ends before {a}")
        if not g("legal_reference") or not g("description"):
            p.add(r, "legal_reference", "legal_reference and description are required")
    # a rule of an amending set replaces rules of another set (the ones it amends), never its own
    sets = {r["rule_id"]: r["rule_set"] for r in rows}
    for r in rows:
        for rid in r["replaces"].split():
            if sets.get(rid, r["rule_set"]) == r["rule_set"]:
                p.add(r, "replaces", f"{rid!r} is no rule of another rule set")
    return p


def _query_returns(name: str) -> str | None:
    """The names of the columns the figure query declares (`-- column:` header lines)."""
    f = QUERIES / f"{name}.sql"
    if not f.exists():
        return None
    return " ".join(line.split()[2] for line in f.read_text().splitlines() if line.startswith("-- column:"))


def validate_indicators(path: Path) -> list[str]:
    p, rows = _common(path, INDICATOR_COLUMNS, "indicator_id")
    for r in rows:
        g = r.get
        if g("confidence") not in INDICATOR_CONFIDENCE:
            p.add(r, "confidence", f"unknown confidence {g('confidence')!r}")
        if not _is_date(g("source_date")):
            p.add(r, "source_date", f"not a date (YYYY-MM-DD): {g('source_date')!r}")
        if not g("legal_reference") or not g("name") or not g("unit") or not g("period"):
            p.add(r, "legal_reference", "legal_reference, name, unit and period are required")
        if g("figure"):
            query, _, column = g("figure").partition(".")
            returns = _query_returns(query)
            if returns is None:
                p.add(r, "figure", f"no query queries/{query}.sql")
            elif not column or not re.search(rf"\b{re.escape(column)}\b", returns):
                p.add(r, "figure", f"queries/{query}.sql returns no column {column!r}")
    return p


def validate_green500(path: Path) -> list[str]:
    p, rows = _common(path, GREEN500_COLUMNS, "rank")
    for r in rows:
        g = r.get
        for c in ("rank", "gflops_per_watt", "rmax_pflops"):
            if not _is_number(g(c)):
                p.add(r, c, f"not a number: {g(c)!r}")
        for c in ("top500_rank", "cores", "power_kw"):
            if g(c) and not _is_number(g(c)):
                p.add(r, c, f"not a number: {g(c)!r}")
        if g("precision") not in PRECISIONS or not g("precision"):
            p.add(r, "precision", f"unknown precision {g('precision')!r}")
        if g("basis") != "HPL measured":
            p.add(r, "basis", f"expected 'HPL measured', got {g('basis')!r}")
        if not _is_date(g("list_date")):
            p.add(r, "list_date", f"not a date (YYYY-MM-DD): {g('list_date')!r}")
        if g("source_date") and not _is_date(g("source_date")):
            p.add(r, "source_date", f"not a date (YYYY-MM-DD): {g('source_date')!r}")
    ranked = sorted((float(r["rank"]), float(r["gflops_per_watt"]), r) for r in rows
                    if _is_number(r["rank"]) and _is_number(r["gflops_per_watt"]))
    for (_, a, _), (_, b, rb) in zip(ranked, ranked[1:]):
        if b > a:
            p.add(rb, "gflops_per_watt", "a lower rank is more efficient than a higher one")
    return p


def validate_peers(path: Path) -> list[str]:
    p, rows = _common(path, PEERS_COLUMNS, "row_id")
    for r in rows:
        g = r.get
        if g("metric") not in PEER_METRICS:
            p.add(r, "metric", f"unknown metric {g('metric')!r}")
        if g("unit") not in PEER_UNITS:
            p.add(r, "unit", f"unknown unit {g('unit')!r}")
        if g("precision") not in PRECISIONS:
            p.add(r, "precision", f"unknown precision {g('precision')!r}")
        if g("sparsity") not in SPARSITIES:
            p.add(r, "sparsity", f"unknown sparsity {g('sparsity')!r}")
        if g("confidence") not in PEER_CONFIDENCE:
            p.add(r, "confidence", f"unknown confidence {g('confidence')!r}")
        if g("metric").startswith(("perf_rmax", "perf_rpeak")) and g("precision") != "fp64":
            p.add(r, "precision", "an HPL Rmax/Rpeak is fp64")
        for c in ("value_low", "value_high"):
            if g(c) and not _is_number(g(c)):
                p.add(r, c, f"not a number: {g(c)!r}")
        if _is_number(g("value_low")) and _is_number(g("value_high")) and float(g("value_low")) > float(g("value_high")):
            p.add(r, "value_high", "below value_low")
        if g("metric") != "note" and not g("unit"):
            p.add(r, "unit", "a value needs a unit")
        if not set(filter(None, g("inferred").split(";"))) <= {"precision", "sparsity"}:
            p.add(r, "inferred", f"expected 'precision' and/or 'sparsity', got {g('inferred')!r}")
    return p


FILES = {
    "law_rules.csv": validate_law_rules,
    "eed_indicators.csv": validate_indicators,
    "green500.csv": validate_green500,
    "peers.csv": validate_peers,
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_shipped_reference_file_is_valid(name):
    assert FILES[name](REF / name) == []


def _rows(name: str) -> dict[str, dict]:
    _, rows = read(REF / name)
    key = {"law_rules.csv": "rule_id", "eed_indicators.csv": "indicator_id",
           "green500.csv": "rank", "peers.csv": "row_id"}[name]
    return {r[key]: r for r in rows}


def test_enefg_rules_carry_the_thresholds_of_the_law():
    law = _rows("law_rules.csv")
    expect = {
        "enefg_pue_existing_2027": ("<=", "1.5", "", "2026-06-30", "2027-07-01"),
        "enefg_pue_existing_2030": ("<=", "1.3", "", "2026-06-30", "2030-07-01"),
        "enefg_pue_new": ("<=", "1.2", "2026-07-01", "", "2026-07-01"),
        "enefg_erf_new_2026": (">=", "10", "2026-07-01", "2027-06-30", "2026-07-01"),
        "enefg_erf_new_2027": (">=", "15", "2027-07-01", "2028-06-30", "2027-07-01"),
        "enefg_erf_new_2028": (">=", "20", "2028-07-01", "", "2028-07-01"),
        "enefg_renewable_2024": (">=", "50", "", "", "2024-01-01"),
        "enefg_renewable_2027": (">=", "100", "", "", "2027-01-01"),
        "bill_pue_existing_2027": ("<=", "1.6", "", "2026-06-30", "2027-07-01"),
        "bill_pue_existing_2030": ("<=", "1.4", "", "2026-06-30", "2030-07-01"),
        "bill_pue_new": ("<=", "1.3", "2026-07-01", "", "2026-07-01"),
        "eed_scope_500kw": (">=", "500", "", "", "2024-06-06"),
        "bill_renewable_50": (">=", "50", "", "", "2024-01-01"),
    }
    for rid, (cmp, thr, cfrom, cuntil, efrom) in expect.items():
        r = law[rid]
        assert (r["comparator"], r["threshold"], r["commissioning_from"], r["commissioning_until"],
                r["effective_from"]) == (cmp, thr, cfrom, cuntil, efrom), rid
    assert law["enefg_register_report"]["size_threshold_kw"] == "300"
    assert law["enefg_ems_certified_1mw"]["size_threshold_kw"] == "1000"
    assert law["enefg_fine_100k"]["threshold"] == "100000"
    assert {r["status"] for r in law.values() if r["rule_set"] == "enefg_amendment_2026_bill"} == {"pending bill"}
    # the bill as if passed: its rules take the place of the ones they amend, the others stay
    assert {rid: r["replaces"] for rid, r in law.items() if r["replaces"]} == {
        "bill_pue_existing_2027": "enefg_pue_existing_2027", "bill_pue_existing_2030": "enefg_pue_existing_2030",
        "bill_pue_new": "enefg_pue_new", "bill_renewable_100": "enefg_renewable_2027",
        "bill_renewable_50": "enefg_renewable_2024"}
    assert law["bill_renewable_50"]["effective_until"] == "2029-12-31"
    assert law["bill_renewable_50"]["confidence"] == "inferred"


def test_label_bands_are_contiguous_and_unknown_bounds_stay_empty():
    law = _rows("law_rules.csv")
    for kpi, upper in (("pue", ["1.15", "1.25", "1.35", "1.5", "", "1.9"]), ("wue", ["0.1", "0.2", "0.4", "0.6", "", "1.0"])):
        bands = [law[f"label_{kpi}_{c}"] for c in "abcdefg"]
        assert [b["threshold"] for b in bands[:6]] == upper
        assert bands[6]["comparator"] == ">" and bands[6]["threshold"] == upper[-1]
        for prev, cur in zip(bands[:5], bands[1:6]):
            if prev["threshold"] and cur["threshold_lower"]:
                assert cur["threshold_lower"] == prev["threshold"], cur["rule_id"]
        assert {bands[4]["confidence"], bands[5]["confidence"]} == {"unverified"}


def test_green500_top_ten_and_first_place():
    g = _rows("green500.csv")
    assert all(str(i) in g for i in range(1, 11))
    top = g["1"]
    assert (top["system"], top["gflops_per_watt"], top["accelerator"]) == ("Kairos", "73.282", "NVIDIA GH200")
    assert all(r["precision"] == "fp64" for r in g.values())


def test_peers_keep_all_rows_with_a_url_each():
    peers = _rows("peers.csv")
    assert len(peers) == 113
    assert peers["el_capitan__perf_rmax"]["value"] == "1809.00"
    assert peers["el_capitan__perf_rmax"]["precision"] == "fp64"


# --- the checks fail on broken copies ---------------------------------------------------------

def _mutate(name: str, tmp_path: Path, key: str, column: str, value: str) -> Path:
    src = REF / name
    with src.open(newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    id_col = fields[0] if name != "law_rules.csv" else "rule_id"
    hit = [r for r in rows if r[id_col] == key]
    assert hit, key
    hit[0][column] = value
    out = tmp_path / name
    with out.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return out


BROKEN = [
    ("law_rules.csv", "enefg_pue_new", "source", "gesetze-im-internet.de/enefg", "source: not a URL"),
    ("law_rules.csv", "enefg_pue_new", "effective_from", "1 Jul 2026", "effective_from: not a date"),
    ("law_rules.csv", "enefg_pue_new", "threshold", "", "comparator <= needs a threshold"),
    ("law_rules.csv", "enefg_pue_new", "threshold", "one point two", "threshold: not a number"),
    ("law_rules.csv", "enefg_pue_new", "comparator", "=<", "unknown comparator"),
    ("law_rules.csv", "enefg_pue_new", "rule_id", "enefg_pue_existing_2027", "duplicate id"),
    ("law_rules.csv", "enefg_ems_setup", "threshold", "5", "takes no threshold"),
    ("law_rules.csv", "enefg_erf_new_2026", "commissioning_until", "2025-06-30", "ends before commissioning_from"),
    ("law_rules.csv", "label_pue_b", "threshold_lower", "1.3", "lower bound not below"),
    ("law_rules.csv", "bill_pue_new", "replaces", "enefg_pue_nwe", "is no rule of another rule set"),
    ("law_rules.csv", "bill_pue_new", "replaces", "bill_pue_existing_2027", "is no rule of another rule set"),
    ("eed_indicators.csv", "eu_energy_it", "figure", "energy_headline.it_mwh", "returns no column 'it_mwh'"),
    ("eed_indicators.csv", "eu_energy_it", "figure", "no_such_query.it_kwh", "no query"),
    ("eed_indicators.csv", "eu_energy_it", "source_date", "2024-13-14", "source_date: not a date"),
    ("green500.csv", "3", "precision", "FP64", "unknown precision"),
    ("green500.csv", "2", "gflops_per_watt", "80.1", "more efficient"),
    ("green500.csv", "1", "source", "", "not a URL"),
    ("peers.csv", "el_capitan__perf_rmax", "precision", "fp128", "unknown precision"),
    ("peers.csv", "el_capitan__perf_rmax", "metric", "perf_hpl", "unknown metric"),
    ("peers.csv", "el_capitan__perf_rmax", "source", "https://insidehpc.com/x ; GitHub file", "not a URL: 'GitHub file'"),
    ("peers.csv", "el_capitan__perf_rmax", "unit", "EF", "unknown unit"),
    ("peers.csv", "el_capitan__perf_rmax", "value_low", "2000", "below value_low"),
    ("peers.csv", "frontier__perf_rmax", "row_id", "el_capitan__perf_rmax", "duplicate id"),
]


@pytest.mark.parametrize("name,key,column,value,reason", BROKEN)
def test_validator_rejects_a_broken_copy(tmp_path, name, key, column, value, reason):
    problems = FILES[name](_mutate(name, tmp_path, key, column, value))
    assert problems, f"{name}: {column}={value!r} was not caught"
    assert any(reason in p for p in problems), problems
    assert all(p.startswith(name) for p in problems)


def test_validator_names_the_line(tmp_path):
    problems = validate_law_rules(_mutate("law_rules.csv", tmp_path, "enefg_pue_new", "source_date", "2023"))
    law = (REF / "law_rules.csv").read_text().splitlines()
    line = next(i for i, text in enumerate(law, start=1) if text.startswith("enefg_2023,enefg_pue_new,"))
    assert problems == [f"law_rules.csv:{line}: source_date: not a date (YYYY-MM-DD): '2023'"]


def test_validator_rejects_a_ragged_row(tmp_path):
    bad = tmp_path / "green500.csv"
    bad.write_text((REF / "green500.csv").read_text() + "11,1,extra,column,too,many\n")
    problems = validate_green500(bad)
    assert len(problems) == 1 and problems[0].startswith("green500.csv: unreadable CSV"), problems
