"""Property-based tests of the two text readers (CSV and OpenMetrics/Prometheus text), with
hypothesis: whatever the file, loading it raises nothing unforeseen, stores no NaN or Inf and no
row a check rule forbids, and a file that fails (or is refused under --strict) changes nothing.

Each test runs EXAMPLES generated files against one real DuckDB store that keeps what earlier
examples stored, so idempotency and registration from telemetry are exercised across files too.
"""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.ingest import ensure_reference, load_path
from dashboard.store import connect

EXAMPLES = 200
T0 = datetime(2026, 11, 16)
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

DATA_TABLES = ("gpu_samples", "link_samples", "meter_samples", "gpus", "links", "meters", "rejects")

# Every stored row must pass the rules the checks apply (queries/definitions/030_value_limits.sql).
FORBIDDEN = {
    "gpu_samples": """SELECT count(*) FROM gpu_samples WHERE ts < TIMESTAMP '2000-01-01' OR ts >= TIMESTAMP '2100-01-01'
        OR coalesce(gpu_value_problem('util', util), gpu_value_problem('tensor_active', tensor_active),
                    gpu_value_problem('fp64_active', fp64_active), gpu_value_problem('sm_active', sm_active),
                    gpu_value_problem('power_w', power_w), gpu_value_problem('energy_j', energy_j),
                    gpu_value_problem('temp_c', temp_c), gpu_value_problem('sm_clock_mhz', sm_clock_mhz),
                    gpu_value_problem('xid', xid)) IS NOT NULL
        OR (util IS NULL AND tensor_active IS NULL AND fp64_active IS NULL AND sm_active IS NULL
            AND sm_clock_mhz IS NULL AND power_w IS NULL AND energy_j IS NULL AND temp_c IS NULL AND xid IS NULL)""",
    "link_samples": """SELECT count(*) FROM link_samples WHERE ts < TIMESTAMP '2000-01-01' OR ts >= TIMESTAMP '2100-01-01'
        OR coalesce(link_value_problem('rx_bytes', rx_bytes), link_value_problem('tx_bytes', tx_bytes)) IS NOT NULL
        OR (rx_bytes IS NULL AND tx_bytes IS NULL)""",
    "meter_samples": """SELECT count(*) FROM meter_samples WHERE ts < TIMESTAMP '2000-01-01' OR ts >= TIMESTAMP '2100-01-01'
        OR coalesce(meter_value_problem('power_kw', power_kw), meter_value_problem('energy_kwh', energy_kwh)) IS NOT NULL""",
    "links": "SELECT count(*) FROM links WHERE link_value_problem('capacity_gbps', capacity_gbps) IS NOT NULL",
    "duplicates": """SELECT (SELECT count(*) - count(DISTINCT (ts, gpu_id)) FROM gpu_samples)
                          + (SELECT count(*) - count(DISTINCT (ts, link_id)) FROM link_samples)""",
}
NON_FINITE = """SELECT count(*) FROM gpu_samples WHERE NOT (isfinite(coalesce(util, 0)) AND isfinite(coalesce(tensor_active, 0))
    AND isfinite(coalesce(fp64_active, 0)) AND isfinite(coalesce(sm_active, 0)) AND isfinite(coalesce(sm_clock_mhz, 0))
    AND isfinite(coalesce(power_w, 0)) AND isfinite(coalesce(energy_j, 0)) AND isfinite(coalesce(temp_c, 0)))
  UNION ALL SELECT count(*) FROM meter_samples WHERE NOT (isfinite(coalesce(power_kw, 0)) AND isfinite(coalesce(energy_kwh, 0)))
  UNION ALL SELECT count(*) FROM links WHERE NOT isfinite(coalesce(capacity_gbps, 0))"""


class Store:
    """One real store per test, shared by its examples."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.con = connect(folder / "prop.duckdb")
        ensure_reference(self.con)
        self.n = itertools.count()
        for name, text in (("meters.csv", "meter_id,kind\nfac,facility\nit,it\n"),
                           ("links.csv", "link_id,capacity_gbps\nup,100\n")):
            (folder / name).write_text(text)
            assert load_path(self.con, folder / name).status == "ok"

    def snapshot(self) -> dict[str, tuple]:
        return {t: self.con.execute(
            f"SELECT count(*), md5(coalesce(string_agg(CAST(x AS VARCHAR), '|' ORDER BY CAST(x AS VARCHAR)), '')) "
            f"FROM {t} x").fetchall()[0] for t in DATA_TABLES}

    def load(self, content: bytes, suffix: str, **kw):
        path = self.folder / f"f{next(self.n)}{suffix}"
        path.write_bytes(content)
        before = self.snapshot()
        report = load_path(self.con, path, **kw)  # never raises for bad input
        assert not report.unexpected, report.summary()
        if report.status in ("failed", "skipped"):
            assert self.snapshot() == before, f"a {report.status} load changed the store: {report.summary()}"
        for name, sql in FORBIDDEN.items():
            assert self.con.execute(sql).fetchall()[0][0] == 0, f"{name}: a stored row breaks a rule"
        assert all(n == 0 for (n,) in self.con.execute(NON_FINITE).fetchall()), "NaN or Inf stored"
        return report


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = Store(tmp_path_factory.mktemp("prop"))
    yield s
    s.con.close()


# ---------------------------------------------------------------- CSV

def num(lo: float, hi: float, integer: bool = False):
    if integer:
        return st.integers(int(lo), int(hi)).map(str)
    return st.floats(lo, hi, allow_nan=False).map(lambda v: f"{v:.6g}")


# Plausible cells per column (most files a user loads are mostly right) ...
GOOD = {
    "ts": st.integers(0, 2880).flatmap(lambda m: st.sampled_from([
        f"{T0 + timedelta(minutes=m):%Y-%m-%dT%H:%M:%S}Z", f"{T0 + timedelta(minutes=m):%Y-%m-%d %H:%M:%S}",
        str(1794787200 + 60 * m), f"{T0 + timedelta(minutes=m, hours=1):%Y-%m-%dT%H:%M:%S}+01:00"])),
    "gpu_uuid": st.sampled_from(["GPU-a", "GPU-b", "GPU-c"]), "hostname": st.sampled_from(["h1", "h2"]),
    "model": st.sampled_from(["NVIDIA B200", "NVIDIA Z900"]), "gpu": st.sampled_from(["0", "1", "7"]),
    "util": num(0, 100), "tensor_active": num(0, 1), "fp64_active": num(0, 1), "power_w": num(0, 1500),
    "power_kw": num(0, 2), "energy_j": num(0, 1e9), "energy_mj": num(0, 1e12), "temp_c": num(15, 95),
    "xid": st.sampled_from(["0", "79", "48"]), "sm_clock_mhz": num(0, 2100),
    "link_id": st.sampled_from(["up", "dci", "lo"]), "rx_bytes": num(0, 1e15, True), "tx_bytes": num(0, 1e15, True),
    "capacity_gbps": st.sampled_from(["10", "100", "400", ""]), "is_virtual": st.sampled_from(["true", "false", ""]),
    "meter_id": st.sampled_from(["fac", "it"]), "energy_kwh": num(0, 1e6),
    "kind": st.sampled_from(["facility", "it", "cooling", "solar"]), "rack": st.just("r1"), "pod": st.just("p1"),
}
ALIASES = {"timestamp": "ts", "UUID": "gpu_uuid", "Hostname": "hostname", "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_total": "energy_mj"}
COLUMNS = [*GOOD, *ALIASES, "note", "power_btu"]
SHAPES = [["ts", "gpu_uuid", "hostname", "util", "power_w"], ["ts", "UUID", "Hostname", "energy_mj", "temp_c"],
          ["ts", "gpu_uuid", "model", "energy_j", "sm_clock_mhz", "fp64_active"],
          ["timestamp", "gpu_uuid", "tensor_active", "xid"], ["ts", "link_id", "rx_bytes", "tx_bytes"],
          ["ts", "link_id", "rx_bytes", "capacity_gbps", "is_virtual"], ["gpu_uuid", "hostname", "rack", "pod"],
          ["ts", "meter_id", "power_kw", "energy_kwh"], ["link_id", "capacity_gbps"], ["meter_id", "kind"]]
# ... and what goes wrong in real files
NASTY = ["", " ", "-1", "250", "12000", "1e12", "1e13", "1e30", "1e308", "-1e308", "1e400", "NaN", "nan", "inf",
         "-Infinity", "+Inf", "abc", "=1+1", "9999-12-31", "1999-12-31", "1794787200000", "1794787200000000",
         "3.7", "9223372036854775808", "123456789012345678901234567890", '"a,b"', "ü€🙂", "\t", "x" * 300]


@st.composite
def csv_files(draw) -> tuple[bytes, str]:
    if draw(st.integers(0, 4)) < 4:  # rare branches sit at the top of a range: hypothesis favours 0
        cols = list(draw(st.sampled_from(SHAPES)))
        cols += [c for c in draw(st.lists(st.sampled_from(COLUMNS), max_size=2, unique=True)) if c not in cols]
    else:
        cols = draw(st.lists(st.sampled_from(COLUMNS) | st.text(min_size=1, max_size=8), min_size=1, max_size=6))
    delim = draw(st.sampled_from([",", ",", ";", "\t"]))
    rows = []
    nasty = st.sampled_from(NASTY) | st.text(max_size=12)
    for _ in range(draw(st.integers(0, 8))):
        row, clean = [], draw(st.booleans())
        for c in cols:
            good = GOOD.get(ALIASES.get(c, c))
            cell = nasty if good is None else good if clean else st.one_of(good, good, nasty)
            row.append(draw(cell))
        if draw(st.integers(0, 19)) == 19:
            row = row[:-1] if draw(st.booleans()) else row + ["extra"]
        rows.append(row)

    def line(cells):
        return delim.join('"' + c.replace('"', '""') + '"' if (delim in c or '"' in c or "\n" in c or "\r" in c)
                          else c for c in cells)
    # line ends: LF, CR LF (Windows), or both in one file (files joined from two sources)
    ends = draw(st.sampled_from(["\n", "\n", "\r\n", "mixed"]))
    lines = [line(cols), *(line(r) for r in rows)]
    text = lines[0]
    for other in lines[1:]:
        text += (draw(st.sampled_from(["\n", "\r\n"])) if ends == "mixed" else ends) + other
    last = "\n" if ends == "mixed" else ends
    if draw(st.integers(0, 4)) < 4:
        text += last
        if draw(st.integers(0, 4)) == 4:  # blank lines after the last row
            text += draw(st.sampled_from([last, last * 3, " " + last, "\t" + last + last]))
    data = text.encode("utf-8")
    if draw(st.integers(0, 9)) == 9:
        data = b"\xef\xbb\xbf" + data
    if draw(st.integers(0, 29)) == 29:
        data = data[: draw(st.integers(0, len(data)))] + b"\xff"  # not UTF-8
    return data, draw(st.sampled_from([".csv", ".csv", ".tsv"]))


@PROPERTY
@given(f=csv_files(), strict=st.integers(0, 4).map(lambda i: i == 4))
def test_csv_reader_properties(store, f, strict):
    data, suffix = f
    before = store.snapshot()
    report = store.load(data, suffix, strict=strict)
    if strict and report.status == "failed":
        assert store.snapshot() == before


def _read_as(path: Path, fast: bool) -> tuple:
    """What the CSV reader makes of a file: its rows in ``src`` (line and fields), warnings and
    rows rejected before staging, or the error; ``fast=False`` without DuckDB's CSV reader."""
    import duckdb

    from dashboard.ingest import files

    con = duckdb.connect()
    con.begin()  # as a load reads it: inside its transaction
    original = files._read_csv_duckdb
    if not fast:
        files._read_csv_duckdb = lambda *a, **k: False
    try:
        staged = list(files.read_csv(con, path, None))
        rows = con.execute("SELECT * FROM src ORDER BY line").fetchall()
        return ("ok", rows, [s.warnings for s in staged], [s.pre_rejects for s in staged])
    except files.FileError as e:
        return ("error", str(e))
    finally:
        files._read_csv_duckdb = original
        con.close()


@PROPERTY
@given(f=csv_files())
def test_duckdbs_csv_reader_reads_a_file_exactly_as_the_line_by_line_reader_or_declines(tmp_path_factory, f):
    """The fast path (DuckDB's CSV reader, for files where row i is line i + 2) gives the same
    rows, line numbers, fields, warnings and errors as Python's csv module, whatever the file."""
    data, suffix = f
    path = tmp_path_factory.mktemp("csv") / f"f{suffix}"
    path.write_bytes(data)
    assert _read_as(path, fast=True) == _read_as(path, fast=False)


def test_duckdbs_csv_reader_is_used_for_a_clean_file_and_not_for_a_ragged_one(tmp_path):
    import duckdb

    from dashboard.ingest import files

    clean = tmp_path / "clean.csv"
    clean.write_text("ts,gpu_uuid,power_w\n2026-11-16T00:00:00Z,GPU-a,700\n2026-11-16T00:01:00Z,GPU-a,\n")
    crlf = tmp_path / "crlf.csv"  # Windows line ends, a quoted delimiter, a BOM
    crlf.write_bytes(b'\xef\xbb\xbfts;gpu_uuid;power_w\r\n2026-11-16T00:00:00Z;"GPU;a";700\r\n'
                     b'2026-11-16T00:01:00Z;GPU-b;\r\n')
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("ts,gpu_uuid,power_w\n2026-11-16T00:00:00Z,GPU-a\n\n2026-11-16T00:01:00Z,GPU-a,1\n")
    blank_end = tmp_path / "blank_end.csv"  # blank lines after the last row: the rows keep their lines
    blank_end.write_bytes(b"ts,gpu_uuid,power_w\r\n2026-11-16T00:00:00Z,GPU-a,700  \r\n\r\n \t\r\n\r\n")
    tab_end = tmp_path / "tab_end.tsv"  # a last line of one tab is a row of two empty fields here, not blank
    tab_end.write_bytes(b"ts\tgpu_uuid\tpower_w\n2026-11-16T00:00:00Z\tGPU-a\t700\n\t\n\n")
    mixed = tmp_path / "mixed.csv"  # CR LF and LF in one file: DuckDB's reader fails on it, so it is not asked
    mixed.write_bytes(b"ts,gpu_uuid,power_w\r\n2026-11-16T00:00:00Z,GPU-a,700\n2026-11-16T00:01:00Z,GPU-a,800\r\n")
    blank_inside = tmp_path / "blank_inside.csv"  # a blank line before a row shifts its line number
    blank_inside.write_text("ts,gpu_uuid,power_w\n2026-11-16T00:00:00Z,GPU-a,1\n\n2026-11-16T00:01:00Z,GPU-a,2\n\n")
    for path, fast in ((clean, True), (crlf, True), (ragged, False), (blank_end, True), (blank_inside, False),
                       (mixed, False), (tab_end, False)):
        said: list[str] = []
        list(files.read_csv(duckdb.connect(), path, None, progress=said.append))
        assert any("DuckDB's CSV reader" in s for s in said) == fast, (path, said)
        assert _read_as(path, fast=True) == _read_as(path, fast=False)
    assert _read_as(crlf, fast=True)[1] == [(2, "2026-11-16T00:00:00Z", "GPU;a", "700"),
                                           (3, "2026-11-16T00:01:00Z", "GPU-b", "")]
    assert _read_as(blank_end, fast=True)[1] == [(2, "2026-11-16T00:00:00Z", "GPU-a", "700  ")]
    assert [r[0] for r in _read_as(blank_inside, fast=True)[1]] == [2, 4]
    assert [r[0] for r in _read_as(mixed, fast=True)[1]] == [2, 3]


# ---------------------------------------------------------------- OpenMetrics / Prometheus text

GPU_FAMILIES = {  # sample name -> plausible values
    "DCGM_FI_DEV_POWER_USAGE": num(0, 1200), "DCGM_FI_DEV_GPU_TEMP": num(20, 95), "DCGM_FI_DEV_GPU_UTIL": num(0, 100),
    "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE": num(0, 1), "DCGM_FI_DEV_SM_CLOCK": num(0, 2100),
    "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION": num(0, 1e12, True), "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_total": num(0, 1e12, True),
    "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_created": num(1.7e9, 1.8e9), "DCGM_FI_DEV_XID_ERRORS": st.sampled_from(["0", "79"]),
    "DCGM_FI_DEV_FB_USED": num(0, 80000, True),
}
LINK_FAMILIES = {
    "node_network_receive_bytes_total": num(0, 1e15, True), "node_network_transmit_bytes": num(0, 1e15, True),
    "node_network_speed_bytes": st.sampled_from(["1.25e+10", "1.25e+09", "-1", "0"]),
    "node_infiniband_port_data_received_bytes_total": num(0, 1e15, True), "ifHCInOctets": num(0, 1e15, True),
    "ifHCOutOctets_total": num(0, 1e15, True), "ifHighSpeed": st.sampled_from(["100000", "400000", "0"]),
}
OTHER = ["ifType_info", "node_uname_info", "go_goroutines", "x_total"]
GPU_LABELS = st.fixed_dictionaries(
    {"UUID": st.sampled_from(["GPU-a", "GPU-b", "GPU-m", ""]), "gpu": st.sampled_from(["0", "1", "x"])},
    optional={"Hostname": st.sampled_from(["h1", "h2"]), "hostname": st.just("h1"),
              "modelName": st.sampled_from(["NVIDIA B200", "NVIDIA Z900"]), "GPU_I_ID": st.sampled_from(["1", "2"]),
              "GPU_I_PROFILE": st.sampled_from(["1g.23gb", "3g.90gb", "1c.3g.90gb", "7g", ""]),
              "pod": st.sampled_from(["", "trainer-0"]), "gpu_uuid": st.just("GPU-b")})
LINK_LABELS = st.one_of(
    st.fixed_dictionaries({"device": st.sampled_from(["eth0", "lo", "docker0", "mlx5_0", "veth1"])},
                          optional={"instance": st.sampled_from(["n1:9100", "[::1]:9100", "n2"]), "port": st.just("1")}),
    st.fixed_dictionaries({"ifIndex": st.sampled_from(["1", "2", "5001"])},
                          optional={"ifName": st.sampled_from(["Et1", "Lo0", ""]), "ifAlias": st.sampled_from(["up", ""]),
                                    "instance": st.just("sw1")}))
ODD_LABELS = st.dictionaries(st.sampled_from(["a", "nodename", "ifType", "ifIndex", "le"]),
                             st.sampled_from(["", "x\\\"y", "a\\\\b", "new\\nline", "ü🙂", "softwareLoopback", "1"]),
                             max_size=3)
ODD_VALUES = ["NaN", "+Inf", "-Inf", "inf", "Infinity", "abc", "0x10", "1_000", "", "1e400", "1e308", "-3", "12e3", "-0"]
STAMPS_MS = st.integers(0, 10_000).map(lambda m: str(1794787200000 + 60_000 * m))
STAMPS_S = st.integers(0, 10_000).map(lambda m: f"{1794787200 + 60 * m}.5")
ODD_STAMPS = ["1e30", "-1", "inf", "NaN", "abc", "1794787200000000", "0", "1794787200", "1794787200000"]


@st.composite
def exposition_files(draw) -> tuple[bytes, str]:
    suffix = draw(st.sampled_from([".prom", ".prom", ".om", ".metrics"]))
    lines = []
    for _ in range(draw(st.integers(0, 16))):
        kind = draw(st.integers(0, 11))
        if kind <= 8:
            group = GPU_FAMILIES if kind <= 5 else LINK_FAMILIES
            name = draw(st.sampled_from(sorted(group)))
            labels = draw(GPU_LABELS if kind <= 5 else LINK_LABELS)
            value = draw(st.one_of(group[name], group[name], st.sampled_from(ODD_VALUES)))
            if draw(st.integers(0, 9)) == 9:
                name = draw(st.sampled_from(OTHER))
                labels = draw(ODD_LABELS)
            stamp = draw(st.integers(0, 9))
            ts = (None if stamp < 6 else draw(STAMPS_S if suffix == ".om" else STAMPS_MS)
                  if stamp < 9 else draw(st.sampled_from(ODD_STAMPS)))
            body = ",".join(f'{k}="{v}"' for k, v in labels.items())
            line = f"{name}{{{body}}} {value}" + (f" {ts}" if ts else "")
            if draw(st.integers(0, 9)) == 9:
                line += ' # {trace_id="abc"} 1'
            if draw(st.integers(0, 19)) == 19:  # broken: cut somewhere
                line = line[: draw(st.integers(0, len(line)))]
            lines.append(line)
        elif kind <= 10:
            lines.append(draw(st.sampled_from(["# HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).",
                                               "# TYPE DCGM_FI_DEV_POWER_USAGE gauge", "# UNIT x_seconds seconds",
                                               "# TYPE x counter", "# EOF", "", "#", "# random comment"])))
        else:
            lines.append(draw(st.text(max_size=40)))
    text = "\n".join(lines)
    if draw(st.integers(0, 4)) < 4:
        text += "\n"
    if suffix == ".om" and draw(st.integers(0, 3)) < 3:
        text += "# EOF\n"
    data = text.encode("utf-8")
    if draw(st.integers(0, 9)) == 9:
        data = b"\xef\xbb\xbf" + data
    return data, suffix


@PROPERTY
@given(f=exposition_files(), host=st.sampled_from([None, "h9"]), strict=st.integers(0, 4).map(lambda i: i == 4),
       minute=st.integers(0, 600))
def test_openmetrics_reader_properties(store, f, host, strict, minute):
    data, suffix = f
    before = store.snapshot()
    report = store.load(data, suffix, at=T0 + timedelta(minutes=minute), host=host, strict=strict)
    if strict and report.status == "failed":
        assert store.snapshot() == before
