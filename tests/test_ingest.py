"""File ingest: each format, each kind of bad input, idempotency and atomicity, on real DuckDB files."""
from __future__ import annotations

import gzip
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dashboard.ingest import ensure_reference, load_path
from dashboard.store import connect

from .conftest import write

INVENTORY = """gpu_uuid,hostname,gpu_index,rack,pod,model
GPU-a,node1,0,r1,p1,NVIDIA B200
GPU-b,node1,1,r1,p1,NVIDIA B200
"""

# A file with every kind of bad row the issue names, between good ones.
BAD_SAMPLES = """ts,gpu_uuid,util,tensor_active,power_w,energy_j
2026-11-16T00:00:00Z,GPU-a,50,0.3,700,1000
2026-11-16T00:01:00Z,GPU-a,60,0.4,710,43000
2026-11-16T00:00:00Z,GPU-b,10,oops,300,500
2026-11-16T00:00:00Z,GPU-zzz,10,0.1,300,500
2026-11-16T00:01:00Z,GPU-b,10,0.1,-5,500
2026-11-16T00:01:00Z,GPU-a,60,0.4,710,43000
2026-11-16T00:02:00Z,GPU-a,60
2026-11-16T00:03:00Z,GPU-a,60,40,710,43000
2026-11-16T00:04:00Z,GPU-b,20,0.2,320,20000
"""


def counts(con) -> dict[str, int]:
    tables = ["gpu_samples", "link_samples", "meter_samples", "gpus", "links", "meters", "rejects"]
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables}


def rejects(con, load_id: int) -> list[tuple[int, str]]:
    return con.execute("SELECT line, reason FROM rejects WHERE load_id = ? ORDER BY line", [load_id]).fetchall()


@pytest.fixture
def inv(con, tmp_path):
    r = load_path(con, write(tmp_path / "gpus.csv", INVENTORY))
    assert r.status == "ok", r.summary()
    return con


def test_bad_rows_rejected_with_line_and_reason_good_rows_loaded(inv, tmp_path):
    r = load_path(inv, write(tmp_path / "samples.csv", BAD_SAMPLES))
    assert r.status == "partial"
    d = r.domains[0]
    assert (d.rows_in, d.loaded, d.rejected, d.duplicate) == (9, 3, 6, 0)
    got = dict(rejects(inv, r.load_id))
    assert got[4] == "tensor_active: cannot read oops as double"
    assert got[5].startswith("unknown GPU GPU-zzz: not in the inventory")
    assert got[6] == "negative power -5.0 W"
    assert got[7] == "duplicate of line 3 (same GPU and timestamp)"
    assert got[8] == "expected 6 fields, found 3"
    assert got[9] == "tensor_active 40.0 is outside the ratio 0..1 (percent given?)"
    stored = inv.execute("SELECT g.gpu_uuid, s.ts, s.power_w FROM gpu_samples s JOIN gpus g USING (gpu_id) "
                         "ORDER BY 1, 2").fetchall()
    assert [(u, p) for u, _, p in stored] == [("GPU-a", 700), ("GPU-a", 710), ("GPU-b", 320)]
    assert "rejected line 4 [GPU-b]: tensor_active: cannot read oops as double" in r.summary()


def test_same_file_twice_changes_nothing(inv, tmp_path):
    path = write(tmp_path / "samples.csv", BAD_SAMPLES)
    load_path(inv, path)
    before = counts(inv)
    again = load_path(inv, path)
    assert again.status == "skipped" and "already loaded as load" in again.message
    assert counts(inv) == before
    forced = load_path(inv, path, force=True)  # re-checked row by row: every good row already stored
    assert forced.domains[0].loaded == 0 and forced.domains[0].duplicate == 3
    after = counts(inv)
    assert {k: v for k, v in after.items() if k != "rejects"} == {k: v for k, v in before.items() if k != "rejects"}


def test_a_decimal_comma_is_rejected_with_a_hint(inv, tmp_path):
    """A spreadsheet saved in a German locale: semicolons between fields, commas in numbers."""
    r = load_path(inv, write(tmp_path / "de.csv", "ts;gpu_uuid;util;power_w;xid\n"
                                                  "2026-11-16T00:00:00Z;GPU-a;50,5;700;0\n"
                                                  "2026-11-16T00:01:00Z;GPU-a;60;abc;1,5\n"))
    assert r.status == "partial" and r.domains[0].loaded == 0
    got = dict(rejects(inv, r.load_id))
    assert got[2] == "util: cannot read 50,5 as double (a decimal comma? write it with a point: 50.5)"
    assert got[3] == ("power_w: cannot read abc as double; "
                      "xid: cannot read 1,5 as integer (a decimal comma? write it with a point: 1.5)")


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_file_whose_every_timestamp_is_in_milliseconds_rejects_each_row(inv, tmp_path, fmt):
    """Epoch milliseconds read as seconds land in year 58844: every row is rejected saying so.
    Before, such a file failed as a whole on an error of the loader's own (its range held a year
    Python cannot represent)."""
    ms = [1794787200000, 1794787260000]
    if fmt == "csv":
        path = write(tmp_path / "ms.csv", "ts,gpu_uuid,util\n" + "".join(f"{t},GPU-a,50\n" for t in ms))
    else:
        path = tmp_path / "ms.parquet"
        pq.write_table(pa.table({"ts": pa.array(ms, pa.int64()), "gpu_uuid": ["GPU-a"] * 2, "util": [50.0] * 2}), path)
    before = counts(inv)
    r = load_path(inv, path)
    assert r.status == "partial" and not r.unexpected, r.summary()
    assert (r.domains[0].loaded, r.domains[0].rejected) == (0, 2)
    reasons = [reason for _, reason in rejects(inv, r.load_id)]
    assert reasons == ["timestamp 58844-07-17 00:00:00 is outside 2000..2099 (milliseconds given as seconds?)",
                       "timestamp 58844-07-17 16:40:00 is outside 2000..2099 (milliseconds given as seconds?)"]
    assert {k: v for k, v in counts(inv).items() if k != "rejects"} == \
        {k: v for k, v in before.items() if k != "rejects"}


@pytest.mark.parametrize("content, message", [
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xff\xfe",
     "not UTF-8 text at line 1 (byte 0xFF: invalid start byte): a ZIP archive, such as an Excel workbook"),
    (b"gpu_uuid,hostname,model\nGPU-a,n1,NVIDIA B200\n" * 3000 + b"GPU-\xfc,n1,NVIDIA B200\n",
     "not UTF-8 text at line 6001 (byte 0xFC: invalid start byte); if it was saved as Windows-1252 or Latin-1"),
])
def test_a_file_that_is_not_utf8_says_where_and_what_it_likely_is(inv, tmp_path, content, message):
    path = tmp_path / "inventory.csv"
    path.write_bytes(content)
    before = counts(inv)
    r = load_path(inv, path)
    assert r.status == "failed" and r.message.startswith(f"{path}: {message}"), r.message
    assert counts(inv) == before


def test_utf16_text_loads_as_its_content(con, tmp_path):
    """Excel's 'Unicode Text' (UTF-16 LE with a byte-order mark, tab-separated, CR LF) and a scrape
    saved by Windows PowerShell's `>` (UTF-16 too) load as the same text in UTF-8 would; a loaded file
    is skipped by its own SHA-256; a gzip of one loads too."""
    tsv = INVENTORY.replace(",", "\t").replace("\n", "\r\n")
    (tmp_path / "gpus.txt").write_bytes(b"\xff\xfe" + tsv.encode("utf-16-le"))
    r = load_path(con, tmp_path / "gpus.txt")
    assert r.status == "ok" and r.domains[0].loaded == 2, r.summary()
    assert con.execute("SELECT gpu_uuid, hostname, gpu_index, rack, model FROM gpus ORDER BY 1").fetchall() == \
        [("GPU-a", "node1", 0, "r1", "NVIDIA B200"), ("GPU-b", "node1", 1, "r1", "NVIDIA B200")]
    assert load_path(con, tmp_path / "gpus.txt").status == "skipped"
    scrape = tmp_path / "scrape.prom"
    text = SCRAPE.split("DCGM_FI_DEV_FB_USED")[0]
    scrape.write_bytes(b"\xfe\xff" + text.replace("\n", "\r\n").encode("utf-16-be"))
    r = load_path(con, scrape, at=datetime(2026, 11, 16, 12))
    assert r.status == "ok" and r.format == "openmetrics", r.summary()
    assert con.execute("SELECT power_w FROM gpu_samples s JOIN gpus g USING (gpu_id) "
                       "WHERE gpu_uuid = 'GPU-s0'").fetchall() == [(812.5,)]
    more = INVENTORY.replace("GPU-a", "GPU-c").replace("GPU-b", "GPU-d")
    with gzip.open(tmp_path / "more.csv.gz", "wb") as f:
        f.write(more.encode("utf-16"))
    r = load_path(con, tmp_path / "more.csv.gz")
    assert r.status == "ok" and r.domains[0].loaded == 2, r.summary()


def test_a_cut_utf16_file_fails_whole_and_names_itself(inv, tmp_path):
    path = tmp_path / "gpus.txt"
    path.write_bytes(("gpu_uuid\thostname\r\nGPU-z\tn1\r\n".encode("utf-16"))[:-1])  # odd byte count
    before = counts(inv)
    r = load_path(inv, path)
    assert r.status == "failed", r.summary()
    assert r.message == f"{path}: starts with a UTF-16 byte-order mark but is not UTF-16 text (truncated data); " \
                        "nothing stored"
    assert counts(inv) == before


def test_a_load_times_its_steps(inv, tmp_path):
    """`aifd bench` prints where a load's time goes from these: every step of a GPU load is timed,
    and the derived tables' parts lie inside their step."""
    d = load_path(inv, write(tmp_path / "samples.csv", BAD_SAMPLES)).domains[0]
    assert set(d.seconds) == {"check", "store", "derived", "derived: rollups", "derived: runs"}
    assert all(v > 0 for v in d.seconds.values())
    assert d.seconds["derived: rollups"] + d.seconds["derived: runs"] <= d.seconds["derived"]
    inventory = load_path(inv, write(tmp_path / "gpus2.csv", INVENTORY + "GPU-c,node2,0,r2,p1,NVIDIA B200\n"))
    assert set(inventory.domains[0].seconds) == {"check", "store"}  # a new GPU: nothing derived to rebuild


def test_overlapping_file_adds_only_new_rows(inv, tmp_path):
    load_path(inv, write(tmp_path / "a.csv", "ts,gpu_uuid,util\n2026-11-16T00:00:00Z,GPU-a,1\n2026-11-16T00:01:00Z,GPU-a,2\n"))
    r = load_path(inv, write(tmp_path / "b.csv", "ts,gpu_uuid,util\n2026-11-16T00:01:00Z,GPU-a,9\n2026-11-16T00:02:00Z,GPU-a,3\n"))
    d = r.domains[0]
    assert (d.loaded, d.duplicate) == (1, 1)
    # first write wins: the stored sample is not overwritten by a later file
    assert inv.execute("SELECT util FROM gpu_samples ORDER BY ts").fetchall() == [(1,), (2,), (3,)]


def test_out_of_order_samples_are_accepted_and_sorted(inv, tmp_path):
    r = load_path(inv, write(tmp_path / "s.csv", "ts,gpu_uuid,util\n2026-11-16T00:02:00Z,GPU-a,3\n"
                                                  "2026-11-16T00:00:00Z,GPU-a,1\n2026-11-16T00:01:00Z,GPU-a,2\n"))
    assert r.status == "ok"
    assert inv.execute("SELECT util FROM gpu_samples ORDER BY ts").fetchall() == [(1,), (2,), (3,)]


def test_timestamps_are_utc_whatever_the_offset(inv, tmp_path):
    load_path(inv, write(tmp_path / "s.csv", "ts,gpu_uuid,util\n2026-11-16T01:00:00+01:00,GPU-a,1\n"
                                              "1794787260,GPU-b,2\n2026-11-16 00:02:00,GPU-a,3\n"))
    got = inv.execute("SELECT ts FROM gpu_samples ORDER BY ts").fetchall()
    assert [t for (t,) in got] == [datetime(2026, 11, 16, 0, 0), datetime(2026, 11, 16, 0, 1),
                                  datetime(2026, 11, 16, 0, 2)]


def test_unit_suffixes_convert_and_unknown_units_refuse_the_file(inv, tmp_path):
    r = load_path(inv, write(tmp_path / "mj.csv", "ts,gpu_uuid,energy_mj,power_kw\n2026-11-16T00:00:00Z,GPU-a,5000,0.7\n"))
    assert r.status == "ok"
    assert inv.execute("SELECT energy_j, power_w FROM gpu_samples").fetchall() == [(5.0, 700.0)]
    before = counts(inv)
    bad = load_path(inv, write(tmp_path / "btu.csv", "ts,gpu_uuid,util,power_btu\n2026-11-16T00:05:00Z,GPU-a,5,1\n"))
    assert bad.status == "failed"
    assert "column 'power_btu' has a unit we do not know" in bad.message and "power_w" in bad.message
    assert counts(inv) == before


def test_implausible_values_name_the_likely_unit_mistake(inv, tmp_path):
    r = load_path(inv, write(tmp_path / "s.csv", "ts,gpu_uuid,power_w,util\n2026-11-16T00:00:00Z,GPU-a,700000,5\n"
                                                 "2026-11-16T00:01:00Z,GPU-a,700,250\n"
                                                 "1794787260000,GPU-a,700,5\n"))
    reasons = [reason for _, reason in rejects(inv, r.load_id)]
    assert "mW given as W?" in reasons[0]
    assert reasons[1] == "util 250.0 is outside 0..100 %"
    assert "milliseconds given as seconds?" in reasons[2]


def test_unknown_model_is_stored_and_flagged_not_dropped(con, tmp_path):
    r = load_path(con, write(tmp_path / "s.csv", "ts,UUID,Hostname,modelName,util\n"
                                                 "2026-11-16T00:00:00Z,GPU-new,host9,NVIDIA Z900,55\n"))
    assert r.status == "ok" and r.domains[0].registered == 1
    assert con.execute("SELECT g.model, m.model IS NULL FROM gpus g LEFT JOIN gpu_models m USING (model)").fetchall() \
        == [("NVIDIA Z900", True)]
    assert con.execute("SELECT count(*) FROM gpu_samples").fetchall() == [(1,)]


def test_truncated_csv_rejects_the_cut_line_only(inv, tmp_path):
    path = write(tmp_path / "s.csv", "ts,gpu_uuid,util,power_w\n2026-11-16T00:00:00Z,GPU-a,5,700\n2026-11-16T00:01:00Z,GPU-a,5")
    r = load_path(inv, path)
    assert r.domains[0].loaded == 1
    assert rejects(inv, r.load_id) == [(3, "truncated last line: expected 4 fields, found 3")]


@pytest.mark.parametrize("content, message", [
    (b"", "empty file"),
    (b"\xc3\x28garbage,\xff\n", "not UTF-8"),
    (b"\xff\xfe\x00garbage,\xff\n", "starts with a UTF-16 byte-order mark but is not UTF-16 text (truncated data)"),
    (b"foo,bar\n1,2\n", "cannot tell what these columns hold"),
    (b"ts,gpu_uuid,util,util\n", "header repeats a column name"),
    (b"uuid, name, pci.bus_id\nGPU-a, NVIDIA B200, 00000000:1B:00.0\n",
     "cannot tell what these columns hold: uuid, name, pci.bus_id. This looks like `nvidia-smi --query-gpu` output"),
])
def test_unreadable_files_fail_whole_and_change_nothing(inv, tmp_path, content, message):
    before = counts(inv)
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    r = load_path(inv, path)
    assert r.status == "failed" and message in r.message and str(path) in r.message
    assert counts(inv) == before
    assert inv.execute("SELECT status FROM ingest_log WHERE load_id = ?", [r.load_id]).fetchall() == [("failed",)]


def test_strict_load_is_atomic(inv, tmp_path):
    before = counts(inv)
    r = load_path(inv, write(tmp_path / "s.csv", BAD_SAMPLES), strict=True)
    assert r.status == "failed" and "--strict" in r.message
    assert counts(inv) == before


def test_failure_after_rows_were_staged_rolls_back_everything(con, tmp_path):
    """A scrape registers GPUs and inserts samples, then fails (strict): no GPU, no sample stays."""
    scrape = ('DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="GPU-x",modelName="NVIDIA B200",Hostname="h1"} 500\n'
              'DCGM_FI_DEV_POWER_USAGE{gpu="1",UUID="GPU-y",modelName="NVIDIA B200",Hostname="h1"} -1\n')
    r = load_path(con, write(tmp_path / "m.prom", scrape), at=datetime(2026, 11, 16), strict=True)
    assert r.status == "failed"
    assert counts(con)["gpus"] == 0 and counts(con)["gpu_samples"] == 0


def test_truncated_parquet_fails_cleanly(inv, tmp_path):
    table = pa.table({"ts": pa.array([datetime(2026, 11, 16)], pa.timestamp("us", tz="UTC")),
                      "gpu_uuid": ["GPU-a"], "util": pa.array([5.0], pa.float32())})
    path = tmp_path / "s.parquet"
    pq.write_table(table, path)
    path.write_bytes(path.read_bytes()[:-20])
    before = counts(inv)
    r = load_path(inv, path)
    assert r.status == "failed" and "cannot read as Parquet" in r.message
    assert counts(inv) == before


def test_parquet_rejects_name_the_row(inv, tmp_path):
    table = pa.table({"ts": pa.array([datetime(2026, 11, 16), datetime(2026, 11, 16, 0, 1)], pa.timestamp("us", tz="UTC")),
                      "gpu_uuid": ["GPU-a", "GPU-a"], "power_w": pa.array([700, -3], pa.float32())})
    path = tmp_path / "s.parquet"
    pq.write_table(table, path)
    r = load_path(inv, path)
    assert r.domains[0].loaded == 1 and rejects(inv, r.load_id) == [(2, "negative power -3.0 W")]


def _parquet(path, rows):
    pq.write_table(pa.table({
        "ts": pa.array([r[0] for r in rows], pa.timestamp("us", tz="UTC")), "gpu_uuid": [r[1] for r in rows],
        "power_w": pa.array([r[2] for r in rows], pa.float32()),
        "energy_j": pa.array([r[3] for r in rows], pa.int64())}), path)
    return path


def test_a_file_of_repeated_samples_is_made_again_with_the_line_by_line_check(inv, tmp_path):
    """A load of files leaves repeated timestamps to the derived tables' ordered pass; when that pass
    finds one, the load is undone and made again with the check that names each repeat's line."""
    said: list[str] = []
    t = [datetime(2026, 11, 16, 0, m) for m in range(4)]
    clean = load_path(inv, _parquet(tmp_path / "a.parquet", [(t[0], "GPU-a", 700, 1000), (t[1], "GPU-a", 710, 43000)]),
                      progress=said.append)
    assert clean.status == "ok" and not any("repeated" in s for s in said)
    # other GPUs at the same times: nothing repeats, nothing is checked twice
    other = load_path(inv, _parquet(tmp_path / "b.parquet", [(t[0], "GPU-b", 300, 10), (t[1], "GPU-b", 310, 9000)]),
                      progress=said.append)
    assert other.domains[0].loaded == 2 and not any("repeated" in s for s in said)
    r = load_path(inv, _parquet(tmp_path / "c.parquet", [(t[2], "GPU-a", 720, 80000), (t[3], "GPU-a", 730, 120000),
                                                        (t[2], "GPU-a", 720, 80000)]), progress=said.append)
    assert any("repeated samples" in s for s in said)
    d = r.domains[0]
    assert (d.loaded, d.rejected, d.duplicate) == (2, 1, 0)
    assert rejects(inv, r.load_id) == [(3, "duplicate of line 1 (same GPU and timestamp)")]
    # the undone first attempt left nothing behind: each sample once, the hour's energy counted once
    assert inv.execute("SELECT count(*), count(DISTINCT (gpu_id, ts)) FROM gpu_samples").fetchall()[0] == (6, 6)
    assert inv.execute("SELECT sum(n), sum(energy_j) FROM gpu_hourly").fetchall()[0] == (6, 42000 + 37000 + 40000 + 8990)
    # a forced reload of stored rows: counted as already stored, found by the same check, which
    # the load runs itself (the stored rows are seen before anything is inserted): one attempt
    said.clear()
    again = load_path(inv, tmp_path / "c.parquet", force=True, progress=said.append)
    assert (again.domains[0].loaded, again.domains[0].rejected, again.domains[0].duplicate) == (0, 1, 2)
    assert not any("repeated" in s for s in said)
    # an overlapping re-export: its new rows stored, its old ones counted, in one attempt
    overlap = load_path(inv, _parquet(tmp_path / "d.parquet", [(t[3], "GPU-a", 730, 120000),
                                                              (datetime(2026, 11, 16, 0, 4), "GPU-a", 740, 160000)]),
                        progress=said.append)
    assert (overlap.domains[0].loaded, overlap.domains[0].duplicate) == (1, 1)
    assert not any("repeated" in s for s in said)


SCRAPE = """# HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).
# TYPE DCGM_FI_DEV_POWER_USAGE gauge
DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="GPU-s0",pci_bus_id="00000000:1B:00.0",device="nvidia0",modelName="NVIDIA B200",Hostname="dgx-1",DCGM_FI_DRIVER_VERSION="580.65.06"} 812.5
DCGM_FI_DEV_POWER_USAGE{gpu="1",UUID="GPU-s1",pci_bus_id="00000000:43:00.0",device="nvidia1",modelName="NVIDIA B200",Hostname="dgx-1",DCGM_FI_DRIVER_VERSION="580.65.06"} 640
# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter
DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu="0",UUID="GPU-s0",modelName="NVIDIA B200",Hostname="dgx-1"} 123456789
DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{gpu="0",UUID="GPU-s0",modelName="NVIDIA B200",Hostname="dgx-1"} 0.42
DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-s0"} 1024
DCGM_FI_DEV_GPU_TEMP{gpu="2",modelName="NVIDIA B200",Hostname="dgx-1"} 40
DCGM_FI_DEV_GPU_TEMP{gpu="0",UUID="GPU-s0",modelName="NVIDIA B200",Hostname="dgx-1"} 61 oops
DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="GPU-s0",pci_bus_id="00000000:1B:00.0",device="nvidia0",modelName="NVIDIA B200",Hostname="dgx-1",DCGM_FI_DRIVER_VERSION="580.65.06"} 813
"""


def test_dcgm_scrape_registers_gpus_and_converts_units(con, tmp_path):
    at = datetime(2026, 11, 16, 12, 0)
    r = load_path(con, write(tmp_path / "scrape.prom", SCRAPE), at=at)
    assert r.status == "partial", r.summary()
    d = r.domains[0]
    assert d.registered == 2 and d.loaded == 2
    rows = con.execute("SELECT g.gpu_uuid, g.hostname, g.gpu_index, g.model, s.ts, s.power_w, s.energy_j, s.tensor_active "
                       "FROM gpu_samples s JOIN gpus g USING (gpu_id) ORDER BY 1").fetchall()
    assert rows[0][:5] == ("GPU-s0", "dgx-1", 0, "NVIDIA B200", at)
    assert rows[0][5] == 812.5 and rows[0][6] == pytest.approx(123456.789) and rows[0][7] == pytest.approx(0.42)
    got = dict(rejects(con, r.load_id))
    assert got[9] == "no GPU identity: the series has no UUID label"
    assert got[10] == "DCGM_FI_DEV_GPU_TEMP: cannot read timestamp 'oops' (Unix time in milliseconds)"
    assert got[11] == "duplicate series (first at line 3)"
    assert "--at 2026-11-16 12:00:00 UTC" in r.summary()
    assert "DCGM_FI_DEV_FB_USED" in r.summary()


def test_scrape_without_at_says_which_time_it_used(con, tmp_path):
    r = load_path(con, write(tmp_path / "scrape.prom", SCRAPE.split("DCGM_FI_DEV_FB_USED")[0]))
    assert "the file's modification time" in r.summary()


def test_mig_scrape_counts_power_once_per_gpu(con, tmp_path):
    lines = []
    for inst, act in ((1, 0.2), (2, 0.6)):
        labels = f'gpu="0",UUID="GPU-m",modelName="NVIDIA B200",Hostname="h",GPU_I_PROFILE="3g.90gb",GPU_I_ID="{inst}"'
        lines += [f"DCGM_FI_DEV_POWER_USAGE{{{labels}}} 900", f"DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{{{labels}}} {act}"]
    r = load_path(con, write(tmp_path / "mig.prom", "\n".join(lines) + "\n"), at=datetime(2026, 11, 16))
    assert r.status == "ok" and "MIG instances found on 1 GPU:" in r.summary() and "1 of 1 GPU weighted" in r.summary()
    # two 3g instances of a B200's 7 slices: (0.2 × 3 + 0.6 × 3) / 7; one slice held by none counts as idle
    assert con.execute("SELECT power_w, tensor_active FROM gpu_samples").fetchall() == \
        [(900.0, pytest.approx(2.4 / 7, rel=1e-6))]


def test_node_exporter_counters_become_link_samples(con, tmp_path):
    text = ('node_network_receive_bytes_total{device="eth0",instance="edge-1"} 1.5e+12 1794787200000\n'
            'node_network_transmit_bytes_total{device="eth0",instance="edge-1"} 7e+11 1794787200000\n'
            'node_network_speed_bytes{device="eth0",instance="edge-1"} 1.25e+10 1794787200000\n')
    r = load_path(con, write(tmp_path / "node.prom", text))
    assert r.status == "ok", r.summary()
    assert con.execute("SELECT link_name, capacity_gbps FROM links").fetchall() == [("edge-1/eth0", 100.0)]
    assert con.execute("SELECT ts, rx_bytes, tx_bytes FROM link_samples").fetchall() == \
        [(datetime(2026, 11, 16, 0, 0), 1_500_000_000_000, 700_000_000_000)]


def test_inventory_reload_updates_changed_entries_only(con, tmp_path):
    load_path(con, write(tmp_path / "g1.csv", INVENTORY))
    r = load_path(con, write(tmp_path / "g2.csv", INVENTORY.replace("GPU-b,node1,1,r1", "GPU-b,node1,1,r7")))
    d = r.domains[0]
    assert (d.loaded, d.updated, d.duplicate) == (0, 1, 1)
    assert con.execute("SELECT rack FROM gpus WHERE gpu_uuid = 'GPU-b'").fetchall() == [("r7",)]


def test_meters_need_a_known_kind_and_samples_a_known_meter(con, tmp_path):
    r = load_path(con, write(tmp_path / "meters.csv", "meter_id,kind,description\nm1,facility,site\nm2,solar,roof\n"))
    assert rejects(con, r.load_id) == [(3, "meter kind 'solar' is not one of facility, it, cooling, renewable, reuse")]
    r = load_path(con, write(tmp_path / "ms.csv", "ts,meter_id,power_kw,energy_kwh\n2026-11-16T00:00:00Z,m1,900,10\n"
                                                  "2026-11-16T00:00:00Z,m9,900,10\n"))
    assert r.domains[0].loaded == 1
    assert rejects(con, r.load_id)[0][1].startswith("unknown meter m9")


def test_folder_load_puts_inventory_before_telemetry(con, tmp_path):
    write(tmp_path / "a_samples.csv", "ts,gpu_uuid,util\n2026-11-16T00:00:00Z,GPU-a,5\n")
    write(tmp_path / "z_gpus.csv", INVENTORY)
    from dashboard.ingest import load_paths

    reports = list(load_paths(con, [tmp_path]))
    assert [r.domains[0].domain for r in reports] == ["gpus", "gpu_samples"]
    assert all(r.status == "ok" for r in reports)


def test_migrations_are_recorded_and_reapplying_is_a_no_op(db_path):
    c = connect(db_path)
    versions = c.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
    c.close()
    c = connect(db_path)
    assert c.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall() == versions
    assert c.execute("SELECT count(*) FROM gpu_models").fetchall()[0][0] == 0  # the store loads no data
    ensure_reference(c)
    assert c.execute("SELECT count(*) FROM gpu_models").fetchall()[0][0] >= 7


def test_shipped_bad_example_loads_good_rows_and_rejects_the_rest(sample_copy):
    """The README's walkthrough: malformed line, unknown GPU, negative power, duplicate, percent as ratio."""
    from dashboard.config import REPO_ROOT

    con = connect(sample_copy)
    path = REPO_ROOT / "sample_metrics" / "examples" / "bad_gpu_samples.csv"
    before = counts(con)
    r = load_path(con, path)
    d = r.domains[0]
    assert (d.rows_in, d.loaded, d.rejected) == (8, 3, 5)
    reasons = [reason for _, reason in rejects(con, r.load_id)]
    assert reasons[0] == "expected 8 fields, found 5"
    assert reasons[1].startswith("unknown GPU GPU-00000000-dead-beef")
    assert reasons[2] == "negative power -220.0 W"
    assert reasons[3] == "duplicate of line 3 (same GPU and timestamp)"
    assert counts(con)["gpu_samples"] == before["gpu_samples"] + 3
    assert load_path(con, path).status == "skipped"
    assert counts(con)["gpu_samples"] == before["gpu_samples"] + 3


def test_migration_015_gives_a_stored_catalog_the_mig_user_guide_slices(db_path):
    c = connect(db_path)
    ensure_reference(c)
    # as a store made before 015: no column; a site's own model stays without a count
    c.execute("ALTER TABLE gpu_models DROP COLUMN mig_slices")
    c.execute("INSERT INTO gpu_models (model, source, bf16_tflops) VALUES ('Site GPU', 'own', 100)")
    c.execute("DELETE FROM schema_migrations WHERE version = 15")
    c.close()
    c = connect(db_path)
    got = dict(c.execute("SELECT model, mig_slices FROM gpu_models").fetchall())
    c.close()
    assert got["NVIDIA H100 80GB HBM3"] == got["NVIDIA B200"] == got["NVIDIA GB200"] == got["NVIDIA H200"] == 7
    assert got["NVIDIA RTX PRO 6000 Blackwell Server Edition"] == 4
    assert got["Site GPU"] is None and got["NVIDIA B300"] is None


def test_read_only_open_of_an_older_database_applies_new_migrations(db_path):
    c = connect(db_path)
    latest = c.execute("SELECT max(version) FROM schema_migrations").fetchall()[0][0]
    c.execute("DELETE FROM schema_migrations WHERE version = ?", [latest])  # as if made before it
    c.close()
    ro = connect(db_path, read_only=True)
    assert ro.execute("SELECT max(version) FROM schema_migrations").fetchall()[0][0] == latest
    ro.close()


def test_folder_load_finds_sboms_but_not_other_json(con, tmp_path):
    import shutil

    from dashboard.config import REPO_ROOT
    from dashboard.ingest.loader import expand

    shutil.copy(REPO_ROOT / "sample_metrics" / "sbom" / "edge-inference-node.cdx.json", tmp_path / "node.json")
    write(tmp_path / "manifest.json", '{"generator": "x"}')
    assert [p.name for p in expand(con, [tmp_path])] == ["node.json"]


def test_a_timestamp_beyond_any_year_beside_stored_samples_is_rejected_not_a_crash(inv, tmp_path):
    """The look for stored samples in a file's range must not carry a staged time Python cannot
    hold (epoch milliseconds read as seconds: year 33658) out of DuckDB: such a row is only rejected."""
    assert load_path(inv, write(tmp_path / "a.csv", "ts,gpu_uuid,power_w\n2026-11-16T00:00:00Z,GPU-a,700\n")).status == "ok"
    r = load_path(inv, write(tmp_path / "b.csv", "ts,gpu_uuid,power_w\n2026-11-16T00:00:00Z,GPU-a,700\n"
                                                 "1000000000000,GPU-a,1\n2500-01-01T00:00:00Z,GPU-a,2\n"))
    assert r.status == "partial" and not r.unexpected, r.summary()
    d = r.domains[0]
    assert (d.loaded, d.rejected, d.duplicate) == (0, 2, 1)
    assert [line for line, _ in rejects(inv, r.load_id)] == [3, 4]


def test_gzip_files_load_as_their_content(inv, tmp_path):
    """Exports are often gzipped: a .csv.gz or .prom.gz loads as the file inside would, keeps the
    SHA-256 of the file as given (the same .gz twice changes nothing), names the .gz in messages,
    and a cut archive fails whole."""
    import gzip
    import os

    from dashboard.ingest import load_paths

    text = "ts,gpu_uuid,util,power_w\n2026-11-16T00:00:00Z,GPU-a,5,700\n2026-11-16T00:01:00Z,GPU-a,6,710\n"
    gz = tmp_path / "s.csv.gz"
    gz.write_bytes(gzip.compress(text.encode()))
    r = load_path(inv, gz)
    assert (r.status, r.format, r.source, r.domains[0].loaded) == ("ok", "csv", str(gz), 2), r.summary()
    from dashboard.ingest import files

    real_gunzipped = files.gunzipped
    files.gunzipped = None  # an archive already loaded is skipped without being decompressed
    try:
        again = load_path(inv, gz)
    finally:
        files.gunzipped = real_gunzipped
    assert (again.status, again.format) == ("skipped", "csv"), again.summary()
    assert load_path(inv, write(tmp_path / "s.csv", text)).domains[0].duplicate == 2  # the same rows, stored once
    before = counts(inv)
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(gz.read_bytes()[:-12])
    r = load_path(inv, cut)
    assert r.status == "failed" and r.message.startswith(f"{cut}: not a readable gzip file"), r.message
    bad = tmp_path / "bad.csv.gz"
    bad.write_bytes(gzip.compress(b"ts,gpu_uuid,util,util\n"))
    r = load_path(inv, bad)
    assert r.status == "failed" and r.message.startswith(f"{bad}: header repeats a column name"), r.message
    assert counts(inv) == before
    # a scrape without timestamps: its samples get the .gz file's modification time
    scrape = tmp_path / "node.prom.gz"
    scrape.write_bytes(gzip.compress(b'# TYPE DCGM_FI_DEV_GPU_UTIL gauge\n'
                                     b'DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-b",Hostname="node1"} 42\n'))
    os.utime(scrape, (1794787200, 1794787200))  # 2026-11-16 00:00:00 UTC
    r = load_path(inv, scrape)
    assert r.status == "ok" and r.stamped_at == datetime(2026, 11, 16), r.summary()
    assert load_path(inv, scrape).status == "skipped"
    os.utime(scrape, (1794787260, 1794787260))  # the same scrape taken a minute later: other samples
    r = load_path(inv, scrape)
    assert r.status == "ok" and r.stamped_at == datetime(2026, 11, 16, 0, 1) and r.domains[0].loaded == 1
    # a folder: the gzipped inventory before the gzipped samples that need it
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "a_samples.csv.gz").write_bytes(gzip.compress(
        b"ts,gpu_uuid,util\n2026-11-16T00:00:00Z,GPU-new,50\n"))
    (folder / "gpus.csv.gz").write_bytes(gzip.compress(b"gpu_uuid,hostname,model\nGPU-new,node9,NVIDIA B200\n"))
    reports = list(load_paths(inv, [folder]))
    assert [Path(x.source).name for x in reports] == ["gpus.csv.gz", "a_samples.csv.gz"]
    assert all(x.status == "ok" for x in reports), [x.summary() for x in reports]
