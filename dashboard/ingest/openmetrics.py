"""Prometheus text exposition and OpenMetrics files, e.g. what ``curl host:9400/metrics`` returns.

dcgm-exporter series become GPU samples (registering GPUs from their UUID, modelName and
Hostname labels); node_exporter and SNMP interface counters become link samples. Scrapes usually
carry no timestamps: the sample time is then ``at`` (``--at``) or, failing that, the file's
modification time, and the report says which was used.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

import duckdb
import pyarrow as pa

from .domains import GPU_SAMPLES, LINK_SAMPLES, METER_SAMPLES
from .files import Staged
from .staging import FileError

_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+(\S+))?\s*$")
_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)')

GPU_METRICS = {k.upper(): v for k, v in GPU_SAMPLES.aliases.items() if k.startswith("dcgm_fi_")}
# Under MIG these repeat the whole GPU's value in every instance's series (dcgm-exporter #257).
DEVICE_LEVEL = {"util", "sm_clock_mhz", "power_w", "energy_j", "temp_c", "xid"}
LINK_COUNTERS = {
    "node_network_receive_bytes_total": "rx_bytes", "node_network_transmit_bytes_total": "tx_bytes",
    "node_infiniband_port_data_received_bytes_total": "rx_bytes",
    "node_infiniband_port_data_transmitted_bytes_total": "tx_bytes",
    "ifHCInOctets": "rx_bytes", "ifHCOutOctets": "tx_bytes",
}
LINK_SPEED = {"node_network_speed_bytes": 8e-9, "ifHighSpeed": 1e-3}  # -> Gbit/s


def _labels(text: str, lineno: int) -> dict[str, str]:
    out, pos = {}, 0
    text = text.strip()
    while pos < len(text):
        m = _LABEL.match(text, pos)
        if not m:
            raise ValueError(f"cannot parse labels at {text[pos:pos + 30]!r}")
        out[m.group(1)] = m.group(2).replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
        pos = m.end()
    return out


def _first(labels: dict[str, str], *names: str) -> str | None:
    for n in names:
        if labels.get(n):
            return labels[n]
    return None


def read(con: duckdb.DuckDBPyConnection, path: Path, kind: str | None,
         progress: Callable[[str], None] | None = None, at: datetime | None = None) -> Iterator[Staged]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise FileError(f"{path}: not UTF-8 text ({e.reason})") from None
    lines = text.splitlines()
    is_openmetrics = any(l.strip() == "# EOF" for l in lines[-3:])
    truncated = bool(text) and not text.endswith("\n") and not is_openmetrics
    if at is None:
        default_ts = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).replace(tzinfo=None)
        default_note = f"the file's modification time {default_ts:%Y-%m-%d %H:%M:%S} UTC (pass --at to set it)"
    else:
        default_ts = at.astimezone(timezone.utc).replace(tzinfo=None) if at.tzinfo else at
        default_note = f"--at {default_ts:%Y-%m-%d %H:%M:%S} UTC"

    gpu_rows: dict[str, list] = {k: [] for k in ("line", "ts", "gpu_uuid", "hostname", "gpu_index", "model", "mig", "col", "value")}
    link_rows: dict[str, list] = {k: [] for k in ("line", "ts", "link_id", "col", "value")}
    gpu_pre, link_pre, ignored, seen = [], [], set(), {}
    used_default = mig = False
    for lineno, line in enumerate(lines, start=1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        m = _SAMPLE.match(s)
        where = gpu_pre
        try:
            if not m:
                raise ValueError("not a sample line: expected `name{labels} value [timestamp]`")
            name, label_text, value_text, ts_text = m.groups()
            if name in GPU_METRICS or name in LINK_COUNTERS or name in LINK_SPEED:
                where = gpu_pre if name in GPU_METRICS else link_pre
            labels = _labels(label_text or "", lineno)
            value = float(value_text)
            if ts_text is None:
                ts, used_default = default_ts, True
            else:
                t = float(ts_text)
                ts = datetime.fromtimestamp(t if is_openmetrics else t / 1000, timezone.utc).replace(tzinfo=None)
        except ValueError as e:
            reason = str(e) if "expected" in str(e) or "labels" in str(e) else f"cannot read value: {e}"
            if truncated and lineno == len(lines):
                reason = f"truncated last line: {reason}"
            where.append((lineno, "", reason, line))
            continue
        key = (name, tuple(sorted(labels.items())), ts)
        if key in seen:
            where.append((lineno, name, f"duplicate series (first at line {seen[key]})", line))
            continue
        seen[key] = lineno
        if name in GPU_METRICS:
            uuid = _first(labels, "UUID", "gpu_uuid", "uuid")
            if not uuid:
                gpu_pre.append((lineno, name, "no GPU identity: the series has no UUID label", line))
                continue
            col, factor = GPU_METRICS[name]
            mig_id = _first(labels, "GPU_I_ID")
            mig = mig or mig_id is not None
            for k, v in (("line", lineno), ("ts", ts), ("gpu_uuid", uuid),
                         ("hostname", _first(labels, "Hostname", "hostname")),
                         ("gpu_index", _first(labels, "gpu")),
                         ("model", _first(labels, "modelName", "model_name")),
                         ("mig", mig_id), ("col", col), ("value", value * factor)):
                gpu_rows[k].append(v)
        elif name in LINK_COUNTERS or name in LINK_SPEED:
            link = _first(labels, "link", "link_id")
            if not link:
                host = _first(labels, "instance", "Hostname", "hostname", "job")
                port = _first(labels, "device", "ifName", "ifDescr", "ifIndex", "port")
                link = f"{host}/{port}" if host and port else None
            if not link:
                link_pre.append((lineno, name, "no link identity: needs a link label or instance and device", line))
                continue
            col = LINK_COUNTERS.get(name, "capacity_gbps")
            value = value * LINK_SPEED.get(name, 1.0)
            for k, v in (("line", lineno), ("ts", ts), ("link_id", link), ("col", col), ("value", value)):
                link_rows[k].append(v)
        else:
            ignored.add(name)
    if progress:
        progress(f"{path.name}: {len(lines):,} lines parsed")
    notes = []
    if used_default:
        notes.append(f"no timestamps on some samples: used {default_note}")
    if ignored:
        notes.append(f"ignored {len(ignored)} metric families we do not use: {', '.join(sorted(ignored)[:8])}"
                     + (" …" if len(ignored) > 8 else ""))
    if mig:
        notes.append("MIG instances found: device-level fields (power, energy, clock) taken once per GPU, "
                     "profiling ratios averaged over its instances (unweighted)")
    emitted = False
    if (gpu_rows["line"] or gpu_pre) and kind in (None, "gpu_samples"):
        emitted = True
        yield stage_long_rows(con, "gpu_samples", gpu_rows, gpu_pre, notes)
        notes = []
    if (link_rows["line"] or link_pre) and kind in (None, "link_samples"):
        emitted = True
        yield stage_long_rows(con, "link_samples", link_rows, link_pre, notes)
    if not emitted:
        raise FileError(f"{path}: no GPU (DCGM_FI_*) or link counter series found"
                        + (f"; saw only {', '.join(sorted(ignored)[:5])}" if ignored else ""))


def stage_long_rows(con: duckdb.DuckDBPyConnection, kind: str, rows: dict[str, list] | pa.Table,
                    pre_rejects: list | tuple = (), notes: list[str] | tuple = ()) -> Staged:
    """Pivot long rows (one per sample: line, ts, entity labels, col, value) into relation ``src``
    with one row per entity and timestamp, as ``apply_staged`` takes it. Shared by this reader and
    the Prometheus sync (dashboard/sync/), so files and the HTTP API follow the same rules.

    kind gpu_samples: rows carry gpu_uuid, hostname, gpu_index, model, mig; link_samples: link_id;
    meter_samples: meter_id.
    """
    if kind == "gpu_samples":
        _register(con, rows, {"line": pa.int64(), "ts": pa.timestamp("us"), "gpu_index": pa.string(), "value": pa.float64()})
        devices = [c.name for c in GPU_SAMPLES.columns if c.name in DEVICE_LEVEL]
        ratios = ["tensor_active", "fp64_active", "sm_active"]
        # Device-level: one value per GPU even when MIG repeats it; ratios: mean over instances.
        aggs = [f"max(value) FILTER (WHERE col = '{c}') AS {c}" for c in devices]
        aggs += [f"avg(value) FILTER (WHERE col = '{c}') AS {c}" for c in ratios]
        con.execute(
            "CREATE OR REPLACE TEMP VIEW src AS SELECT min(line) AS line, ts, gpu_uuid, "
            "max(hostname) AS hostname, max(gpu_index) AS gpu_index, max(model) AS model, "
            + ", ".join(aggs) + " FROM om_rows GROUP BY ts, gpu_uuid")
        cols = ["ts", "gpu_uuid", "hostname", "gpu_index", "model", *devices, *ratios]
        return Staged(GPU_SAMPLES, {c: (c, 1.0) for c in cols}, list(pre_rejects), list(notes))
    if kind == "link_samples":
        _register(con, rows, {"line": pa.int64(), "ts": pa.timestamp("us"), "value": pa.float64()})
        con.execute(
            "CREATE OR REPLACE TEMP VIEW src AS SELECT min(line) AS line, ts, link_id, "
            "CAST(max(value) FILTER (WHERE col = 'rx_bytes') AS HUGEINT) AS rx_bytes, "
            "CAST(max(value) FILTER (WHERE col = 'tx_bytes') AS HUGEINT) AS tx_bytes, "
            "max(value) FILTER (WHERE col = 'capacity_gbps') AS capacity_gbps "
            "FROM om_rows GROUP BY ts, link_id")
        return Staged(LINK_SAMPLES, {c: (c, 1.0) for c in ("ts", "link_id", "rx_bytes", "tx_bytes", "capacity_gbps")},
                      list(pre_rejects), list(notes))
    if kind == "meter_samples":
        _register(con, rows, {"line": pa.int64(), "ts": pa.timestamp("us"), "value": pa.float64()})
        con.execute(
            "CREATE OR REPLACE TEMP VIEW src AS SELECT min(line) AS line, ts, meter_id, "
            "max(value) FILTER (WHERE col = 'power_kw') AS power_kw, "
            "max(value) FILTER (WHERE col = 'energy_kwh') AS energy_kwh "
            "FROM om_rows GROUP BY ts, meter_id")
        return Staged(METER_SAMPLES, {c: (c, 1.0) for c in ("ts", "meter_id", "power_kw", "energy_kwh")},
                      list(pre_rejects), list(notes))
    raise ValueError(f"stage_long_rows: no pivot for {kind!r} (gpu_samples, link_samples, meter_samples)")


def _register(con: duckdb.DuckDBPyConnection, rows: dict[str, list] | pa.Table, types: dict[str, pa.DataType]) -> None:
    table = rows if isinstance(rows, pa.Table) else pa.table(
        {k: pa.array(v, type=types.get(k, pa.string())) for k, v in rows.items()})
    con.execute("DROP VIEW IF EXISTS src")
    con.register("om_arrow", table)
    con.execute("CREATE OR REPLACE TEMP TABLE om_rows AS SELECT * FROM om_arrow")
    con.unregister("om_arrow")
