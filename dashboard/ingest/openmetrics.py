"""Prometheus text exposition and OpenMetrics files, e.g. what ``curl host:9400/metrics`` returns,
or a back-fill of 10,000 GPUs × one day (21 GB, 130 M samples).

Three layers, so that the Prometheus sync can reuse the last two:

1. Reading text into long samples (line, metric, label set, ts, value) and rejecting the lines it
   cannot read, each with its reason: a value that is not a number, a timestamp out of range, a
   line cut off at the end of the file, a line after ``# EOF``, the last sample of an OpenMetrics
   file without ``# EOF``. ``read`` streams a file in blocks of whole lines; ``parse_exposition``
   reads a text already in memory.
2. The mapping rules: which exposition names feed which column (``gpu_metric``, ``link_metric``,
   both spellings of a counter, ``_total`` or not), which labels name a GPU (``gpu_identity``,
   ``mig_instance``) or an interface (``link_identity``, ``is_virtual_interface``).
3. ``stage_rows``, THE pivot: long samples in, one ``Staged`` per record kind out (GPU samples, link
   samples), after duplicate series are rejected, the value limits
   (queries/definitions/030_value_limits.sql) are applied to each line and conflicting series are
   rejected.

Memory stays bounded whatever the file's size: samples are appended to DuckDB temp tables
(``om_long``; queries/ingest/openmetrics_scratch.sql) a chunk at a time, a label set is kept once
(``om_series``) and referred to by an id, and every whole-file check (duplicate series, conflicting
samples, metrics not used, ``node_uname_info``/``ifType_info`` that come after the interfaces) is
SQL over those tables; DuckDB holds the rest under its memory_limit and spills to its
temp_directory. Python keeps one block of text and bounded caches (label text, timestamp text).

Scrapes usually carry no timestamps: the sample time is then ``at`` (``--at``) or, failing that,
the file's modification time, and the report says which was used. docs/real-inputs.md has the
formats these rules follow, with their sources.
"""
from __future__ import annotations

import contextlib
import gc
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO, Callable, Collection, Iterable, Iterator, NamedTuple

import duckdb
import numpy as np
import pyarrow as pa

from .. import queries
from ..config import QUERIES_DIR
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


# ---------------------------------------------------------------- parsing text into long samples

_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\\n]|\\.)*)"\s*')
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|nan|inf|infinity)",
                     re.IGNORECASE)
_ESCAPES = {"\\\\": "\\", '\\"': '"', "\\n": "\n"}
SHOWN_CHARS = 60  # a reason quotes at most this much of the offending text
FIRST_TS = datetime(2000, 1, 1)
END_TS = datetime(2100, 1, 1)
_EPOCH = datetime(1970, 1, 1)
_US = timedelta(microseconds=1)


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
_LABELS = re.compile(rf'(?:{_PAIR}(?:,{_PAIR})*,?)?')


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
    if _NUMBER.fullmatch(text):
        try:
            return float(text)
        except ValueError:  # the pattern ignores case, float() does not for every letter ('ınf')
            pass
    raise LineError(f"{name}: cannot read value {_shown(text)} as a number")


def _timestamp_us(text: str, openmetrics: bool) -> int:
    """A sample timestamp as microseconds since 1970; the LineError's message leaves out the metric."""
    unit = "seconds" if openmetrics else "milliseconds"
    try:
        t = float(text) if _NUMBER.fullmatch(text) else math.nan
    except ValueError:
        t = math.nan
    if not math.isfinite(t):
        raise LineError(f"cannot read timestamp {_shown(text)} (Unix time in {unit})")
    seconds = t if openmetrics else t / 1000
    lo, hi = (FIRST_TS - _EPOCH).total_seconds(), (END_TS - _EPOCH).total_seconds()
    if not lo <= seconds < hi:
        given = {"seconds": t, "milliseconds": t / 1e3, "microseconds": t / 1e6, "nanoseconds": t / 1e9}
        fits = [u for u, v in given.items() if lo <= v < hi and u != unit]
        hint = f" ({fits[0]} given? {'OpenMetrics' if openmetrics else 'Prometheus text'} timestamps are {unit})" \
            if fits else ""
        raise LineError(f"timestamp {_shown(text)} is outside 2000..2099{hint}")
    return timedelta(seconds=seconds) // _US


def parse_timestamp(name: str, text: str, openmetrics: bool) -> datetime:
    """A sample timestamp: seconds in OpenMetrics, milliseconds in Prometheus text format."""
    try:
        return _EPOCH + _timestamp_us(text, openmetrics) * _US
    except LineError as e:
        raise LineError(f"{name}: {e}") from None


def _us(ts: datetime) -> int:
    if ts.tzinfo is not None:
        ts = ts.astimezone(timezone.utc).replace(tzinfo=None)
    return (ts - _EPOCH) // _US


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Building 10^5 small objects sets off the cyclic collector again and again, scanning all of
    them each time (measured: 7.0 s instead of 2.0 s for a 120,000-line scrape); they hold no
    cycles, so it is paused while they are built."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


BLOCK_BYTES = 1 << 22        # read at a time; the reader holds about one block of text
MAX_LINE_BYTES = 1 << 24     # a longer line is not an exposition line (the reader would have to hold it)
CHUNK_SAMPLES = 200_000      # samples appended to DuckDB at a time
CACHE_ENTRIES = 100_000      # label and timestamp texts remembered (then forgotten and learnt again)
_BOM = b"\xef\xbb\xbf"


class TextBlocks:
    """A binary stream as text in blocks of whole lines (each block ends with a line break), then
    the text after the last line break (``final``). A UTF-8 byte-order mark at the start is
    skipped; text that is not UTF-8 is a FileError naming the line."""

    def __init__(self, f: BinaryIO, source: str):
        self.f, self.source = f, source
        self.blank = True       # only whitespace so far (the byte-order mark counts as text)
        self.lines = 0          # line breaks passed
        self.bytes = 0

    def __iter__(self) -> Iterator[tuple[str, bool]]:
        carry = b""
        first = True
        while True:
            data = self.f.read(BLOCK_BYTES)
            self.bytes += len(data)
            if self.blank and data.strip():
                self.blank = False
            if first:
                first = False
                if data.startswith(_BOM):
                    data = data[len(_BOM):]
            if not data:
                break
            cut = data.rfind(b"\n")
            if cut < 0:
                carry += data
                if len(carry) > MAX_LINE_BYTES:
                    self._too_long()
                continue
            if carry and len(carry) + data.find(b"\n") > MAX_LINE_BYTES:
                self._too_long()
            block = carry + data[: cut + 1] if carry else data[: cut + 1]
            carry = data[cut + 1:]
            yield self._decode(block), False
            self.lines += block.count(b"\n")
        yield self._decode(carry), True

    def _decode(self, block: bytes) -> str:
        try:
            return block.decode("utf-8")
        except UnicodeDecodeError as e:
            line = self.lines + block[: e.start].count(b"\n") + 1
            raise FileError(f"{self.source}: not UTF-8 text (line {line}: {e.reason})") from None

    def _too_long(self) -> None:
        raise FileError(f"{self.source}: line {self.lines + 1} is longer than {MAX_LINE_BYTES >> 20} MiB: "
                        "not a Prometheus or OpenMetrics exposition")


# A block's lines in one findall, one match per line: the well-formed sample line (value and
# timestamp numbers, an optional exemplar, a CR before the line break) in groups, anything else
# (comments, blank lines, whatever the careful path must read) as an empty match. It reads the
# line before stripping: an exemplar counts only if text follows its `# ` (as in the stripped line).
_NUM = r"[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|[nN][aA][nN]|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?)"
_BLOCK = re.compile(rf"^(?:([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{{([^}}\n]*)\}})?[ \t]+({_NUM})(?:[ \t]+({_NUM}))?"
                    r"(?: # (?=[^\n]*\S)[^\n]*)?[ \t]*\r?$|[^\n]*$)", re.MULTILINE)
_MISS = -(1 << 63)       # not in a cache (no timestamp is that far back)
_BAD_TS = _MISS + 1      # a timestamp text that is not one (its reason in Scanner.ts_errors)


def _is_sample_line(line: str) -> bool:
    s = line.strip()
    return bool(s) and s[0] != "#"


class Scanner:
    """Reads lines into a sink (``_LongStore`` or ``_RowCollector``): well-formed sample lines a
    block at a time, the others one by one with the rules of ``parse_line``.

    Whole-file rules that need what comes later: the last line without a line break is rejected
    as truncated; in OpenMetrics, the last sample line of a file without ``# EOF`` is held back
    until a later sample line or ``# EOF`` shows it was not the last, else rejected; lines after
    ``# EOF`` are rejected."""

    def __init__(self, sink: _LongStore | _RowCollector, default_ts: datetime, openmetrics: bool):
        self.sink, self.openmetrics = sink, openmetrics
        self.default_us = _us(default_ts)
        self.lineno = 0
        self.eof_at: int | None = None
        self.held: tuple[int, str] | None = None
        self.any_text = False
        self.stamped = False
        self.label_ids: dict[str, int] = {}
        self.bad_labels: set[str] = set()
        self.ts_cache: dict[str, int] = {"": self.default_us}
        self.ts_errors: dict[str, str] = {}

    # -- whole lines

    def feed(self, text: str) -> None:
        """Whole lines (text ending with a line break)."""
        if not text:
            return
        self.any_text = True
        start = self.lineno
        lines = text.split("\n")
        lines.pop()
        n = len(lines)
        self.lineno += n
        if self.eof_at is not None:
            self._after_eof(lines, start)
            return
        if len(self.label_ids) > CACHE_ENTRIES:
            self.label_ids.clear()
            self.bad_labels.clear()
        if len(self.ts_cache) > CACHE_ENTRIES:
            self.ts_cache = {"": self.default_us}
            self.ts_errors.clear()
        names, lts, vts, tts = zip(*_BLOCK.findall(text, 0, len(text) - 1))
        slow = [i for i, name in enumerate(names) if not name] if "" in names else []
        end = n
        eof = next((i for i in slow if lines[i].rstrip("\r") == "# EOF"), None)
        hold = None
        if eof is not None:
            end = eof
            self.eof_at = start + eof + 1
        elif self.openmetrics:
            hold = n - 1
            while hold >= 0 and not names[hold] and not _is_sample_line(lines[hold]):
                hold -= 1
            if hold < 0:
                hold = None
        if self.held is not None and (eof is not None or hold is not None):
            self._slow(*self.held)  # a later sample line or # EOF follows: it was not the last
            self.held = None
        if hold is not None:
            self.held = (start + hold + 1, lines[hold])
        # Lines from the held one on are not samples (it is the last); the fast lines are those
        # before `limit`, all of them unless a comment or odd line lies among them.
        limit = end if hold is None else hold
        if slow and slow[0] < limit:
            self._fast(lines, start, names, lts, vts, tts, [i for i in range(limit) if names[i]])
            for i in slow:
                if i >= limit:
                    break
                self._slow(start + i + 1, lines[i])
        else:
            self._fast(lines, start, names[:limit], lts[:limit], vts[:limit], tts[:limit], None)
        if eof is not None:
            self._after_eof(lines[eof + 1:], start + eof + 1)

    def finish(self, tail: str) -> list[str]:
        """The text after the last line break (the last line when the file does not end with
        one); returns the reader's notes."""
        notes: list[str] = []
        if tail:
            self.any_text = True
            lineno = self.lineno + 1
            self.lineno = lineno
            if self.eof_at is not None:
                self._after_eof([tail], lineno - 1)
            elif tail.rstrip("\r") == "# EOF":
                self.eof_at = lineno
            elif _is_sample_line(tail):
                if self.held is not None:
                    self._slow(*self.held)
                    self.held = None
                self._slow(lineno, tail, "truncated last line: the file ends without a line break, so the "
                                         "line may be cut short; not stored")
        if self.held is not None:
            if self.eof_at is not None:
                self._slow(*self.held)
            else:
                self._slow(*self.held, "truncated: an OpenMetrics exposition ends with `# EOF` and this file "
                                       "has none, so it may be cut short after this line; not stored")
            self.held = None
        if self.openmetrics and self.eof_at is None and self.any_text:
            notes.append("OpenMetrics without `# EOF`: the exposition may be cut short (its last sample line "
                         "was not stored)")
        return notes

    # -- the lines of a block

    def _after_eof(self, lines: list[str], start: int) -> None:
        for i, line in enumerate(lines, start + 1):
            if line.strip():
                self.sink.reject(i, "", "after # EOF: an OpenMetrics exposition ends there", line)

    def _fast(self, lines: list[str], start: int, names: tuple, lts: tuple, vts: tuple, tts: tuple,
              pick: list[int] | None) -> None:
        """The sample lines the block pattern read (``pick``: their indexes; None: all), vectorised."""
        if pick is not None:
            if not pick:
                return
            get = itemgetter(*pick)
            names, lts, vts, tts = ((get(c),) if len(pick) == 1 else get(c) for c in (names, lts, vts, tts))
            line_no = np.asarray(pick, dtype=np.int64) + (start + 1)
        else:
            line_no = np.arange(start + 1, start + 1 + len(names), dtype=np.int64)
        k = len(names)
        if not k:
            return
        sink = self.sink
        try:
            values = np.fromiter(map(float, vts), np.float64, k)
        except ValueError:  # never for a token the pattern accepts; if it happens, line by line
            for i in range(k):
                self._slow(int(line_no[i]), lines[int(line_no[i]) - start - 1])
            return
        mids = np.fromiter(map(sink.metric_ids.get, names, repeat(-1)), np.int32, k)
        if (mids < 0).any():
            for i in np.flatnonzero(mids < 0):
                mids[i] = sink.metric_id(names[i])
        lids = np.fromiter(map(self.label_ids.get, lts, repeat(_MISS)), np.int64, k)
        bad = None
        if (lids == _MISS).any():
            for i in np.flatnonzero(lids == _MISS):
                lid = self._label_id(lts[i])
                if lid is None:
                    bad = np.zeros(k, bool) if bad is None else bad
                    bad[i] = True
                else:
                    lids[i] = lid
        ts = np.fromiter(map(self.ts_cache.get, tts, repeat(_MISS)), np.int64, k)
        if (ts == _MISS).any():
            for i in np.flatnonzero(ts == _MISS):
                us = self.ts_cache.get(tts[i])
                ts[i] = self._ts(tts[i]) if us is None else us
        bad_ts = ts == _BAD_TS
        has_bad_ts = bool(bad_ts.any())
        if bad is None and not has_bad_ts:
            if "" in tts:
                self.stamped = True
            sink.add(line_no, ts, mids, lids, values)
            return
        bad = np.zeros(k, bool) if bad is None else bad
        for i in np.flatnonzero(bad):  # e.g. a label given twice: the careful path says what is wrong
            self._slow(int(line_no[i]), lines[int(line_no[i]) - start - 1])
        for i in np.flatnonzero(bad_ts & ~bad):
            j = int(line_no[i])
            self.sink.reject(j, names[i], f"{names[i]}: {self.ts_errors[tts[i]]}", lines[j - start - 1])
        keep = ~(bad | bad_ts)
        if any(tts[i] == "" for i in np.flatnonzero(keep)):
            self.stamped = True
        sink.add(line_no[keep], ts[keep], mids[keep], lids[keep], values[keep])

    def _label_id(self, text: str) -> int | None:
        """The label set of a label text as the block pattern cut it; None: not for the fast path."""
        lid = self.label_ids.get(text)
        if lid is not None or text in self.bad_labels:
            return lid
        labels = None
        if _LABELS.fullmatch(text):
            pairs = _FAST_LABEL.findall(text)
            labels = {k: _unescape(v) for k, v in pairs}
            if len(labels) != len(pairs):
                labels = None
        if labels is None:
            self.bad_labels.add(text)
            return None
        lid = self.label_ids[text] = self.sink.series_id(labels)
        return lid

    def _ts(self, text: str) -> int:
        try:
            us = _timestamp_us(text, self.openmetrics)
        except LineError as e:
            self.ts_errors[text] = str(e)
            us = _BAD_TS
        self.ts_cache[text] = us
        return us

    def _slow(self, lineno: int, line: str, reason: str | None = None) -> None:
        """One line by the rules of ``parse_line``; ``reason``: reject it whatever it holds."""
        s = line.strip()
        if not s or s[0] == "#":
            return
        try:
            if reason:
                raise LineError(reason)
            name, labels, value_text, ts_text = parse_line(s)
            value = parse_value(name, value_text)
            if ts_text is None:
                ts = self.default_us
            else:
                try:
                    ts = _timestamp_us(ts_text, self.openmetrics)
                except LineError as e:
                    raise LineError(f"{name}: {e}") from None
        except LineError as e:
            m = _NAME.match(s)
            self.sink.reject(lineno, m.group(0) if m else "", str(e), line)
            return
        if ts_text is None:
            self.stamped = True
        self.sink.add_one(lineno, ts, self.sink.metric_id(name), self.sink.series_id(labels), value)


def _series_key(labels: dict[str, str]) -> int:
    """The id of a label set as written (a 64-bit hash of its labels in their order; two that hash
    alike are found in om_series and the load refused)."""
    return hash(tuple(labels.items()))


class Parsed(NamedTuple):
    rows: list[Row]
    rejects: list[Reject]
    notes: list[str]
    stamped: bool  # some sample had no timestamp and took the default


class _RowCollector:
    """The sink of ``parse_exposition``: samples as Row objects, in memory."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.metric_ids: dict[str, int] = {}
        self.metrics: list[str] = []
        self.labels: dict[int, dict[str, str]] = {}
        self.parts: list[tuple[np.ndarray, ...]] = []
        self.rejects: list[Reject] = []

    def metric_id(self, name: str) -> int:
        if name not in self.metric_ids:
            self.metric_ids[name] = len(self.metrics)
            self.metrics.append(name)
        return self.metric_ids[name]

    def series_id(self, labels: dict[str, str]) -> int:
        lid = _series_key(labels)
        self.labels.setdefault(lid, labels)
        return lid

    def add(self, line, ts, mid, lid, value) -> None:
        self.parts.append((line, ts, mid, lid, value))

    def add_one(self, line: int, ts: int, mid: int, lid: int, value: float) -> None:
        self.parts.append(tuple(np.array([x]) for x in (line, ts, mid, lid, value)))

    def reject(self, line: int, series: str, reason: str, raw: str) -> None:
        self.rejects.append((line, series, reason, raw))

    def rows(self) -> list[Row]:
        if not self.parts:
            return []
        line, ts, mid, lid, value = (np.concatenate(c) for c in zip(*self.parts))
        order = np.argsort(line, kind="stable")
        return [Row(self.metrics[int(mid[i])], self.labels[int(lid[i])], _EPOCH + int(ts[i]) * _US,
                    float(value[i]), int(line[i]), self.lines[int(line[i]) - 1]) for i in order]


def is_openmetrics(path: Path | None, text: str) -> bool:
    """OpenMetrics rather than Prometheus text format: it says so (``# EOF``, ``# UNIT``) or is named so."""
    if path is not None and path.suffix.lower() in (".om", ".openmetrics"):
        return True
    return bool(re.search(r"^# (EOF|UNIT )", text, re.MULTILINE))


def file_is_openmetrics(path: Path) -> bool:
    """``is_openmetrics`` for a file, without holding it: its name, its end (``# EOF``), else a
    scan of its bytes for a line starting ``# EOF`` or ``# UNIT ``."""
    if path.suffix.lower() in (".om", ".openmetrics"):
        return True
    marks = (b"\n# EOF", b"\n# UNIT ")
    with path.open("rb") as f:
        size = path.stat().st_size
        f.seek(max(0, size - 64))
        if marks[0] in f.read():
            return True
        f.seek(0)
        head = f.read(BLOCK_BYTES)
        if head.startswith(_BOM):
            head = head[len(_BOM):]
        if head.startswith((b"# EOF", b"# UNIT ")):
            return True
        window = head
        while window:
            if any(m in window for m in marks):
                return True
            data = f.read(BLOCK_BYTES)
            window = window[-8:] + data if data else b""
    return False


def parse_exposition(text: str, default_ts: datetime, openmetrics: bool) -> Parsed:
    """Long rows from an exposition's text in memory, and the lines rejected, each with its
    reason. Duplicate series are found when the rows are staged (``stage_rows``)."""
    lines = text.split("\n")
    sink = _RowCollector(lines)
    scan = Scanner(sink, default_ts, openmetrics)
    cut = text.rfind("\n") + 1
    with _no_gc():
        scan.feed(text[:cut])
        notes = scan.finish(text[cut:])
        rows = sink.rows()
    return Parsed(rows, sorted(sink.rejects, key=lambda r: r[0]), notes, scan.stamped)


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


def _raw(row: Row) -> str:
    if row.raw is not None:
        return row.raw
    labels = ",".join(f'{k}="{v}"' for k, v in row.labels.items())
    return f"{row.metric}{{{labels}}} {row.value!r} @ {row.ts:%Y-%m-%dT%H:%M:%S}Z"


def _route(metric: str) -> str:
    """The record kind a rejected line's metric feeds: its reject is reported there."""
    return "gpu" if gpu_metric(metric) else "link" if link_metric(metric) else "other"


def _sql(name: str) -> str:
    return queries.load(f"ingest/{name}").sql


_LONG_SCHEMA = pa.schema([("line", pa.int64()), ("ts", pa.timestamp("us")), ("mid", pa.int32()),
                          ("lid", pa.int64()), ("value", pa.float64()), ("raw", pa.string())])
_SERIES_SCHEMA = pa.schema([("lid", pa.int64()), ("ckey", pa.int64()), ("labels", pa.string()),
                            ("canon", pa.string()), ("rendered", pa.string()), ("gpu_uuid", pa.string()),
                            ("mig", pa.string()), ("mig_profile", pa.string()), ("hostname", pa.string()),
                            ("gpu_index", pa.int64()),
                            ("model", pa.string())])
_REJECT_SCHEMA = pa.schema([("line", pa.int64()), ("series", pa.string()), ("reason", pa.string()),
                            ("raw", pa.string()), ("route", pa.string())])
_RAW_PAGE = 100_000


def _append(con: duckdb.DuckDBPyConnection, table: str, arrow: pa.Table) -> None:
    # Not con.register(): inside the load's transaction a registered table stays referenced until
    # the commit, so every chunk would be held (measured: 40 M rows, 2.7 GB instead of 1.1 GB).
    con.from_arrow(arrow).insert_into(table)


class _LongStore:
    """The sink of ``read`` and ``stage_rows``: samples appended to DuckDB a chunk at a time
    (queries/ingest/openmetrics_scratch.sql), label sets once per cache generation, rejects as
    they come. ``stage`` then checks the whole in SQL and pivots it."""

    def __init__(self, con: duckdb.DuckDBPyConnection, host: str | None):
        self.con, self.host = con, host
        con.execute("DROP VIEW IF EXISTS src")
        con.execute(_sql("openmetrics_scratch"))
        self.metric_ids: dict[str, int] = {}
        self.metrics: list[str] = []
        self._by_items: dict[tuple, int] = {}
        self._parts: list[tuple[np.ndarray, ...]] = []
        self._one: list[tuple[int, int, int, int, float]] = []
        self._raw: list[str] | None = None
        self._buffered = 0
        self._series: list[tuple] = []
        self._rejects: list[tuple] = []
        self.samples = 0

    # -- the sink

    def metric_id(self, name: str) -> int:
        mid = self.metric_ids.get(name)
        if mid is None:
            mid = self.metric_ids[name] = len(self.metrics)
            self.metrics.append(name)
        return mid

    def series_id(self, labels: dict[str, str]) -> int:
        items = tuple(labels.items())
        lid = self._by_items.get(items)
        if lid is not None:
            return lid
        if len(self._by_items) > CACHE_ENTRIES:
            self._by_items.clear()
        canon = tuple(sorted(items))
        lid = self._by_items[items] = hash(items)
        index = labels.get("gpu")
        self._series.append((
            lid, hash(canon), json.dumps(items), json.dumps(canon),
            ",".join(f'{k}="{v}"' for k, v in items), gpu_identity(labels), mig_instance(labels),
            _first(labels, "GPU_I_PROFILE"),
            gpu_host(labels, self.host), int(index) if index and index.isdecimal() else None,
            _first(labels, "modelName", "model_name")))
        return lid

    def add(self, line: np.ndarray, ts: np.ndarray, mid: np.ndarray, lid: np.ndarray, value: np.ndarray) -> None:
        if len(line):
            self._parts.append((line, ts, mid, lid, value))
            self._buffered += len(line)
            if self._buffered >= CHUNK_SAMPLES:
                self.flush()

    def add_one(self, line: int, ts: int, mid: int, lid: int, value: float, raw: str | None = None) -> None:
        self._one.append((line, ts, mid, lid, value))
        if raw is not None:
            self._raw = self._raw or []
            self._raw.append(raw)
        self._buffered += 1
        if self._buffered >= CHUNK_SAMPLES:
            self.flush()

    def reject(self, line: int | None, series: str, reason: str, raw: str) -> None:
        self._rejects.append((line, series, reason, raw, _route(series or "")))
        if len(self._rejects) >= CHUNK_SAMPLES:
            self.flush()

    def flush(self) -> None:
        con = self.con
        unquoted = sum(len(part[0]) for part in self._parts) + len(self._one) - len(self._raw or ())
        if self._one:
            self._parts.append(tuple(np.array(c, dtype=t) for c, t in
                                     zip(zip(*self._one), (np.int64, np.int64, np.int32, np.int64, np.float64))))
        if self._parts:
            line, ts, mid, lid, value = (np.concatenate(c) for c in zip(*self._parts))
            # raw: given with whole rows only (they come last), else the file is read again for it
            raw = pa.nulls(len(line), pa.string()) if self._raw is None else pa.concat_arrays(
                [pa.nulls(unquoted, pa.string()), pa.array(self._raw, pa.string())])
            _append(con, "om_long", pa.Table.from_arrays(
                [pa.array(line), pa.array(ts, pa.timestamp("us")), pa.array(mid.astype(np.int32)),
                 pa.array(lid), pa.array(value), raw], schema=_LONG_SCHEMA))
            self.samples += len(line)
        if self._series:
            _append(con, "om_series_raw", pa.Table.from_pylist(
                [dict(zip(_SERIES_SCHEMA.names, s)) for s in self._series], schema=_SERIES_SCHEMA))
        if self._rejects:
            _append(con, "om_rejects", pa.Table.from_pylist(
                [dict(zip(_REJECT_SCHEMA.names, r)) for r in self._rejects], schema=_REJECT_SCHEMA))
        self._parts, self._one, self._series, self._rejects = [], [], [], []
        self._raw = None
        self._buffered = 0

    def add_rows(self, rows: Iterable[Row]) -> None:
        """Rows given whole (a Prometheus query's points, or ``parse_exposition``'s); a row
        without a line number gets a negative one, reported as none."""
        unnumbered = 0
        for row in rows:
            line = row.line
            if line is None:
                unnumbered += 1
                line = -unnumbered
            self.add_one(line, _us(row.ts), self.metric_id(row.metric), self.series_id(row.labels), row.value,
                         _raw(row))

    # -- the whole: checks in SQL, then the pivot

    def stage(self, *, kind: str | None, notes: list[str], stamped: datetime | None, source: str,
              raw_from: Path | None) -> Iterator[Staged]:
        """Check the samples appended (duplicates, NaN, identities, value limits, conflicts) and
        yield one ``Staged`` per record kind; ``raw_from``: the file whose lines the rejects
        found here quote (read again for those lines only)."""
        self.flush()
        con = self.con
        known_links = {r[0] for r in con.execute("SELECT link_name FROM links").fetchall()}
        want_gpu, want_link = kind in (None, "gpu_samples"), kind in (None, "link_samples")
        metric_rows = []
        for mid, name in enumerate(self.metrics):
            g = gpu_metric(name)
            lk = link_metric(name) if not g else None
            used_as = "gpu" if g and want_gpu else "link" if lk and want_link else None
            col, factor = (g or lk or (None, None)) if used_as else (None, None)
            metric_rows.append({"mid": mid, "metric": name, "kind": used_as, "route": _route(name),
                                "col": col, "factor": factor})
        _append(con, "om_metrics", pa.Table.from_pylist(metric_rows, schema=pa.schema(
            [("mid", pa.int32()), ("metric", pa.string()), ("kind", pa.string()), ("route", pa.string()),
             ("col", pa.string()), ("factor", pa.float64())])))
        con.execute(_sql("openmetrics_series"))
        if con.execute("SELECT (SELECT count(*) FROM om_series WHERE sets > 1) + (SELECT count(*) FROM "
                       "(SELECT ckey FROM om_series GROUP BY ckey HAVING count(DISTINCT canon) > 1))").fetchone()[0]:
            raise FileError(f"{source}: two different label sets have the same 64-bit id (a hash collision); "
                            "nothing stored: please report it")
        con.execute(_sql("openmetrics_duplicates"))
        if con.execute("SELECT count(*) FROM om_dups").fetchone()[0]:
            con.execute(_sql("openmetrics_duplicates_reject"))

        unused = Counter(dict(con.execute(_sql("openmetrics_unused")).fetchall()))
        nodenames = {labels.get("nodename") for labels in self._info("node_uname_info")} - {None, ""}
        if_types: dict[tuple[str | None, str], str] = {}
        for labels in self._info("ifType_info"):
            if labels.get("ifIndex") and labels.get("ifType"):
                if_types[(host_of(labels), labels["ifIndex"])] = labels["ifType"]

        con.execute(_sql("openmetrics_gpu_rows"))
        gpu_rows, mig = con.execute("SELECT count(*), coalesce(bool_or(mig IS NOT NULL), false) "
                                    "FROM om_gpu_long").fetchone()

        # Interfaces are placed once the whole file is read: node_uname_info may come after them.
        link_series = [(lid, dict(json.loads(labels))) for lid, labels in
                       con.execute(_sql("openmetrics_link_series")).fetchall()]
        fallback_host = self.host or (next(iter(nodenames)) if len(nodenames) == 1 else None)
        used_info: list[str] = []
        if link_series and fallback_host and not self.host and any(not host_of(lb) for _l, lb in link_series):
            unused.pop("node_uname_info", None)
            used_info.append(f"node_uname_info: nodename {fallback_host} taken as the host of interfaces "
                             "whose series name none (pass --host to set another)")
        if link_series and if_types:
            unused.pop("ifType_info", None)
            used_info.append("ifType_info: interface types used to flag virtual interfaces")
        ids = []
        for lid, labels in link_series:
            ident = link_identity(labels, fallback_host, known_links,
                                  if_types.get((host_of(labels), labels.get("ifIndex", ""))))
            ids.append({"lid": lid, "err": ident} if isinstance(ident, str) else
                       {"lid": lid, "link_id": ident.name, "a_end": ident.host, "is_virtual": ident.virtual})
        con.execute("CREATE OR REPLACE TEMP TABLE om_link_ids (lid BIGINT, link_id VARCHAR, a_end VARCHAR, "
                    "is_virtual BOOLEAN, err VARCHAR)")
        if ids:
            _append(con, "om_link_ids", pa.Table.from_pylist(ids, schema=pa.schema(
                [("lid", pa.int64()), ("link_id", pa.string()), ("a_end", pa.string()),
                 ("is_virtual", pa.bool_()), ("err", pa.string())])))
        con.execute(_sql("openmetrics_link_rows"))
        speed_unknown = [r[0] for r in con.execute(_sql("openmetrics_speed_unknown")).fetchall()]
        link_rows = con.execute("SELECT count(*) FROM om_link_long").fetchone()[0]

        routes = dict(con.execute("SELECT route, count(*) FROM om_rejects GROUP BY route").fetchall())
        emit_gpu = want_gpu and bool(gpu_rows or routes.get("gpu"))
        emit_link = want_link and bool(link_rows or routes.get("link"))
        if not (emit_gpu or emit_link):
            seen = sorted(unused)
            raise FileError(f"{source}: no GPU (DCGM_FI_*) or interface counter series found"
                            + (f"; saw only {', '.join(seen[:5])}" + (" …" if len(seen) > 5 else "") if seen
                               else "; no sample line could be read" if routes.get("other") else ""))
        virtual_ports = [r[0] for r in con.execute(  # as placed, before the value limits
            "SELECT DISTINCT link_id FROM om_link_long WHERE is_virtual ORDER BY 1").fetchall()] if emit_link else []
        if emit_gpu:
            self._limits_and_conflicts("om_gpu_long", "gpu_value_problem", ("ts", "gpu_uuid", "mig", "col"),
                                       "GPU", "gpu")
        if emit_link:
            self._limits_and_conflicts("om_link_long", "link_value_problem", ("ts", "link_id", "col"),
                                       "link", "link")
        if raw_from is not None:
            _fill_raw(con, raw_from, source)
        other_to = "gpu" if emit_gpu else "link"
        for dest in ("gpu", "link"):
            routes_here = [dest] + (["other"] if dest == other_to else [])
            con.execute(f"""
                CREATE OR REPLACE TEMP VIEW om_rejects_{dest} AS
                SELECT CASE WHEN line > 0 THEN line END AS line, NULLIF(series, '') AS series, reason, raw,
                       abs(line) AS seq
                FROM om_rejects WHERE route IN ({", ".join(f"'{r}'" for r in routes_here)})""")
        con.execute("DROP TABLE IF EXISTS om_long")  # the long tables hold what the pivots need

        head = list(notes) + used_info
        if unused:
            head.append(_wrap_list(f"{len(unused)} metrics not used ({sum(unused.values()):,} samples); "
                                   "metric (samples):",
                                   [f"{m} ({n:,})" + (" [counter creation time]" if counter_family(m)[1] == "_created"
                                                      else "") for m, n in sorted(unused.items())]))
        if emit_gpu:
            head += _pivot_gpus(con, mig)
            cols = ["ts", "gpu_uuid", "hostname", "gpu_index", "model", *DEVICE_LEVEL, *RATIOS]
            yield Staged(GPU_SAMPLES, {c: (c, 1.0) for c in cols}, [], head, stamped, reject_relation="om_rejects_gpu")
            head = []
        if emit_link:
            _pivot_links(con)
            if virtual_ports:
                head.append(f"{len(virtual_ports)} virtual interfaces (loopback, container, bridge, tunnel) stored "
                            "and left out of site totals: " + ", ".join(virtual_ports[:10])
                            + (" …" if len(virtual_ports) > 10 else ""))
            if speed_unknown:
                head.append(f"{len(speed_unknown)} interfaces report no speed (0 or less): capacity unknown, "
                            "utilisation shown as unknown: " + ", ".join(speed_unknown[:10])
                            + (" …" if len(speed_unknown) > 10 else ""))
            cols = ["ts", "link_id", "rx_bytes", "tx_bytes", "capacity_gbps", "a_end", "is_virtual", "capacity_source"]
            yield Staged(LINK_SAMPLES, {c: (c, 1.0) for c in cols}, [], head, stamped, reject_relation="om_rejects_link")

    def _info(self, metric: str) -> list[dict[str, str]]:
        """The label sets of an info metric, in the order of their last line."""
        mid = self.metric_ids.get(metric)
        if mid is None:
            return []
        q = queries.load("ingest/openmetrics_info")
        return [dict(json.loads(labels)) for _lid, labels in self.con.execute(q.sql, q.bind({"mid": mid})).fetchall()]

    def _limits_and_conflicts(self, table: str, limits_macro: str, key: tuple[str, ...], what: str,
                              route: str) -> None:
        """Reject (and delete) lines past the value limits, then groups of lines that disagree for
        the same key: all of a group's lines, the reason naming values, lines and differing labels."""
        con = self.con
        con.execute(f"""
            INSERT INTO om_rejects
            SELECT t.line, t.metric, t.metric || ': ' || {limits_macro}(t.col, t.value),
                   t.metric || '{{' || coalesce(s.rendered, '') || '}}', '{route}'
            FROM {table} t JOIN om_series s USING (lid)
            WHERE {limits_macro}(t.col, t.value) IS NOT NULL""")
        con.execute(f"DELETE FROM {table} WHERE {limits_macro}(col, value) IS NOT NULL")
        entity = [c for c in key if c != "ts"]
        # Two lines can disagree only where an entity and column have more than one series (label
        # set and metric); such pairs are few, so their keys are grouped alone. Grouping every
        # key would cost a hash entry per sample (measured: 4.6 s for 10 M samples).
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE om_conflict_keys AS
            WITH series AS (SELECT DISTINCT {", ".join(entity)}, lid, mid FROM {table}),
                 shared AS (SELECT {", ".join(entity)} FROM series GROUP BY ALL HAVING count(*) > 1)
            SELECT {", ".join(f"t.{c}" for c in key)}
            FROM {table} t SEMI JOIN shared s ON {" AND ".join(f"t.{c} IS NOT DISTINCT FROM s.{c}" for c in entity)}
            GROUP BY ALL HAVING min(t.value) <> max(t.value)""")
        if not con.execute("SELECT count(*) FROM om_conflict_keys").fetchone()[0]:
            return
        on = " AND ".join(f"t.{c} IS NOT DISTINCT FROM c.{c}" for c in key)
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE om_conflicts AS
            SELECT row_number() OVER (ORDER BY min(t.line)) AS k, {", ".join(f"t.{c}" for c in key)},
                   list(t.line ORDER BY t.line) AS lines, list(t.value ORDER BY t.line) AS vals,
                   list(t.metric ORDER BY t.line) AS metrics, list(t.lid ORDER BY t.line) AS lids
            FROM {table} t JOIN om_conflict_keys c ON {on}
            GROUP BY {", ".join(f"t.{c}" for c in key)}""")
        n = con.execute("SELECT count(*) FROM om_conflicts").fetchone()[0]
        for lo in range(1, n + 1, _RAW_PAGE):
            page = con.execute("SELECT * EXCLUDE (k) FROM om_conflicts WHERE k BETWEEN ? AND ? ORDER BY k",
                               [lo, lo + _RAW_PAGE - 1]).fetchall()
            series = dict(con.execute(
                "SELECT lid, labels FROM om_series WHERE lid IN "
                "(SELECT unnest(lids) FROM om_conflicts WHERE k BETWEEN ? AND ?)", [lo, lo + _RAW_PAGE - 1]).fetchall())
            labels_of = {lid: dict(json.loads(text)) for lid, text in series.items()}
            out = []
            for g in page:
                ts, entity, col = g[0], g[1], g[len(key) - 1]
                lines_, values, metrics, lids = g[len(key):]
                diff = _label_difference([labels_of.get(lid, {}) for lid in lids])
                shown = ", ".join(f"{v:g} (line {line})" for line, v in zip(lines_, values))
                reason = (f"conflicting sample: {col} of {what} {entity} at {ts:%Y-%m-%d %H:%M:%S} has {shown}"
                          + (f"; the series differ in {diff}" if diff else "") + ": none stored")
                for line, metric, lid in zip(lines_, metrics, lids):
                    out.append({"line": line, "series": metric, "reason": reason,
                                "raw": _render(metric, labels_of.get(lid)), "route": route})
            _append(con, "om_rejects", pa.Table.from_pylist(out, schema=_REJECT_SCHEMA))
        con.execute(f"DELETE FROM {table} WHERE line IN (SELECT unnest(lines) FROM om_conflicts)")


def _fill_raw(con: duckdb.DuckDBPyConnection, path: Path, source: str) -> None:
    """The raw text of rejected lines found by SQL (duplicates, NaN, no identity), read again
    from the file for those lines only, a page of line numbers at a time."""
    if not con.execute("SELECT count(*) FROM om_rejects WHERE raw IS NULL AND line > 0").fetchone()[0]:
        return
    con.execute("CREATE OR REPLACE TEMP TABLE om_need AS SELECT DISTINCT line FROM om_rejects "
                "WHERE raw IS NULL AND line > 0 ORDER BY line")
    con.execute("CREATE OR REPLACE TEMP TABLE om_raw (line BIGINT, raw VARCHAR)")

    def page(after: int) -> list[int]:
        return [r[0] for r in con.execute("SELECT line FROM om_need WHERE line > ? ORDER BY line LIMIT ?",
                                          [after, _RAW_PAGE]).fetchall()]

    need, pos = page(0), 0
    found: list[tuple[int, str]] = []
    with path.open("rb") as f:
        blocks = TextBlocks(f, source)
        start = 0
        for text, final in blocks:
            count = text.count("\n") + (1 if final and text else 0)
            if need and pos < len(need) and need[pos] <= start + count:
                lines = text.split("\n")
                while pos < len(need) and need[pos] <= start + count:
                    found.append((need[pos], lines[need[pos] - start - 1]))
                    pos += 1
                    if pos == len(need):
                        _append(con, "om_raw", pa.table({"line": pa.array([x[0] for x in found], pa.int64()),
                                                         "raw": pa.array([x[1] for x in found], pa.string())}))
                        found = []
                        need, pos = page(need[-1]), 0
            if not need:
                break
            start += count
    if found:
        _append(con, "om_raw", pa.table({"line": pa.array([x[0] for x in found], pa.int64()),
                                         "raw": pa.array([x[1] for x in found], pa.string())}))
    con.execute("UPDATE om_rejects SET raw = r.raw FROM om_raw r WHERE om_rejects.line = r.line "
                "AND om_rejects.raw IS NULL")


def _render(metric: str, labels: dict[str, str] | None) -> str:
    return metric + "{" + ",".join(f'{k}="{v}"' for k, v in (labels or {}).items()) + "}"


def _label_difference(label_sets: list[dict[str, str]]) -> str:
    names = set().union(*label_sets) if label_sets else set()
    differ = sorted(n for n in names if len({ls.get(n) for ls in label_sets}) > 1)
    return "label " + ", ".join(differ) if differ else ""


def stage_rows(con: duckdb.DuckDBPyConnection, rows: Iterable[Row], *, kind: str | None = None,
               host: str | None = None, rejects: Iterable[Reject] = (), notes: Iterable[str] = (),
               stamped: datetime | None = None, source: str = "the source") -> Iterator[Staged]:
    """THE pivot: long rows (metric, labels, ts, value, line) to one ``Staged`` per record kind.

    Over all rows: a row that repeats the metric, labels and time of an earlier numbered line is
    rejected as a duplicate series; metrics we do not use are counted (the report lists each with
    its sample count); NaN and ±Inf, values past the limits of
    queries/definitions/030_value_limits.sql, and series that cannot be placed (no GPU UUID, no
    host or interface) are rejected with the reason. Then two series for the same GPU (or link),
    column and time that disagree in value are rejected together as a conflicting sample, never
    merged; series that agree count once. Under MIG, a whole-GPU series wins; else device-level
    fields are taken once per GPU and profiling ratios averaged over its instances. ``rejects``
    are reader rejects routed to the kind their metric feeds; ``stamped``: the time given to rows
    without one (recorded with the load).
    """
    store = _LongStore(con, host)
    with _no_gc():
        store.add_rows(rows)
        for r in rejects:
            store.reject(r[0], r[1] or "", r[2], r[3])
    yield from store.stage(kind=kind, notes=list(notes), stamped=stamped, source=source, raw_from=None)


def _pivot_gpus(con: duckdb.DuckDBPyConnection, mig: bool = True) -> list[str]:
    """View ``src`` over om_gpu_long: one row per GPU and time. ``mig``: some series name a MIG
    instance (``pivot_mig``, whose notes it returns); without one, a single GROUP BY gives the same
    rows (series that agree count once, conflicts are gone) at a quarter of the cost (measured: 4.6 s
    instead of 18 s, 10 M samples)."""
    if mig:
        return pivot_mig(con, "om_gpu_long")
    aggs = ", ".join(f"max(value) FILTER (WHERE col = '{c}') AS {c}" for c in (*DEVICE_LEVEL, *RATIOS))
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW src AS
        SELECT min(line) AS line, ts, gpu_uuid, max(hostname) AS hostname, max(gpu_index) AS gpu_index,
               max(model) AS model, {aggs}
        FROM om_gpu_long GROUP BY ts, gpu_uuid""")
    return []


@dataclass(frozen=True)
class MigSlices:
    """Compute slices of whole GPUs under MIG (gpu_models.mig_slices): by model, and by GPU UUID
    through the inventory's model (for series without a model label)."""

    by_model: dict[str, int]
    by_gpu: dict[str, int]

    @classmethod
    def shipped(cls) -> "MigSlices":
        """The shipped catalog's (queries/reference/gpu_models.csv), for a store not yet made."""
        with duckdb.connect() as con:
            rows = con.execute("SELECT model, mig_slices FROM read_csv(?, header = true, all_varchar = true) "
                               "WHERE mig_slices <> ''", [str(QUERIES_DIR / "reference" / "gpu_models.csv")]).fetchall()
        return cls({m: int(n) for m, n in rows}, {})

    @classmethod
    def of_store(cls, con: duckdb.DuckDBPyConnection) -> "MigSlices":
        return cls(dict(con.execute("SELECT model, mig_slices FROM gpu_models WHERE mig_slices IS NOT NULL").fetchall()),
                   dict(con.execute("SELECT g.gpu_uuid, m.mig_slices FROM gpus g JOIN gpu_models m USING (model) "
                                    "WHERE m.mig_slices IS NOT NULL").fetchall()))


# what pivot_mig leaves in the connection for ``src`` to read: a view over the long rows, then tables
MIG_PIVOT_VIEWS = ("gpu_long",)
MIG_PIVOT_TABLES = ("mig_model_slices", "mig_gpu_slices", "mig_inst", "mig_ident", "mig_gpus")


def pivot_mig(con: duckdb.DuckDBPyConnection, long: str, slices: MigSlices | None = None) -> list[str]:
    """View ``src`` over long GPU rows (relation ``long``, a name from this package) some of which name
    a MIG instance, by queries/ingest/gpu_mig_pivot.sql; returns what the load's report says of it.
    ``slices``: None reads them from the store (``con`` is the store's connection)."""
    slices = slices or MigSlices.of_store(con)
    con.execute(f"CREATE OR REPLACE TEMP VIEW gpu_long AS SELECT * FROM {long}")
    for name, key, values in (("mig_model_slices", "model", slices.by_model),
                              ("mig_gpu_slices", "gpu_uuid", slices.by_gpu)):
        table = pa.table({key: pa.array(list(values), pa.string()), "slices": pa.array(list(values.values()), pa.int32())})
        _replace(con, name, table)
    con.execute(_sql("gpu_mig_pivot"))
    gpus, weighted, unprofiled, models = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE gpu_slices IS NOT NULL AND profiled), "
        "count(*) FILTER (WHERE NOT profiled), "
        "list(DISTINCT coalesce(model, 'no model label') ORDER BY 1) FILTER (WHERE gpu_slices IS NULL) "
        "FROM mig_gpus").fetchall()[0]
    notes = [f"MIG instances found on {_gpus(gpus)}: a whole-GPU series is used where there is one; else "
             "device-level fields (power, energy, clock, temperature, XID) are taken once per GPU, "
             "DCGM_FI_DEV_GPU_UTIL (0 on a MIG instance) is left empty, and profiling ratios are weighted by "
             "each instance's compute slices (GPU_I_PROFILE) over the GPU's (catalog mig_slices), so a slice "
             f"no instance holds counts as inactive: {weighted:,} of {_gpus(gpus)} weighted"]
    if weighted < gpus:
        why = ([f"models without mig_slices in the catalog: {', '.join(models)} (a catalog CSV with a "
                "mig_slices column adds them)"] if models else []) + \
              ([f"{_gpus(unprofiled)} with instance series without GPU_I_PROFILE"] if unprofiled else [])
        notes.append(f"MIG: the profiling ratios of {_gpus(gpus - weighted)} are averaged over their instances "
                     f"instead, which overstates a partly used GPU ({'; '.join(why)})")
    return notes


def _gpus(n: int) -> str:
    return f"{n:,} GPU" + ("" if n == 1 else "s")


def _replace(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """Temp table ``name`` (a name from this module) holding ``table``."""
    con.register("mig_arrow", table)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM mig_arrow")
    finally:
        con.unregister("mig_arrow")


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
    """Stream an exposition file into DuckDB in blocks of lines, then check and pivot it there."""
    if path.stat().st_size == 0:
        raise FileError(f"{path}: empty file")
    default_ts, default_note = files.stamp_time(path, at)
    store = _LongStore(con, host)
    scan = Scanner(store, default_ts, file_is_openmetrics(path))
    size = path.stat().st_size
    reported = 0
    with path.open("rb") as f, _no_gc():
        blocks = TextBlocks(f, str(path))
        for text, final in blocks:
            if final:
                notes = scan.finish(text)
            else:
                scan.feed(text)
            if progress and scan.lineno - reported >= 1_000_000:
                reported = scan.lineno
                progress(f"{path.name}: {scan.lineno:,} lines read ({blocks.bytes / size:.0%})")
        store.flush()
    if blocks.blank:
        raise FileError(f"{path}: empty file")
    if progress:
        progress(f"{path.name}: {scan.lineno:,} lines parsed")
    if scan.stamped:
        notes.insert(0, f"no timestamps on some samples: used {default_note}")
    yield from store.stage(kind=kind, notes=notes, stamped=default_ts if scan.stamped else None,
                           source=str(path), raw_from=path)


def stage_long_rows(con: duckdb.DuckDBPyConnection, kind: str, rows: dict[str, list] | pa.Table,
                    pre_rejects: list | tuple = (), notes: list[str] | tuple = (),
                    mig_slices: MigSlices | None = None) -> Staged:
    """Pivot long rows that are already mapped to entities (one per sample: line, ts, entity columns,
    col, value) into relation ``src``, one row per entity and timestamp, as ``apply_staged`` takes
    it. The Prometheus sync (dashboard/sync/) maps series with the rules above (``gpu_metric``,
    ``gpu_identity``, ``link_identity`` ...) and pivots here; tests/test_sync.py holds its figures
    equal to the file reader's.

    kind gpu_samples: rows carry gpu_uuid, hostname, gpu_index, model, mig, mig_profile (MIG rows are
    pivoted as the file reader's, with ``mig_slices`` from the store); link_samples: link_id;
    meter_samples: meter_id.
    """
    if kind == "gpu_samples":
        _register_mapped(con, rows, {"line": pa.int64(), "ts": pa.timestamp("us"), "gpu_index": pa.string(),
                                     "value": pa.float64()})
        notes = list(notes)
        if con.execute("SELECT count(*) FROM om_rows WHERE mig IS NOT NULL").fetchall()[0][0]:
            notes += pivot_mig(con, "om_rows", mig_slices or MigSlices({}, {}))
        else:
            aggs = [f"max(value) FILTER (WHERE col = '{c}') AS {c}" for c in DEVICE_LEVEL]
            aggs += [f"avg(value) FILTER (WHERE col = '{c}') AS {c}" for c in RATIOS]
            con.execute(
                "CREATE OR REPLACE TEMP VIEW src AS SELECT min(line) AS line, ts, gpu_uuid, "
                "max(hostname) AS hostname, max(gpu_index) AS gpu_index, max(model) AS model, "
                + ", ".join(aggs) + " FROM om_rows GROUP BY ts, gpu_uuid")
        cols = ["ts", "gpu_uuid", "hostname", "gpu_index", "model", *DEVICE_LEVEL, *RATIOS]
        return Staged(GPU_SAMPLES, {c: (c, 1.0) for c in cols}, list(pre_rejects), notes)
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
