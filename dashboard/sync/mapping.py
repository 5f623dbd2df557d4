"""Which series the sync reads, and how their labels name the GPU, link or meter a sample is about.

The defaults are the file reader's rules (``dashboard/ingest/openmetrics.py``): dcgm-exporter's
metric names and labels (``UUID``, ``Hostname`` or ``hostname``, ``gpu``, ``modelName``),
node_exporter's and SNMP ``if_mib``'s interface counters, and the facility meters the sample
generator writes. ``[prometheus.*_metrics]``, ``[prometheus.labels]`` and
``[prometheus.link_names]`` in aifd.toml change them; values are converted to the columns' units
exactly as a file's header would be (``power_w`` for a meter means W, stored as kW).

Series become *long rows* (one per sample: line, ts, entity fields, column, value) that
``openmetrics.stage_long_rows`` pivots into one row per entity and timestamp, so a sample read
from Prometheus and the same sample read from a file are stored alike.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from ..config import PrometheusSettings
from ..ingest.domains import GPU_SAMPLES, LINK_SAMPLES, METER_SAMPLES, Domain
from ..ingest.openmetrics import GPU_METRICS, LINK_COUNTERS, LINK_SPEED, MigSlices
from ..ingest.staging import normalise

GROUPS: dict[str, Domain] = {"gpu": GPU_SAMPLES, "link": LINK_SAMPLES, "meter": METER_SAMPLES}
VALUE_COLUMNS = {
    "gpu": ("util", "tensor_active", "fp64_active", "sm_active", "sm_clock_mhz", "power_w", "energy_j",
            "temp_c", "xid"),
    "link": ("rx_bytes", "tx_bytes", "capacity_gbps"),
    "meter": ("power_kw", "energy_kwh"),
}
METER_KINDS = ("facility", "it", "cooling", "renewable", "reuse")

# Labels tried in order for each entity field: the file reader's choices.
DEFAULT_LABELS: dict[str, tuple[str, ...]] = {
    "gpu_uuid": ("UUID", "gpu_uuid", "uuid"),
    "hostname": ("Hostname", "hostname"),
    "gpu_index": ("gpu",),
    "model": ("modelName", "model_name"),
    "mig": ("GPU_I_ID",),
    "mig_profile": ("GPU_I_PROFILE",),
    "link": ("link", "link_id"),
    "link_host": ("instance", "Hostname", "hostname", "job"),
    "link_port": ("device", "ifName", "ifDescr", "ifIndex", "port"),
    "meter": ("meter", "meter_id"),
    "meter_kind": ("kind",),
}


def _total(name: str) -> list[str]:
    """A counter's name as scraped and as OpenMetrics stores it (``_total``): both are in use."""
    return [name] if name.endswith("_total") else [name, f"{name}_total"]


def default_metrics(group: str) -> list[tuple[str, str, float]]:
    if group == "gpu":
        out = []
        for name, (col, factor) in GPU_METRICS.items():
            names = _total(name) if col == "energy_j" else [name]
            out += [(n, col, factor) for n in names]
        return out
    if group == "link":
        out = [(n, col, 1.0) for name, col in LINK_COUNTERS.items() for n in _total(name)]
        return out + [(name, "capacity_gbps", factor) for name, factor in LINK_SPEED.items()]
    if group == "meter":
        return [("facility_power_kw", "power_kw", 1.0), ("facility_energy_kwh", "energy_kwh", 1.0),
                ("facility_energy_kwh_total", "energy_kwh", 1.0)]
    raise KeyError(group)


@dataclass(frozen=True)
class MetricSpec:
    name: str  # series name in Prometheus
    group: str  # gpu | link | meter
    column: str  # canonical column of the group's domain
    factor: float  # value * factor is in the column's unit


def _resolve(group: str, name: str, spelling: str, factor: float) -> MetricSpec:
    domain = GROUPS[group]
    key = normalise(spelling)
    if key in domain.names:
        col, unit_factor = key, 1.0
    elif key in domain.aliases:
        col, unit_factor = domain.aliases[key]
    else:
        raise ValueError(f"[prometheus.{group}_metrics] {name} = {spelling!r}: not a {domain.name} column; "
                         f"use one of {', '.join(VALUE_COLUMNS[group])} (or a unit spelling such as power_w)")
    if col not in VALUE_COLUMNS[group]:
        raise ValueError(f"[prometheus.{group}_metrics] {name}: {col} is an identity, not a value; labels name "
                         f"entities ([prometheus.labels])")
    return MetricSpec(name, group, col, unit_factor * factor)


def metric_specs(p: PrometheusSettings) -> dict[str, list[MetricSpec]]:
    """The series to read per group (gpu, link, meter), from the settings or the defaults."""
    configured = {"gpu": p.gpu_metrics, "link": p.link_metrics, "meter": p.meter_metrics}
    out: dict[str, list[MetricSpec]] = {}
    seen: dict[str, str] = {}
    for group, given in configured.items():
        specs = [_resolve(group, n, col, f) for n, col, f in (given if given is not None else default_metrics(group))]
        for s in specs:
            if s.name in seen:
                raise ValueError(f"series {s.name} is mapped twice ({seen[s.name]} and {group})")
            seen[s.name] = group
        if specs:
            out[group] = specs
    return out


@dataclass(frozen=True)
class LabelRules:
    labels: dict[str, tuple[str, ...]]
    link_names: dict[str, str]
    known_links: frozenset[str] = frozenset()  # the inventory's link names
    mig_slices: MigSlices = MigSlices({}, {})  # the catalog's, to weight MIG instances

    @classmethod
    def from_settings(cls, p: PrometheusSettings, known_links: frozenset[str] = frozenset(),
                      mig_slices: MigSlices = MigSlices({}, {})) -> "LabelRules":
        labels = dict(DEFAULT_LABELS)
        for key, names in p.labels:
            if key not in DEFAULT_LABELS:
                raise ValueError(f"[prometheus.labels] {key}: unknown field; known: {', '.join(DEFAULT_LABELS)}")
            labels[key] = tuple(names)
        return cls(labels, dict(p.link_names), known_links, mig_slices)

    def first(self, labels: dict[str, str], key: str) -> str | None:
        for n in self.labels[key]:
            if labels.get(n):
                return labels[n]
        return None

    def link_id(self, labels: dict[str, str]) -> str | None:
        """The link label; else an IF-MIB ``ifAlias`` that names a link of the inventory (as the file
        reader places it); else ``host/port``; renamed by ``[prometheus.link_names]`` where listed."""
        link = self.first(labels, "link")
        if link:
            return self.link_names.get(link, link)
        alias = labels.get("ifAlias")
        if alias and alias in self.known_links:
            return alias
        host, port = self.first(labels, "link_host"), self.first(labels, "link_port")
        if host and port:
            key = f"{host}/{port}"
            return self.link_names.get(key, key)
        return None


def series_text(name: str, labels: dict[str, str]) -> str:
    inner = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()) if k != "__name__")
    return f"{name}{{{inner}}}"


# Columns of the long rows per group, as stage_long_rows takes them.
LONG_COLUMNS = {
    "gpu": ("gpu_uuid", "hostname", "gpu_index", "model", "mig", "mig_profile"),
    "link": ("link_id",),
    "meter": ("meter_id",),
}
KIND = {"gpu": "gpu_samples", "link": "link_samples", "meter": "meter_samples"}


@dataclass
class GroupRows:
    """One group's samples of one window as long rows, plus what could not be placed."""

    group: str
    parts: list[dict[str, Any]] = field(default_factory=list)
    pre_rejects: list[tuple[int, str, str, str]] = field(default_factory=list)  # line, series, reason, raw
    meters: dict[str, str] = field(default_factory=dict)  # meter -> kind label, for registration
    samples: int = 0
    next_line: int = 1

    def add(self, spec: MetricSpec, labels: dict[str, str], ts_us: np.ndarray, values: np.ndarray,
            rules: LabelRules) -> None:
        n = len(ts_us)
        if n == 0:
            return
        first_line = self.next_line
        self.next_line += n
        self.samples += n
        entity: dict[str, str | None]
        if self.group == "gpu":
            entity = {k: rules.first(labels, k) for k in LONG_COLUMNS["gpu"]}
            missing = None if entity["gpu_uuid"] else "no GPU identity: the series has no UUID label"
        elif self.group == "link":
            entity = {"link_id": rules.link_id(labels)}
            missing = None if entity["link_id"] else "no link identity: needs a link label or instance and device"
        else:
            entity = {"meter_id": rules.first(labels, "meter")}
            missing = None if entity["meter_id"] else "no meter identity: the series has no meter label"
            kind = rules.first(labels, "meter_kind")
            if entity["meter_id"] and kind:
                self.meters.setdefault(entity["meter_id"], kind)
        if missing:
            # One reject per series, not per sample: the series is what cannot be placed.
            raw = json.dumps({"series": series_text(spec.name, labels), "samples": n})
            self.pre_rejects.append((first_line, series_text(spec.name, labels), missing, raw))
            return
        self.parts.append({"line": np.arange(first_line, first_line + n, dtype=np.int64), "ts": ts_us,
                           "col": spec.column, "value": _scaled(values, spec.factor), **entity})

    def table(self) -> pa.Table:
        cols = LONG_COLUMNS[self.group]
        n_total = sum(len(p["ts"]) for p in self.parts)
        if not self.parts:
            return pa.table({"line": pa.array([], pa.int64()), "ts": pa.array([], pa.timestamp("us")),
                             **{c: pa.array([], pa.string()) for c in cols},
                             "col": pa.array([], pa.string()), "value": pa.array([], pa.float64())})
        out = {"line": pa.array(np.concatenate([p["line"] for p in self.parts])),
               "ts": pa.array(np.concatenate([p["ts"] for p in self.parts]), pa.timestamp("us"))}
        counts = [len(p["ts"]) for p in self.parts]
        idx = pa.array(np.repeat(np.arange(len(self.parts), dtype=np.int32), counts))
        for c in (*cols, "col"):
            # one value per series, repeated per sample by index
            out[c] = pa.array([p[c] for p in self.parts], pa.string()).take(idx)
        out["value"] = pa.array(np.concatenate([p["value"] for p in self.parts]), pa.float64())
        table = pa.table(out)
        assert table.num_rows == n_total
        return table


def _scaled(values: np.ndarray, factor: float) -> np.ndarray:
    """Divide where the factor is the inverse of a whole number (mJ -> J): exact for whole mJ."""
    if factor == 1.0:
        return values
    inverse = 1.0 / factor
    if factor < 1 and abs(inverse - round(inverse)) < 1e-9:
        return values / round(inverse)
    return values * factor
