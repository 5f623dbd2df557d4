"""Write a generated fleet (``sample_metrics.generate``) as one OpenMetrics text file with
timestamps, the input of ``promtool tsdb create-blocks-from openmetrics`` (Prometheus back-fill).

Series and names are what the exporters expose:
  GPUs    dcgm-exporter families (DCGM_FI_*), labels gpu, UUID, modelName, Hostname
  links   SNMP (snmp_exporter if_mib: ifHCInOctets, ifHCOutOctets, ifHighSpeed; labels instance,
          job, ifIndex, ifName, ifAlias = the link id) and/or node_exporter
          (node_network_receive_bytes_total, node_network_transmit_bytes_total,
          node_network_speed_bytes; labels instance, job, device)
  meters  facility_power_kw (gauge) and facility_energy_kwh (counter), labels meter, kind
  peaks   optional aifd_gpu_peak_tflops{UUID,precision} and aifd_gpu_max_boost_mhz{UUID} from the
          product's GPU catalog, at every timestamp of the GPU (so PromQL joins never go stale)

OpenMetrics rules that matter here (OpenMetrics 1.0, "Text format"): metric families and the
series inside a family must not be interleaved, a series' samples must have increasing
timestamps, timestamps are in seconds, the file ends with ``# EOF``, and a counter family's
samples carry the ``_total`` suffix. Prometheus 2.42's promtool does not check interleaving but
silently drops a sample older than the one before it in the same series, so order is checked
here. Missing values (no profiling counters) are left out, never written as NaN: promtool would
store a NaN as a value.

``counters="scrape"`` writes the two counters whose exporters expose them without ``_total``
(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION, ifHCInOctets/ifHCOutOctets) as type ``unknown`` under their
exact names: that is what a Prometheus server stores after scraping those exporters' text format.

Memory stays bounded: GPU rows are read in batches from every day file and written in chunks of
GPUs (each chunk holds all days of its GPUs, so a series is written whole), one temporary part
file per family, concatenated at the end.

Usage: python -m sample_metrics.openmetrics FOLDER OUT.om [--counters scrape] [--peaks bf16,fp8]
"""
from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .generate import PROM_METRICS

# (family, type, help, column in gpu_samples, factor); factor 1000 turns J into dcgm's mJ
_DCGM_HELP = {name: help_ for name, _t, help_, _k, _kind in PROM_METRICS}
GPU_FAMILIES: list[tuple[str, str, str, float]] = [
    ("DCGM_FI_DEV_GPU_UTIL", "gauge", "util", 1),
    ("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", "gauge", "tensor_active", 1),
    ("DCGM_FI_PROF_PIPE_FP64_ACTIVE", "gauge", "fp64_active", 1),
    ("DCGM_FI_PROF_SM_ACTIVE", "gauge", "sm_active", 1),
    ("DCGM_FI_DEV_SM_CLOCK", "gauge", "sm_clock_mhz", 1),
    ("DCGM_FI_DEV_POWER_USAGE", "gauge", "power_w", 1),
    ("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "counter", "energy_j", 1000),
    ("DCGM_FI_DEV_GPU_TEMP", "gauge", "temp_c", 1),
    ("DCGM_FI_DEV_XID_ERRORS", "gauge", "xid", 1),
]
GPU_LABELS = ("gpu", "UUID", "modelName", "Hostname")  # as dcgm-exporter names them

METER_POWER = "facility_power_kw"  # gauge, kW
METER_ENERGY = "facility_energy_kwh"  # counter, kWh; samples are facility_energy_kwh_total
PEAK_FAMILY = "aifd_gpu_peak_tflops"
BOOST_FAMILY = "aifd_gpu_max_boost_mhz"
LINK_STYLES = ("snmp", "node")

CHUNK_ROWS = 150_000  # GPU rows per chunk (all days of its GPUs): ~120 MB of Arrow memory
BATCH_ROWS = 65_536  # rows read from a day file at a time
_GPU_COLUMNS = ["ts", "gpu_uuid"] + [c for _f, _t, c, _x in GPU_FAMILIES]


class LinkPort(NamedTuple):
    """Where a link's counters come from: the a-end device and its interface."""

    link_id: str
    host: str
    if_index: int
    if_name: str
    capacity_gbps: float


@dataclass
class OpenMetricsReport:
    path: Path
    samples: dict[str, int] = field(default_factory=dict)  # per sample name (as stored)
    gpu_rows: int = 0
    start: datetime | None = None  # first sample, UTC
    end: datetime | None = None  # last sample, UTC
    bytes: int = 0
    seconds: float = 0.0

    @property
    def total_samples(self) -> int:
        return sum(self.samples.values())

    def summary(self) -> str:
        return (f"{self.path}: {self.total_samples:,} samples ({self.gpu_rows:,} GPU rows) in "
                f"{len(self.samples)} series names, {self.start:%Y-%m-%d %H:%M:%S} to "
                f"{self.end:%Y-%m-%d %H:%M:%S} UTC, {self.bytes / 1e6:,.1f} MB in "
                f"{self.seconds:.1f} s")


# --------------------------------------------------------------------------------------------
# text helpers
# --------------------------------------------------------------------------------------------
def _esc(value: object) -> str:
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(pairs: Iterable[tuple[str, object]]) -> str:
    return "{" + ",".join(f'{k}="{_esc(v)}"' for k, v in pairs) + "}"


def _ts_text(ts: pa.Array) -> pa.Array:
    """Timestamps (timestamp[us]) as OpenMetrics seconds; fractions only where needed."""
    us = pc.cast(ts, pa.int64()).to_numpy(zero_copy_only=False)
    sec, frac = np.divmod(us, 1_000_000)
    text = pc.cast(pa.array(sec), pa.string())
    if frac.any():
        text = pc.binary_join_element_wise(
            text, pc.utf8_lpad(pc.cast(pa.array(frac), pa.string()), 6, "0"), ".")
    return text


def _write_lines(sink, prefix: pa.Array, values: pa.Array, ts_text: pa.Array) -> None:
    """Write `prefix value ts\\n` per row: joined in Arrow, written straight from its buffer."""
    if len(values) == 0:
        return
    lines = pc.binary_join_element_wise(prefix, pc.cast(values, pa.string()), " ", ts_text, "\n", "")
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    off_type = np.int64 if pa.types.is_large_string(lines.type) else np.int32
    offsets = np.frombuffer(lines.buffers()[1], dtype=off_type)
    a, b = int(offsets[lines.offset]), int(offsets[lines.offset + len(lines)])
    sink.write(memoryview(lines.buffers()[2])[a:b])


def _present(col: pa.Array) -> pa.Array:
    """Mask of rows with a value: not null and, for floats, not NaN."""
    mask = pc.is_valid(col)
    if pa.types.is_floating(col.type):
        mask = pc.and_(mask, pc.invert(pc.fill_null(pc.is_nan(col), True)))
    return mask


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise FileNotFoundError(f"{path}: missing (write_openmetrics needs the generator's inventory)")
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _utc(us: int) -> datetime:
    return datetime.fromtimestamp(us / 1e6, tz=timezone.utc)


# --------------------------------------------------------------------------------------------
# inventory-derived labels
# --------------------------------------------------------------------------------------------
def link_ports(folder: str | Path) -> dict[str, LinkPort]:
    """The interface each link is measured on: the a-end device (``site/device`` in links.csv)
    and a port numbered per device in links.csv order (ifIndex 1, 2, ...; ifName Ethernet0, 8, ...)."""
    per_host: dict[str, int] = {}
    out = {}
    for row in _read_csv(Path(folder) / "links.csv"):
        host = row["a_end"].split("/")[-1]
        n = per_host.get(host, 0)
        per_host[host] = n + 1
        out[row["link_id"]] = LinkPort(row["link_id"], host, n + 1, f"Ethernet{8 * n}",
                                       float(row["capacity_gbps"]))
    return out


def _gpu_catalog() -> dict[str, dict[str, str]]:
    from dashboard.config import QUERIES_DIR  # the product's catalog, one source of peaks

    return {r["model"]: r for r in _read_csv(QUERIES_DIR / "reference" / "gpu_models.csv")}


# --------------------------------------------------------------------------------------------
# GPU rows: all days of a range of GPUs at a time
# --------------------------------------------------------------------------------------------
class _DayCursor:
    """Reads one day file in batches; hands out its rows GPU range by GPU range (the generator
    writes rows sorted by GPU in inventory order, then time)."""

    def __init__(self, path: Path, uuids: pa.Array):
        self.path = path
        self.uuids = uuids
        # A day's row group holds ~1 M rows: GPU ids as a dictionary, and no pre-buffering of
        # whole column chunks (measured: reader memory 103 MB -> 16 MB)
        pf = pq.ParquetFile(path, read_dictionary=["gpu_uuid"], pre_buffer=False, buffer_size=1 << 20)
        missing = [c for c in _GPU_COLUMNS if c not in pf.schema_arrow.names]
        if missing:
            raise ValueError(f"{path}: missing columns {', '.join(missing)}")
        self.batches = pf.iter_batches(batch_size=BATCH_ROWS, columns=_GPU_COLUMNS)
        self.buf: pa.Table | None = None
        self.pos: np.ndarray | None = None
        self.row = 0  # rows handed out or buffered before self.buf
        self.last_pos = -1

    def _next(self) -> bool:
        try:
            batch = next(self.batches)
        except StopIteration:
            return False
        ids = batch.column("gpu_uuid")
        if not pa.types.is_dictionary(ids.type):
            ids = ids.dictionary_encode()
        idx = pc.index_in(ids.dictionary, value_set=self.uuids).take(ids.indices)
        if idx.null_count:
            k = pc.index(pc.is_null(idx), True).as_py()
            raise ValueError(f"{self.path}: row {self.row + k + 1}: GPU {ids[k].as_py()} is not in gpus.csv")
        pos = idx.to_numpy().astype(np.int64)
        table = pa.Table.from_batches([batch]).drop_columns(["gpu_uuid"]).append_column("_pos", pa.array(pos))
        step = np.diff(pos, prepend=self.last_pos)
        if (step < 0).any():
            k = int(np.argmax(step < 0))
            raise ValueError(f"{self.path}: row {self.row + k + 1}: rows are not ordered by GPU "
                             f"(gpus.csv order), as the generator writes them")
        self.last_pos = int(pos[-1])
        self.buf, self.pos = table, pos
        return True

    def take(self, pos_end: int) -> list[pa.Table]:
        """Rows of GPUs before inventory position pos_end."""
        pieces = []
        while self.buf is not None or self._next():
            k = int(np.searchsorted(self.pos, pos_end, side="left"))
            if k == len(self.pos):
                pieces.append(self.buf)
                self.row += len(self.pos)
                self.buf = self.pos = None
                continue
            if k:
                pieces.append(self.buf.slice(0, k))
                self.buf, self.pos = self.buf.slice(k), self.pos[k:]
                self.row += k
            break
        return pieces


def _gpu_chunks(folder: Path, uuids: list[str], steps_hint: int) -> Iterator[tuple[pa.Table, np.ndarray]]:
    """(rows sorted by GPU then ts, inventory position per row) for chunks of GPUs; the rows carry
    the position (column _pos) instead of the GPU id."""
    days = sorted(folder.glob("gpu_samples-*.parquet"))
    if not days:
        raise FileNotFoundError(f"{folder}: no gpu_samples-*.parquet files")
    uuid_arr = pa.array(uuids, pa.string())
    cursors = [_DayCursor(p, uuid_arr) for p in days]
    per_chunk = max(1, CHUNK_ROWS // max(1, steps_hint))
    for p0 in range(0, len(uuids), per_chunk):
        p1 = min(len(uuids), p0 + per_chunk)
        pieces = [t for c in cursors for t in c.take(p1)]
        if not pieces:
            continue
        table = pa.concat_tables(pieces)
        pos = table["_pos"].to_numpy()
        ts = pc.cast(table["ts"], pa.int64()).to_numpy()
        order = np.lexsort((ts, pos))  # days were concatenated in date order
        table, pos, ts = table.take(order), pos[order], ts[order]
        same = pos[1:] == pos[:-1]
        bad = np.flatnonzero(same & (ts[1:] <= ts[:-1]))
        if bad.size:
            k = int(bad[0]) + 1
            raise ValueError(f"{folder}: GPU {uuids[pos[k]]} has two samples at or out of order at "
                             f"{_utc(int(ts[k])):%Y-%m-%d %H:%M:%S} UTC (duplicate day files?)")
        yield table, pos
    for c in cursors:
        if c.buf is not None or c._next():
            raise ValueError(f"{c.path}: rows after the last GPU of gpus.csv (not ordered by GPU)")


# --------------------------------------------------------------------------------------------
# main entry
# --------------------------------------------------------------------------------------------
def write_openmetrics(folder: str | Path, out_path: str | Path, *,
                      links: Sequence[str] = LINK_STYLES, meters: bool = True,
                      counters: str = "openmetrics", peak_precisions: Sequence[str] = (),
                      gpu_families: Sequence[str] | None = None,
                      progress: Callable[[str], None] | None = None) -> OpenMetricsReport:
    """Write the fleet in ``folder`` (gpus.csv, links.csv, meters.csv and the per-day Parquet
    files) to ``out_path`` as OpenMetrics; returns the sample counts per series name.

    links: any of "snmp", "node"; counters: "openmetrics" (counter families, ``_total`` samples)
    or "scrape" (names exactly as a scrape of the exporters stores them); peak_precisions: e.g.
    ("bf16",) to add aifd_gpu_peak_tflops and aifd_gpu_max_boost_mhz; gpu_families: write the samples
    of only these DCGM families (e.g. ("DCGM_FI_DEV_POWER_USAGE",)), the others stay empty.
    """
    tic = time.perf_counter()
    folder, out_path = Path(folder), Path(out_path)
    if counters not in ("openmetrics", "scrape"):
        raise ValueError(f"counters must be 'openmetrics' or 'scrape', not {counters!r}")
    bad = set(links) - set(LINK_STYLES)
    if bad:
        raise ValueError(f"links must be among {', '.join(LINK_STYLES)}, not {', '.join(sorted(bad))}")
    say = progress or (lambda msg: None)
    known = {f[0] for f in GPU_FAMILIES}
    if gpu_families is not None and set(gpu_families) - known:
        raise ValueError(f"gpu_families must be among {', '.join(sorted(known))}")
    gpus = _read_csv(folder / "gpus.csv")
    uuids = [g["gpu_uuid"] for g in gpus]
    report = OpenMetricsReport(out_path)
    t_lo, t_hi = [], []

    def counter_family(name: str, help_: str, exact_when_scraped: bool):
        """(family header lines, sample name) for a counter."""
        if counters == "scrape" and exact_when_scraped:
            return [f"# HELP {name} {help_}", f"# TYPE {name} unknown"], name
        return [f"# HELP {name} {help_}", f"# TYPE {name} counter"], f"{name}_total"

    families: list[tuple[list[str], str]] = []  # (header lines, sample name), in file order
    for name, typ, _col, _f in GPU_FAMILIES:
        if typ == "counter":
            families.append(counter_family(name, _DCGM_HELP[name], True))
        else:
            families.append(([f"# HELP {name} {_DCGM_HELP[name]}", f"# TYPE {name} gauge"], name))
    precisions = [p.lower() for p in peak_precisions]
    catalog = _gpu_catalog() if precisions else {}
    for p in precisions:
        if p not in ("fp64", "tf32", "bf16", "fp8", "fp4"):
            raise ValueError(f"unknown precision {p!r}: one of fp64, tf32, bf16, fp8, fp4")
    if precisions:
        families.append(([f"# HELP {PEAK_FAMILY} Dense nameplate peak of the GPU's model at the "
                          "precision (TFLOPS), from the product's GPU catalog.",
                          f"# TYPE {PEAK_FAMILY} gauge"], PEAK_FAMILY))
        families.append(([f"# HELP {BOOST_FAMILY} Maximum boost SM clock of the GPU's model (MHz), "
                          "from the product's GPU catalog.", f"# TYPE {BOOST_FAMILY} gauge"], BOOST_FAMILY))

    parts_dir = Path(tempfile.mkdtemp(prefix=f".{out_path.name}.", dir=out_path.parent))
    try:
        sinks = [open(parts_dir / f"{i:02d}", "wb", buffering=1 << 20) for i in range(len(families))]
        try:
            # ---- GPUs: one label prefix per GPU and family, taken per row
            label_sets = [_labels(zip(GPU_LABELS, (g["gpu_index"], g["gpu_uuid"], g["model"], g["hostname"])))
                          for g in gpus]
            prefixes = [pa.array([f"{fam[1]}{ls} " for ls in label_sets], pa.string()) for fam in families[:9]]
            steps_hint = _steps_per_gpu(folder, len(uuids))
            for table, pos in _gpu_chunks(folder, uuids, steps_hint):
                report.gpu_rows += table.num_rows
                ts_text = _ts_text(table["ts"])
                t_lo.append(pc.min(table["ts"]).value)
                t_hi.append(pc.max(table["ts"]).value)
                pos_arr = pa.array(pos)
                for i, (_name, _typ, col, factor) in enumerate(GPU_FAMILIES):
                    if gpu_families is not None and _name not in gpu_families:
                        continue
                    values = table[col].combine_chunks()
                    if factor != 1:
                        values = pc.multiply(pc.cast(values, pa.int64()), factor)
                    mask = _present(values)
                    v, p, t = (pc.filter(values, mask), pc.filter(pos_arr, mask), pc.filter(ts_text, mask))
                    _write_lines(sinks[i], prefixes[i].take(p), v, t)
                    name = families[i][1]
                    report.samples[name] = report.samples.get(name, 0) + len(v)
                if precisions:
                    _write_peaks(sinks[9], sinks[10], gpus, catalog, precisions, pos, ts_text, report)
                say(f"GPUs {int(pos[0]) + 1:,}-{int(pos[-1]) + 1:,} of {len(uuids):,}: "
                    f"{report.gpu_rows:,} GPU rows")

            # ---- links and meters: a handful of series, read whole
            if links:
                families += _write_links(folder, links, counter_family, parts_dir, report, t_lo, t_hi)
            if meters:
                families += _write_meters(folder, counter_family, parts_dir, report, t_lo, t_hi)
        finally:
            for s in sinks:
                s.close()

        tmp_out = parts_dir / "out"
        with open(tmp_out, "wb", buffering=1 << 20) as out:
            for i, (header, _name) in enumerate(families):
                out.write(("\n".join(header) + "\n").encode())
                with open(parts_dir / f"{i:02d}", "rb") as part:
                    shutil.copyfileobj(part, out, 1 << 22)
            out.write(b"# EOF\n")
        os.replace(tmp_out, out_path)
    finally:
        shutil.rmtree(parts_dir, ignore_errors=True)
    if not t_lo:
        raise ValueError(f"{folder}: no samples to write")
    report.start, report.end = _utc(min(t_lo)), _utc(max(t_hi))
    report.bytes = out_path.stat().st_size
    report.seconds = time.perf_counter() - tic
    say(report.summary())
    return report


def _steps_per_gpu(folder: Path, n_gpus: int) -> int:
    rows = sum(pq.ParquetFile(p).metadata.num_rows for p in folder.glob("gpu_samples-*.parquet"))
    return max(1, rows // max(1, n_gpus))


def _write_peaks(sink_peak, sink_boost, gpus, catalog, precisions, pos, ts_text, report) -> None:
    """Per-GPU constants repeated at the GPU's timestamps, series by series."""
    first = np.flatnonzero(np.diff(pos, prepend=-1))  # start of each GPU's rows
    bounds = list(first) + [len(pos)]
    for j in range(len(first)):
        g = gpus[int(pos[first[j]])]
        m = catalog.get(g["model"])
        if m is None:
            continue  # model not in the catalog: peak unknown, no series
        t = ts_text.slice(bounds[j], bounds[j + 1] - bounds[j])
        n = len(t)
        for p in precisions:
            if m.get(f"{p}_tflops"):
                # pod and rack as an inventory system would label them, so PromQL can group by them
                name = f'{PEAK_FAMILY}{_labels([("UUID", g["gpu_uuid"]), ("precision", p), ("pod", g.get("pod", "")), ("rack", g.get("rack", ""))])} '
                _write_lines(sink_peak, pa.array([name] * n), pa.array([float(m[f"{p}_tflops"])] * n), t)
                report.samples[PEAK_FAMILY] = report.samples.get(PEAK_FAMILY, 0) + n
        if m.get("max_boost_mhz"):
            name = f'{BOOST_FAMILY}{_labels([("UUID", g["gpu_uuid"])])} '
            _write_lines(sink_boost, pa.array([name] * n), pa.array([float(m["max_boost_mhz"])] * n), t)
            report.samples[BOOST_FAMILY] = report.samples.get(BOOST_FAMILY, 0) + n


def _small_table(folder: Path, prefix: str, key: str, order: list[str]) -> pa.Table:
    files = sorted(folder.glob(f"{prefix}-*.parquet"))
    if not files:
        raise FileNotFoundError(f"{folder}: no {prefix}-*.parquet files")
    t = pa.concat_tables([pq.read_table(f) for f in files])
    pos = pc.index_in(t[key], value_set=pa.array(order, pa.string()))
    if pos.null_count:
        bad = pc.filter(t[key], pc.is_null(pos))[0].as_py()
        raise ValueError(f"{folder}/{prefix}-*.parquet: {key} {bad!r} is not in the inventory CSV")
    ts = pc.cast(t["ts"], pa.int64()).to_numpy()
    p = pos.to_numpy()
    idx = np.lexsort((ts, p))
    t = t.take(idx)
    p, ts = p[idx], ts[idx]
    dup = np.flatnonzero((p[1:] == p[:-1]) & (ts[1:] <= ts[:-1]))
    if dup.size:
        k = int(dup[0]) + 1
        raise ValueError(f"{folder}/{prefix}-*.parquet: {order[p[k]]} has two samples at "
                         f"{_utc(int(ts[k])):%Y-%m-%d %H:%M:%S} UTC")
    return t.append_column("_pos", pa.array(p))


def _family_part(parts_dir: Path, header: list[str], sample: str, rows: list[tuple[pa.Array, pa.Array, pa.Array]],
                 report: OpenMetricsReport) -> tuple[list[str], str]:
    """Write one family (list of (prefix, values, ts_text) per series, in order) to a new part."""
    i = len(list(parts_dir.iterdir()))
    with open(parts_dir / f"{i:02d}", "wb", buffering=1 << 20) as sink:
        for prefix, values, ts_text in rows:
            _write_lines(sink, prefix, values, ts_text)
            report.samples[sample] = report.samples.get(sample, 0) + len(values)
    return header, sample


def _series(t: pa.Table, n: int, col: str, label_sets: list[str], sample: str, scale: float | None = None):
    """Per entity (position 0..n-1), (prefix array, values, ts text), skipping missing values."""
    out = []
    pos = t["_pos"].to_numpy()
    for k in range(n):
        sel = np.flatnonzero(pos == k)
        if not sel.size:
            continue
        sub = t.take(sel)
        values = sub[col].combine_chunks()
        if scale is not None:
            values = pc.multiply(pc.cast(values, pa.float64()), scale)
        mask = _present(values)
        v = pc.filter(values, mask)
        ts = pc.filter(_ts_text(sub["ts"].combine_chunks()), mask)
        out.append((pa.array([f"{sample}{label_sets[k]} "] * len(v), pa.string()), v, ts))
    return out


def _write_links(folder, styles, counter_family, parts_dir, report, t_lo, t_hi):
    ports = link_ports(folder)
    order = list(ports)
    t = _small_table(folder, "link_samples", "link_id", order)
    t_lo.append(pc.min(t["ts"]).value)
    t_hi.append(pc.max(t["ts"]).value)
    # speed gauges at every counter timestamp: the capacity column repeated per row
    cap = np.array([ports[order[p]].capacity_gbps for p in t["_pos"].to_numpy()])
    t = t.append_column("_gbps", pa.array(cap))
    fams = []
    for style in styles:
        if style == "snmp":
            ls = [_labels([("instance", ports[l].host), ("job", "snmp"), ("ifIndex", ports[l].if_index),
                           ("ifName", ports[l].if_name), ("ifAlias", l)]) for l in order]
            for name, col, help_ in (("ifHCInOctets", "rx_bytes", "The total number of octets received on "
                                      "the interface, including framing characters (IF-MIB)."),
                                     ("ifHCOutOctets", "tx_bytes", "The total number of octets transmitted "
                                      "out of the interface, including framing characters (IF-MIB).")):
                header, sample = counter_family(name, help_, True)
                fams.append(_family_part(parts_dir, header, sample,
                                         _series(t, len(order), col, ls, sample), report))
            header = ["# HELP ifHighSpeed An estimate of the interface's current bandwidth in units of "
                      "1,000,000 bits per second (IF-MIB).", "# TYPE ifHighSpeed gauge"]
            fams.append(_family_part(parts_dir, header, "ifHighSpeed",
                                     _series(t, len(order), "_gbps", ls, "ifHighSpeed", 1000.0), report))
        else:
            ls = [_labels([("device", ports[l].if_name), ("instance", f"{ports[l].host}:9100"),
                           ("job", "node")]) for l in order]
            for name, col, help_ in (("node_network_receive_bytes", "rx_bytes",
                                      "Network device statistic receive_bytes."),
                                     ("node_network_transmit_bytes", "tx_bytes",
                                      "Network device statistic transmit_bytes.")):
                header, sample = counter_family(name, help_, False)
                fams.append(_family_part(parts_dir, header, sample,
                                         _series(t, len(order), col, ls, sample), report))
            header = ["# HELP node_network_speed_bytes Network device property: speed_bytes",
                      "# TYPE node_network_speed_bytes gauge"]
            fams.append(_family_part(parts_dir, header, "node_network_speed_bytes",
                                     _series(t, len(order), "_gbps", ls, "node_network_speed_bytes", 1e9 / 8),
                                     report))
    return fams


def _write_meters(folder, counter_family, parts_dir, report, t_lo, t_hi):
    rows = _read_csv(folder / "meters.csv")
    order = [r["meter_id"] for r in rows]
    t = _small_table(folder, "meter_samples", "meter_id", order)
    t_lo.append(pc.min(t["ts"]).value)
    t_hi.append(pc.max(t["ts"]).value)
    ls = [_labels([("meter", r["meter_id"]), ("kind", r["kind"])]) for r in rows]
    fams = [_family_part(parts_dir, [f"# HELP {METER_POWER} Power through the meter (kW).",
                                     f"# TYPE {METER_POWER} gauge"], METER_POWER,
                         _series(t, len(order), "power_kw", ls, METER_POWER), report)]
    header, sample = counter_family(METER_ENERGY, "Energy through the meter since it was installed (kWh).",
                                    False)
    fams.append(_family_part(parts_dir, header, sample, _series(t, len(order), "energy_kwh", ls, sample), report))
    return fams


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sample_metrics.openmetrics",
                                 description="Write a generated fleet as OpenMetrics for promtool back-fill.")
    ap.add_argument("folder", help="folder written by sample_metrics.generate")
    ap.add_argument("out", help="OpenMetrics file to write")
    ap.add_argument("--links", default="snmp,node", help="link series: snmp, node or both (comma-separated)")
    ap.add_argument("--no-meters", action="store_true", help="leave out the facility meters")
    ap.add_argument("--counters", choices=("openmetrics", "scrape"), default="openmetrics")
    ap.add_argument("--peaks", default="", help="precisions for aifd_gpu_peak_tflops, e.g. bf16,fp8")
    a = ap.parse_args(argv)
    rep = write_openmetrics(a.folder, a.out, links=[s for s in a.links.split(",") if s],
                            meters=not a.no_meters, counters=a.counters,
                            peak_precisions=[p for p in a.peaks.split(",") if p],
                            progress=lambda m: print(m, file=sys.stderr, flush=True))
    for name, n in rep.samples.items():
        print(f"{name:45s} {n:>14,}")
    print(f"{'total':45s} {rep.total_samples:>14,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
