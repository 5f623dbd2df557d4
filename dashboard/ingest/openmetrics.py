"""Prometheus text exposition and OpenMetrics files, e.g. what ``curl host:9400/metrics`` returns.

Three layers, so that the Prometheus sync can reuse the last two:

1. ``parse_exposition`` reads text into long rows (metric, labels, ts, value, line) and rejects the
   lines it cannot read, each with its reason: a value that is not a number, a timestamp out of
   range, a line cut off at the end of the file, a line after ``# EOF``, a duplicate series.
2. The mapping rules: which exposition names feed which column (``gpu_metric``, ``link_metric``,
   both spellings of a counter, ``_total`` or not), which labels name a GPU (``gpu_identity``,
   ``mig_instance``) or an interface (``link_identity``, ``is_virtual_interface``).
3. ``stage_rows``, THE pivot: long rows in, one ``Staged`` per record kind out (GPU samples, link
   samples), after the value limits (queries/definitions/030_value_limits.sql) are applied to each
   line and conflicting series are rejected.

Scrapes usually carry no timestamps: the sample time is then ``at`` (``--at``) or, failing that,
the file's modification time, and the report says which was used. docs/real-inputs.md has the
formats these rules follow, with their sources.
"""
from __future__ import annotations

import contextlib
import gc
import math
import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, Collection, Iterable, Iterator, NamedTuple

import duckdb
import pyarrow as pa

from . import files
from .domains import GPU_SAMPLES, LINK_SAMPLES, METER_SAMPLES
from .files import Staged
from .staging import FileError

Reject = tuple[int | None, str, str, str]  # line, series, reason, raw


class Row(NamedTuple):
    """One sample: a parsed exposition line, or one point of a Prometheus query result."""

    metric: str
    labels: dict[str, str]
    ts: datetime  # naive UTC
    value: float
    line: int | None = None
    raw: str | None = None


# ---------------------------------------------------------------- mapping rules (shared with sync)

# dcgm-exporter field -> (gpu_samples column, factor); names as dcgm-exporter exposes them
GPU_METRICS: dict[str, tuple[str, float]] = {
    k.upper(): v for k, v in GPU_SAMPLES.aliases.items()
    if k.startswith("dcgm_fi_") and not k.endswith("_total")
}
# Under MIG these repeat the whole GPU's value in every instance's series (dcgm-exporter #257).
DEVICE_LEVEL = ("util", "sm_clock_mhz", "power_w", "energy_j", "temp_c", "xid")
RATIOS = ("tensor_active", "fp64_active", "sm_active")
# Interface counters, by the family name without ``_total``: both spellings are accepted.
LINK_COUNTERS = {
    "node_network_receive_bytes": "rx_bytes", "node_network_transmit_bytes": "tx_bytes",
    "node_infiniband_port_data_received_bytes": "rx_bytes",
    "node_infiniband_port_data_transmitted_bytes": "tx_bytes",
    "ifHCInOctets": "rx_bytes", "ifHCOutOctets": "tx_bytes",
}
# Interface speed -> Gbit/s: node_exporter in bytes/s, IF-MIB ifHighSpeed in Mbit/s
LINK_SPEED = {"node_network_speed_bytes": 8e-9, "ifHighSpeed": 1e-3}
# IANAifType names (as snmp_exporter's if_mib module puts them in ifType_info) of interfaces that
# carry no traffic of their own or traffic also counted on a physical port.
VIRTUAL_IF_TYPES = frozenset({"softwareLoopback", "propVirtual", "tunnel", "l2vlan", "l3ipvlan"})
# Interface names of loopback, container, bridge and tunnel devices (Linux naming, and the
# loopbacks of switches as IF-MIB names them).
_VIRTUAL_NAME = re.compile(
    r"^(lo\d*|loopback\d*|null\d*|docker.*|veth.*|br-.*|virbr.*|wg.*|tun.*|tap.*|cni.*|flannel.*"
    r"|cali.*|vxlan.*|kube-ipvs.*)$", re.IGNORECASE)

HOST_LABELS = ("instance", "Hostname", "hostname", "host", "target", "snmp_target")


def counter_family(name: str) -> tuple[str, str | None]:
    """The family of a sample name and its counter suffix: ``x_total`` -> (x, "_total"),
    ``x_created`` -> (x, "_created"), anything else -> (name, None). OpenMetrics names a counter's
    samples ``<family>_total`` and may add ``<family>_created`` (OpenMetrics 1.0, "Counter")."""
    for suffix in ("_total", "_created"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    return name, None


def gpu_metric(name: str) -> tuple[str, float] | None:
    """(gpu_samples column, factor) for a dcgm-exporter sample name, ``_total`` or not."""
    if name in GPU_METRICS:
        return GPU_METRICS[name]
    family, suffix = counter_family(name)
    return GPU_METRICS.get(family) if suffix == "_total" else None


def link_metric(name: str) -> tuple[str, float] | None:
    """(link_samples column, factor) for an interface counter or speed sample name."""
    if name in LINK_SPEED:
        return "capacity_gbps", LINK_SPEED[name]
    family, suffix = counter_family(name)
    if suffix in (None, "_total") and family in LINK_COUNTERS:
        return LINK_COUNTERS[family], 1.0
    return None


def _first(labels: dict[str, str], *names: str) -> str | None:
    for n in names:
        if labels.get(n):  # OpenMetrics: an empty label value is as if the label were absent
            return labels[n]
    return None


def gpu_identity(labels: dict[str, str]) -> str | None:
    """The GPU's UUID: dcgm-exporter's ``UUID`` (``gpu_uuid`` on its NVLink series and main branch)."""
    return _first(labels, "UUID", "gpu_uuid", "uuid")


def gpu_host(labels: dict[str, str], host: str | None = None) -> str | None:
    """The node: ``Hostname`` (``hostname`` on dcgm-exporter's main branch), else ``host`` (--host)."""
    return _first(labels, "Hostname", "hostname") or host


def mig_instance(labels: dict[str, str]) -> str | None:
    """The MIG GPU instance a series is about (``GPU_I_ID``); None: the whole GPU."""
    return _first(labels, "GPU_I_ID")


def host_of(labels: dict[str, str]) -> str | None:
    """The host a series names: ``instance`` without its port, else a hostname or target label."""
    value = _first(labels, *HOST_LABELS)
    if value and labels.get("instance") == value:
        if value.startswith("["):  # [IPv6]:port
            return value[: value.index("]") + 1] if "]" in value else value
        head, sep, port = value.rpartition(":")
        if sep and port.isdigit() and ":" not in head:
            return head
    return value


def interface_of(labels: dict[str, str]) -> str | None:
    """The interface a series is about: node_exporter ``device`` (with ``port`` for InfiniBand),
    IF-MIB ``ifName``, else ``ifDescr``, else ``ifIndex``."""
    device = _first(labels, "device")
    if device:
        port = _first(labels, "port")
        return f"{device}/{port}" if port else device
    return _first(labels, "ifName", "ifDescr", "ifIndex")


def is_virtual_interface(port: str, if_type: str | None = None) -> bool:
    """Loopback, container, bridge or tunnel interface: stored, left out of site totals."""
    return (if_type in VIRTUAL_IF_TYPES) or bool(_VIRTUAL_NAME.match(port.split("/")[0]))


class LinkId(NamedTuple):
    name: str
    host: str | None
    port: str | None
    virtual: bool


def link_identity(labels: dict[str, str], host: str | None = None, known: Collection[str] = (),
                  if_type: str | None = None) -> LinkId | str:
    """The link a series counts, or why it cannot be placed.

    An explicit ``link``/``link_id`` label wins; then an IF-MIB ``ifAlias`` naming a link of the
    inventory (operators label uplinks there); else ``host/interface``, the host from the series'
    labels or else ``host`` (--host, or the nodename of a saved node_exporter scrape).
    """
    explicit = _first(labels, "link", "link_id")
    port = interface_of(labels)
    h = host_of(labels) or host
    virtual = bool(port) and is_virtual_interface(port, if_type)
    if explicit:
        return LinkId(explicit, h, port, virtual)
    alias = _first(labels, "ifAlias")
    if alias and alias in known:
        return LinkId(alias, h, port, virtual)
    if not port:
        return "no interface: the series has no device, ifName, ifDescr or ifIndex label"
    if not h:
        return (f"no host for interface {port}: the series has no instance or hostname label; "
                "pass --host NAME")
    return LinkId(f"{h}/{port}", h, port, virtual)


# ---------------------------------------------------------------- parsing text into long rows

_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\\n]|\\.)*)"\s*')
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|nan|inf|infinity)",
                     re.IGNORECASE)
_ESCAPES = {"\\\\": "\\", '\\"': '"', "\\n": "\n"}
SHOWN_CHARS = 60  # a reason quotes at most this much of the offending text
FIRST_TS = datetime(2000, 1, 1)
END_TS = datetime(2100, 1, 1)


class LineError(ValueError):
    """One line cannot be read; the message is the reject reason."""


def _shown(text: str) -> str:
    text = text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"
    return repr(text)


def _unescape(value: str) -> str:
    return re.sub(r'\\[\\"n]', lambda m: _ESCAPES[m.group(0)], value) if "\\" in value else value


# The common, well-formed line in one match (exporters write labels without spaces); anything
# else takes the careful path below, which also says what is wrong.
_PAIR = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"'
_FAST = re.compile(rf'([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{{(?:({_PAIR}(?:,{_PAIR})*),?)?\}})?'
                   r'[ \t]+([^ \t#]+)(?:[ \t]+([^ \t#]+))?[ \t]*')
_FAST_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"')


def parse_line(s: str, cache: dict[str, dict[str, str]] | None = None) -> tuple[str, dict[str, str], str, str | None]:
    """name, labels, value text, timestamp text (None: none given) of one sample line.

    Prometheus text format 0.0.4 and OpenMetrics 1.0 (whose exemplar, `` # {...} v [ts]``, is
    dropped: ingestors may discard exemplars). ``cache``: label text -> labels, shared by the
    lines of one file (a GPU's labels repeat in every family); the dicts are read-only."""
    fast = _FAST.fullmatch(s)
    if fast:
        text = fast.group(2) or ""
        labels = cache.get(text) if cache is not None else None
        if labels is None:
            pairs = _FAST_LABEL.findall(text) if text else []
            labels = {k: _unescape(v) for k, v in pairs}
            if len(labels) != len(pairs):
                labels = None  # a label given twice: the careful path says so
            elif cache is not None:
                cache[text] = labels
        if labels is not None:
            return fast.group(1), labels, fast.group(3), fast.group(4)
    m = _NAME.match(s)
    if not m:
        raise LineError("not a sample line: expected `name{labels} value [timestamp]`")
    name, pos, labels = m.group(0), m.end(), {}
    if pos < len(s) and s[pos] == "{":
        pos += 1
        while True:
            while pos < len(s) and s[pos] in " \t":
                pos += 1
            if pos < len(s) and s[pos] == "}":
                pos += 1
                break
            lm = _LABEL.match(s, pos)
            if not lm:
                raise LineError(f"{name}: cannot read the labels at {_shown(s[pos:])}")
            if lm.group(1) in labels:
                raise LineError(f"{name}: label {lm.group(1)} given twice")
            labels[lm.group(1)] = _unescape(lm.group(2))
            pos = lm.end()
            if pos < len(s) and s[pos] == ",":
                pos += 1
            elif not (pos < len(s) and s[pos] == "}"):
                raise LineError(f"{name}: cannot read the labels at {_shown(s[pos:])}")
    rest = s[pos:]
    if rest[:1] not in (" ", "\t"):
        raise LineError(f"{name}: expected a space and a value after the name and labels")
    rest = rest.split(" # ", 1)[0]  # OpenMetrics exemplar
    parts = rest.split()
    if not parts or len(parts) > 2:
        raise LineError(f"{name}: expected `value [timestamp]` after the labels, found {_shown(rest.strip())}")
    return name, labels, parts[0], parts[1] if len(parts) == 2 else None


def parse_value(name: str, text: str) -> float:
    if not _NUMBER.fullmatch(text):
        raise LineError(f"{name}: cannot read value {_shown(text)} as a number")
    return float(text)


def parse_timestamp(name: str, text: str, openmetrics: bool) -> datetime:
    """A sample timestamp: seconds in OpenMetrics, milliseconds in Prometheus text format."""
    unit = "seconds" if openmetrics else "milliseconds"
    if not _NUMBER.fullmatch(text) or not math.isfinite(float(text)):
        raise LineError(f"{name}: cannot read timestamp {_shown(text)} (Unix time in {unit})")
    t = float(text)
    seconds = t if openmetrics else t / 1000
    lo, hi = (FIRST_TS - datetime(1970, 1, 1)).total_seconds(), (END_TS - datetime(1970, 1, 1)).total_seconds()
    if not lo <= seconds < hi:
        given = {"seconds": t, "milliseconds": t / 1e3, "microseconds": t / 1e6, "nanoseconds": t / 1e9}
        fits = [u for u, v in given.items() if lo <= v < hi and u != unit]
        hint = f" ({fits[0]} given? {'OpenMetrics' if openmetrics else 'Prometheus text'} timestamps are {unit})" \
            if fits else ""
        raise LineError(f"{name}: timestamp {_shown(text)} is outside 2000..2099{hint}")
    return datetime(1970, 1, 1) + timedelta(seconds=seconds)


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Building 10^5 small rows sets off the cyclic collector again and again, scanning all of
    them each time (measured: 7.0 s instead of 2.0 s for a 120,000-line scrape); they hold no
    cycles, so it is paused while they are built."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class Parsed(NamedTuple):
    rows: list[Row]
    rejects: list[Reject]
    notes: list[str]
    stamped: bool  # some sample had no timestamp and took the default


def is_openmetrics(path: Path | None, text: str) -> bool:
    """OpenMetrics rather than Prometheus text format: it says so (``# EOF``, ``# UNIT``) or is named so."""
    if path is not None and path.suffix.lower() in (".om", ".openmetrics"):
        return True
    return bool(re.search(r"^# (EOF|UNIT )", text, re.MULTILINE))


def parse_exposition(text: str, default_ts: datetime, openmetrics: bool) -> Parsed:
    """Long rows from an exposition's text, and the lines rejected, each with its reason."""
    with _no_gc():
        return _parse_exposition(text, default_ts, openmetrics)


def _parse_exposition(text: str, default_ts: datetime, openmetrics: bool) -> Parsed:
    lines = text.split("\n")
    ends_with_newline = lines[-1] == ""
    if ends_with_newline:
        lines.pop()
    eof_at = next((i for i, line in enumerate(lines, 1) if line.rstrip("\r") == "# EOF"), None)
    cut_line = len(lines) if lines and not ends_with_newline and eof_at is None else None
    last_sample = max((i for i, line in enumerate(lines, 1)
                       if line.strip() and not line.lstrip().startswith("#") and (eof_at is None or i < eof_at)),
                      default=None)
    rows: list[Row] = []
    rejects: list[Reject] = []
    notes: list[str] = []
    seen: dict[tuple, int] = {}
    label_cache: dict[str, dict[str, str]] = {}
    stamped = False
    for lineno, line in enumerate(lines, start=1):
        s = line.rstrip("\r").strip()
        if eof_at is not None and lineno > eof_at:
            if s:
                rejects.append((lineno, "", "after # EOF: an OpenMetrics exposition ends there", line))
            continue
        if not s or s.startswith("#"):
            continue
        try:
            if lineno == cut_line:
                raise LineError("truncated last line: the file ends without a line break, so the line "
                                "may be cut short; not stored")
            if lineno == last_sample and openmetrics and eof_at is None:
                raise LineError("truncated: an OpenMetrics exposition ends with `# EOF` and this file has "
                                "none, so it may be cut short after this line; not stored")
            name, labels, value_text, ts_text = parse_line(s, label_cache)
            value = parse_value(name, value_text)
            if ts_text is None:
                ts, stamped = default_ts, True
            else:
                ts = parse_timestamp(name, ts_text, openmetrics)
        except LineError as e:
            m = _NAME.match(s)
            rejects.append((lineno, m.group(0) if m else "", str(e), line))
            continue
        key = (name, frozenset(labels.items()), ts)
        if key in seen:
            rejects.append((lineno, name, f"duplicate series (first at line {seen[key]})", line))
            continue
        seen[key] = lineno
        rows.append(Row(name, labels, ts, value, lineno, line))
    if openmetrics and eof_at is None and lines:
        notes.append("OpenMetrics without `# EOF`: the exposition may be cut short (its last sample line "
                     "was not stored)")
    return Parsed(rows, rejects, notes, stamped)


# ---------------------------------------------------------------- the pivot (shared with sync)

def _wrap_list(title: str, items: list[str], width: int = 100) -> str:
    """``title`` and the items, several to a line, an item never split."""
    lines, cur = [], ""
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else "")
        if cur and len(cur) + 1 + len(piece) > width:
            lines.append(cur)
            cur = piece
        else:
            cur = f"{cur} {piece}" if cur else piece
    if cur:
        lines.append(cur)
    return "\n".join([title, *lines])


def _value_label(v: float) -> str:
    if math.isnan(v):
        return "NaN"
    return "+Inf" if v > 0 else "-Inf"


def _raw(row: Row) -> str:
    if row.raw is not None:
        return row.raw
    labels = ",".join(f'{k}="{v}"' for k, v in row.labels.items())
    return f"{row.metric}{{{labels}}} {row.value!r} @ {row.ts:%Y-%m-%dT%H:%M:%S}Z"


def stage_rows(con: duckdb.DuckDBPyConnection, rows: Iterable[Row], *, kind: str | None = None,
               host: str | None = None, rejects: Iterable[Reject] = (), notes: Iterable[str] = (),
               stamped: datetime | None = None, source: str = "the source") -> Iterator[Staged]:
    """THE pivot: long rows (metric, labels, ts, value, line) to one ``Staged`` per record kind.

    Per line: metrics we do not use are counted (the report lists each with its sample count);
    NaN and ±Inf, values past the limits of queries/definitions/030_value_limits.sql, and series
    that cannot be placed (no GPU UUID, no host or interface) are rejected with the reason. Then
    two series for the same GPU (or link), column and time that disagree in value are rejected
    together as a conflicting sample, never merged; series that agree count once. Under MIG, a
    whole-GPU series wins; else device-level fields are taken once per GPU and profiling ratios
    averaged over its instances. ``rejects`` are reader rejects routed to the kind their metric
    feeds; ``stamped``: the time given to rows without one (recorded with the load).
    """
    known_links = {r[0] for r in con.execute("SELECT link_name FROM links").fetchall()}
    want_gpu, want_link = kind in (None, "gpu_samples"), kind in (None, "link_samples")
    gpu_pre: list[Reject] = []
    link_pre: list[Reject] = []
    other_pre: list[Reject] = []
    for r in rejects:
        name = r[1] or ""
        (gpu_pre if gpu_metric(name) else link_pre if link_metric(name) else other_pre).append(r)
    unused: Counter[str] = Counter()
    gpu_long: dict[str, list] = {k: [] for k in ("line", "ts", "gpu_uuid", "mig", "hostname", "gpu_index",
                                                 "model", "col", "value", "metric")}
    gpu_labels: dict[int, dict[str, str]] = {}
    pending_links: list[tuple[Row, str, float]] = []
    nodenames: set[str] = set()
    if_types: dict[tuple[str | None, str], str] = {}
    mig = False
    with _no_gc():  # many small objects, no cycles
        for row in rows:
            g = gpu_metric(row.metric) if want_gpu else None
            lk = link_metric(row.metric) if want_link and not g else None
            if g is None and lk is None:
                unused[row.metric] += 1
                if row.metric == "node_uname_info" and row.labels.get("nodename"):
                    nodenames.add(row.labels["nodename"])
                elif row.metric == "ifType_info" and row.labels.get("ifIndex") and row.labels.get("ifType"):
                    if_types[(host_of(row.labels), row.labels["ifIndex"])] = row.labels["ifType"]
                continue
            if not math.isfinite(row.value):
                (gpu_pre if g else link_pre).append(
                    (row.line, row.metric, f"{row.metric} value {_value_label(row.value)} is not a number", _raw(row)))
                continue
            if g:
                uuid = gpu_identity(row.labels)
                if not uuid:
                    gpu_pre.append((row.line, row.metric, "no GPU identity: the series has no UUID label", _raw(row)))
                    continue
                col, factor = g
                mig_id = mig_instance(row.labels)
                mig = mig or mig_id is not None
                index = row.labels.get("gpu")
                line = row.line if row.line is not None else -len(gpu_labels) - 1
                gpu_labels[line] = row.labels
                for k, v in (("line", line), ("ts", row.ts), ("gpu_uuid", uuid), ("mig", mig_id),
                             ("hostname", gpu_host(row.labels, host)),
                             ("gpu_index", int(index) if index and index.isdigit() else None),
                             ("model", _first(row.labels, "modelName", "model_name")),
                             ("col", col), ("value", row.value * factor), ("metric", row.metric)):
                    gpu_long[k].append(v)
            else:
                pending_links.append((row, *lk))

        # Interfaces are placed once the whole file is read: node_uname_info may come after them.
        fallback_host = host or (next(iter(nodenames)) if len(nodenames) == 1 else None)
        used_info: list[str] = []
        if pending_links and fallback_host and not host and any(not host_of(r.labels) for r, _c, _f in pending_links):
            unused.pop("node_uname_info", None)
            used_info.append(f"node_uname_info: nodename {fallback_host} taken as the host of interfaces "
                             "whose series name none (pass --host to set another)")
        if pending_links and if_types:
            unused.pop("ifType_info", None)
            used_info.append("ifType_info: interface types used to flag virtual interfaces")
        link_long: dict[str, list] = {k: [] for k in ("line", "ts", "link_id", "a_end", "is_virtual", "col",
                                                      "value", "capacity_source", "metric")}
        link_labels: dict[int, dict[str, str]] = {}
        virtual_ports: set[str] = set()
        speed_unknown: set[str] = set()
        for row, col, factor in pending_links:
            ident = link_identity(row.labels, fallback_host, known_links,
                                  if_types.get((host_of(row.labels), row.labels.get("ifIndex", ""))))
            if isinstance(ident, str):
                link_pre.append((row.line, row.metric, ident, _raw(row)))
                continue
            if col == "capacity_gbps" and row.value <= 0:
                speed_unknown.add(ident.name)  # down or virtual interfaces report speed 0 (or -1): unknown
                continue
            if ident.virtual:
                virtual_ports.add(ident.name)
            line = row.line if row.line is not None else -len(link_labels) - 1
            link_labels[line] = row.labels
            for k, v in (("line", line), ("ts", row.ts), ("link_id", ident.name), ("a_end", ident.host),
                         ("is_virtual", ident.virtual), ("col", col), ("value", row.value * factor),
                         ("capacity_source", row.metric if col == "capacity_gbps" else None),
                         ("metric", row.metric)):
                link_long[k].append(v)

    head = list(notes) + used_info
    if unused:
        head.append(_wrap_list(f"{len(unused)} metrics not used ({sum(unused.values()):,} samples); "
                               "metric (samples):",
                               [f"{m} ({n:,})" + (" [counter creation time]" if counter_family(m)[1] == "_created"
                                                  else "") for m, n in sorted(unused.items())]))
    if mig:
        head.append("MIG instances found: a whole-GPU series is used where there is one; else device-level "
                    "fields (power, energy, clock, temperature) are taken once per GPU and profiling ratios "
                    "averaged over its instances (unweighted)")
    emitted = False
    if want_gpu and (gpu_long["line"] or gpu_pre):
        pre = gpu_pre + other_pre
        other_pre = []
        pre += _register_long(con, "om_gpu_long", gpu_long, gpu_labels, "gpu_value_problem",
                              ("ts", "gpu_uuid", "mig", "col"), "GPU")
        _pivot_gpus(con)
        cols = ["ts", "gpu_uuid", "hostname", "gpu_index", "model", *DEVICE_LEVEL, *RATIOS]
        emitted = True
        yield Staged(GPU_SAMPLES, {c: (c, 1.0) for c in cols}, pre, head, stamped)
        head = []
    if want_link and (link_long["line"] or link_pre):
        pre = link_pre + other_pre
        other_pre = []
        pre += _register_long(con, "om_link_long", link_long, link_labels, "link_value_problem",
                              ("ts", "link_id", "col"), "link")
        _pivot_links(con)
        if virtual_ports:
            head.append(f"{len(virtual_ports)} virtual interfaces (loopback, container, bridge, tunnel) stored "
                        "and left out of site totals: " + ", ".join(sorted(virtual_ports)[:10])
                        + (" …" if len(virtual_ports) > 10 else ""))
        if speed_unknown:
            head.append(f"{len(speed_unknown)} interfaces report no speed (0 or less): capacity unknown, "
                        "utilisation shown as unknown: " + ", ".join(sorted(speed_unknown)[:10])
                        + (" …" if len(speed_unknown) > 10 else ""))
        emitted = True
        cols = ["ts", "link_id", "rx_bytes", "tx_bytes", "capacity_gbps", "a_end", "is_virtual", "capacity_source"]
        yield Staged(LINK_SAMPLES, {c: (c, 1.0) for c in cols}, pre, head, stamped)
    if not emitted:
        seen = sorted(unused)
        raise FileError(f"{source}: no GPU (DCGM_FI_*) or interface counter series found"
                        + (f"; saw only {', '.join(seen[:5])}" + (" …" if len(seen) > 5 else "") if seen
                           else "; no sample line could be read" if other_pre else ""))


def _register_long(con: duckdb.DuckDBPyConnection, table: str, cols: dict[str, list],
                   labels: dict[int, dict[str, str]], limits_macro: str, key: tuple[str, ...],
                   what: str) -> list[Reject]:
    """Store the long rows as ``table``; reject (and delete) lines past the value limits and
    groups of lines that disagree for the same key. Returns those rejects."""
    types = {"line": pa.int64(), "ts": pa.timestamp("us"), "value": pa.float64(), "gpu_index": pa.int64(),
             "is_virtual": pa.bool_()}
    arrow = pa.table({k: pa.array(v, type=types.get(k, pa.string())) for k, v in cols.items()})
    con.execute("DROP VIEW IF EXISTS src")
    con.register("om_arrow", arrow)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM om_arrow")
    finally:
        con.unregister("om_arrow")
    out: list[Reject] = []
    bad = con.execute(f"SELECT line, metric, {limits_macro}(col, value) AS why FROM {table} "
                      f"WHERE why IS NOT NULL ORDER BY line").fetchall()
    for line, metric, why in bad:
        out.append((line, metric, f"{metric}: {why}", _render(metric, labels.get(line))))
    con.execute(f"DELETE FROM {table} WHERE {limits_macro}(col, value) IS NOT NULL")
    k = ", ".join(key)
    groups = con.execute(
        f"SELECT {k}, list(line ORDER BY line), list(value ORDER BY line), list(metric ORDER BY line) "
        f"FROM {table} GROUP BY {k} HAVING min(value) <> max(value)").fetchall()
    conflicting: list[int] = []
    for g in groups:
        ts, entity, col = g[0], g[1], g[len(key) - 1]
        lines_, values, metrics = g[len(key)], g[len(key) + 1], g[len(key) + 2]
        diff = _label_difference([labels.get(line, {}) for line in lines_])
        shown = ", ".join(f"{v:g} (line {line})" for line, v in zip(lines_, values))
        reason = (f"conflicting sample: {col} of {what} {entity} at {ts:%Y-%m-%d %H:%M:%S} has {shown}"
                  + (f"; the series differ in {diff}" if diff else "") + ": none stored")
        for line, metric in zip(lines_, metrics):
            out.append((line, metric, reason, _render(metric, labels.get(line))))
        conflicting.extend(lines_)
    if conflicting:
        con.register("om_conflicts", pa.table({"line": pa.array(conflicting, pa.int64())}))
        try:
            con.execute(f"DELETE FROM {table} WHERE line IN (SELECT line FROM om_conflicts)")
        finally:
            con.unregister("om_conflicts")
    return [(r[0] if r[0] is not None and r[0] >= 0 else None, *r[1:]) for r in out]


def _render(metric: str, labels: dict[str, str] | None) -> str:
    return metric + "{" + ",".join(f'{k}="{v}"' for k, v in (labels or {}).items()) + "}"


def _label_difference(label_sets: list[dict[str, str]]) -> str:
    names = set().union(*label_sets) if label_sets else set()
    differ = sorted(n for n in names if len({ls.get(n) for ls in label_sets}) > 1)
    return "label " + ", ".join(differ) if differ else ""


def _pivot_gpus(con: duckdb.DuckDBPyConnection) -> None:
    device = ", ".join(f"'{c}'" for c in DEVICE_LEVEL)
    aggs = ", ".join(f"max(value) FILTER (WHERE col = '{c}') AS {c}" for c in (*DEVICE_LEVEL, *RATIOS))
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW src AS
        WITH inst AS (   -- one value per GPU instance (series that agree count once)
            SELECT ts, gpu_uuid, mig, col, min(line) AS line, any_value(value) AS value
            FROM om_gpu_long GROUP BY ts, gpu_uuid, mig, col
        ), dev AS (      -- one value per GPU: the whole-GPU series, else over its MIG instances
            SELECT ts, gpu_uuid, col, min(line) AS line,
                   CASE WHEN count(*) FILTER (WHERE mig IS NULL) > 0
                            THEN any_value(value) FILTER (WHERE mig IS NULL)
                        WHEN col IN ({device}) THEN max(value)
                        ELSE avg(value) END AS value
            FROM inst GROUP BY ts, gpu_uuid, col
        ), ident AS (
            SELECT ts, gpu_uuid, max(hostname) AS hostname, max(gpu_index) AS gpu_index, max(model) AS model
            FROM om_gpu_long GROUP BY ts, gpu_uuid
        )
        SELECT min(d.line) AS line, d.ts, d.gpu_uuid, any_value(i.hostname) AS hostname,
               any_value(i.gpu_index) AS gpu_index, any_value(i.model) AS model, {aggs}
        FROM dev d JOIN ident i USING (ts, gpu_uuid)
        GROUP BY d.ts, d.gpu_uuid""")


def _pivot_links(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
        CREATE OR REPLACE TEMP VIEW src AS
        SELECT min(line) AS line, ts, link_id, max(a_end) AS a_end, bool_or(is_virtual) AS is_virtual,
               CAST(max(value) FILTER (WHERE col = 'rx_bytes') AS HUGEINT) AS rx_bytes,
               CAST(max(value) FILTER (WHERE col = 'tx_bytes') AS HUGEINT) AS tx_bytes,
               max(value) FILTER (WHERE col = 'capacity_gbps') AS capacity_gbps,
               max(capacity_source) AS capacity_source
        FROM om_link_long GROUP BY ts, link_id""")


# ---------------------------------------------------------------- the file reader

def read(con: duckdb.DuckDBPyConnection, path: Path, kind: str | None,
         progress: Callable[[str], None] | None = None, at: datetime | None = None,
         host: str | None = None) -> Iterator[Staged]:
    data = path.read_bytes()
    if not data.strip():
        raise FileError(f"{path}: empty file")
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark is skipped (OpenMetrics forbids one)
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise FileError(f"{path}: not UTF-8 text (line {line}: {e.reason})") from None
    default_ts, default_note = files.stamp_time(path, at)
    om = is_openmetrics(path, text)
    parsed = parse_exposition(text, default_ts, om)
    if progress:
        progress(f"{path.name}: {text.count(chr(10)):,} lines parsed")
    notes = list(parsed.notes)
    if parsed.stamped:
        notes.insert(0, f"no timestamps on some samples: used {default_note}")
    yield from stage_rows(con, parsed.rows, kind=kind, host=host, rejects=parsed.rejects, notes=notes,
                          stamped=default_ts if parsed.stamped else None, source=str(path))


def stage_long_rows(con: duckdb.DuckDBPyConnection, kind: str, rows: dict[str, list] | pa.Table,
                    pre_rejects: list | tuple = (), notes: list[str] | tuple = ()) -> Staged:
    """Pivot long rows that are already mapped to entities (one per sample: line, ts, entity columns,
    col, value) into relation ``src``, one row per entity and timestamp, as ``apply_staged`` takes
    it. The Prometheus sync (dashboard/sync/) maps series with the rules above (``gpu_metric``,
    ``gpu_identity``, ``link_identity`` ...) and pivots here; tests/test_sync.py holds its figures
    equal to the file reader's.

    kind gpu_samples: rows carry gpu_uuid, hostname, gpu_index, model, mig; link_samples: link_id;
    meter_samples: meter_id.
    """
    if kind == "gpu_samples":
        _register_mapped(con, rows, {"line": pa.int64(), "ts": pa.timestamp("us"), "gpu_index": pa.string(),
                                     "value": pa.float64()})
        # Device-level: one value per GPU even when MIG repeats it; ratios: mean over instances.
        aggs = [f"max(value) FILTER (WHERE col = '{c}') AS {c}" for c in DEVICE_LEVEL]
        aggs += [f"avg(value) FILTER (WHERE col = '{c}') AS {c}" for c in RATIOS]
        con.execute(
            "CREATE OR REPLACE TEMP VIEW src AS SELECT min(line) AS line, ts, gpu_uuid, "
            "max(hostname) AS hostname, max(gpu_index) AS gpu_index, max(model) AS model, "
            + ", ".join(aggs) + " FROM om_rows GROUP BY ts, gpu_uuid")
        cols = ["ts", "gpu_uuid", "hostname", "gpu_index", "model", *DEVICE_LEVEL, *RATIOS]
        return Staged(GPU_SAMPLES, {c: (c, 1.0) for c in cols}, list(pre_rejects), list(notes))
    if kind == "link_samples":
        _register_mapped(con, rows, {"line": pa.int64(), "ts": pa.timestamp("us"), "value": pa.float64()})
        con.execute(
            "CREATE OR REPLACE TEMP VIEW src AS SELECT min(line) AS line, ts, link_id, "
            "CAST(max(value) FILTER (WHERE col = 'rx_bytes') AS HUGEINT) AS rx_bytes, "
            "CAST(max(value) FILTER (WHERE col = 'tx_bytes') AS HUGEINT) AS tx_bytes, "
            "max(value) FILTER (WHERE col = 'capacity_gbps') AS capacity_gbps "
            "FROM om_rows GROUP BY ts, link_id")
        return Staged(LINK_SAMPLES, {c: (c, 1.0) for c in ("ts", "link_id", "rx_bytes", "tx_bytes", "capacity_gbps")},
                      list(pre_rejects), list(notes))
    if kind == "meter_samples":
        _register_mapped(con, rows, {"line": pa.int64(), "ts": pa.timestamp("us"), "value": pa.float64()})
        con.execute(
            "CREATE OR REPLACE TEMP VIEW src AS SELECT min(line) AS line, ts, meter_id, "
            "max(value) FILTER (WHERE col = 'power_kw') AS power_kw, "
            "max(value) FILTER (WHERE col = 'energy_kwh') AS energy_kwh "
            "FROM om_rows GROUP BY ts, meter_id")
        return Staged(METER_SAMPLES, {c: (c, 1.0) for c in ("ts", "meter_id", "power_kw", "energy_kwh")},
                      list(pre_rejects), list(notes))
    raise ValueError(f"stage_long_rows: no pivot for {kind!r} (gpu_samples, link_samples, meter_samples)")


def _register_mapped(con: duckdb.DuckDBPyConnection, rows: dict[str, list] | pa.Table,
                     types: dict[str, pa.DataType]) -> None:
    table = rows if isinstance(rows, pa.Table) else pa.table(
        {k: pa.array(v, type=types.get(k, pa.string())) for k, v in rows.items()})
    con.execute("DROP VIEW IF EXISTS src")
    con.register("om_arrow", table)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE om_rows AS SELECT * FROM om_arrow")
    finally:
        con.unregister("om_arrow")
