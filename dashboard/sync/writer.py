"""The single writer: a sync holds DuckDB's write lock only while it stores one chunk.

DuckDB lets one process open a database file for writing and then no other process at all, not
even a reader; readers (the dashboard opens one read-only connection per figure) share the file
among themselves. So the sync never keeps the store open: it fetches a chunk over HTTP with no
connection, then opens the store, checks and stores the chunk in one transaction (samples, ingest
log, coverage), and closes it. A page that asks for a figure meanwhile waits at most that long
(``ui.db`` retries for up to 20 s); the sync waits the same way for a page's read to finish.
Two syncs of one store never interleave: ``source_lock`` takes an exclusive ``flock`` on
``<db>.sync.lock`` for the whole run.
"""
from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

import duckdb
import pyarrow as pa

from .. import queries
from ..ingest import ensure_reference
from ..ingest.loader import LoadReport, load_staged
from ..ingest.openmetrics import MigSlices
from ..store import StoreBusy, connect

WRITE_WAIT_S = 30.0  # a page holds its read lock only while it reads one figure


class SyncBusy(Exception):
    """Another sync holds this store's sync lock."""


def _q(con: duckdb.DuckDBPyConnection, name: str, **params):
    q = queries.load(f"sync/{name}")
    return con.execute(q.sql, q.bind(params))


@contextmanager
def source_lock(db_path: Path, wait_s: float = 0.0, say: Callable[[str], None] | None = None) -> Iterator[None]:
    """Exclusive for the length of a sync run; SyncBusy after ``wait_s`` seconds."""
    path = Path(f"{db_path}.sync.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_s
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                if time.monotonic() >= deadline:
                    raise SyncBusy(f"another aifd sync (pid {holder}) is writing to {db_path}") from None
                if say and not told:
                    say(f"waiting for the other aifd sync (pid {holder}) to finish")
                    told = True
                time.sleep(0.5)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the flock


def open_writer(db_path: Path, wait_s: float = WRITE_WAIT_S) -> tuple[duckdb.DuckDBPyConnection, float]:
    """The store, writable, and when the attempt that got the lock began (the lock is held from
    then): retried every 50 ms while a page reads, StoreBusy after ``wait_s``."""
    deadline = time.monotonic() + wait_s
    while True:
        t = time.perf_counter()
        try:
            return connect(db_path), t
        except StoreBusy:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


def read_state(db_path: Path, source: str) -> tuple[dict[str, list[tuple[int, int]]], frozenset[str], MigSlices]:
    """What a sync run needs from the store, in one read-only look: the covered [start, end) per
    series name (Unix ms), the inventory's link names (a series whose ``ifAlias`` names one is
    placed on that link, as the file reader does) and the GPUs' MIG compute slices (to weight MIG
    instances as the file reader does). When there is no store yet, nothing but the shipped catalog's
    slices (a sync that then fails leaves no file behind)."""
    if not Path(db_path).exists():
        return {}, frozenset(), MigSlices.shipped()
    con = connect(db_path, read_only=True, wait_s=WRITE_WAIT_S)
    try:
        rows = _q(con, "coverage", source=source).fetchall()
        links = frozenset(r[0] for r in con.execute("SELECT link_name FROM links").fetchall())
        slices = MigSlices.of_store(con)
    finally:
        con.close()
    out: dict[str, list[tuple[int, int]]] = {}
    for metric, a, b in rows:
        out.setdefault(metric, []).append((_ms(a), _ms(b)))
    return out, links, slices


def _ms(ts: datetime) -> int:
    return round(ts.replace(tzinfo=timezone.utc).timestamp() * 1000)


def _ts(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).replace(tzinfo=None)


@dataclass
class Covered:
    metric: str
    group: str
    a_ms: int
    b_ms: int
    samples: int
    last_sample_us: int | None


@dataclass
class WriteResult:
    report: LoadReport
    wait_ms: float  # waiting for the lock (a page was reading)
    held_ms: float  # holding it: open, check, store, commit, close


def write_chunk(db_path: Path, source: str, staged: Callable[[duckdb.DuckDBPyConnection], Iterator],
                covered: list[Covered], message: str) -> WriteResult:
    """Store one chunk and its coverage in one transaction; the store is open only meanwhile."""
    t0 = time.perf_counter()
    con, t1 = open_writer(db_path)
    try:
        ensure_reference(con)

        def record(c: duckdb.DuckDBPyConnection, report: LoadReport) -> None:
            c.register("new_coverage", pa.table({
                "metric": [x.metric for x in covered], "grp": [x.group for x in covered],
                "cov_start": pa.array([_ts(x.a_ms) for x in covered], pa.timestamp("us")),
                "cov_end": pa.array([_ts(x.b_ms) for x in covered], pa.timestamp("us")),
                "samples": pa.array([x.samples for x in covered], pa.int64()),
                "last_sample": pa.array([x.last_sample_us for x in covered], pa.timestamp("us"))}))
            try:
                _q(c, "coverage_add", source=source, load_id=report.load_id)
                _q(c, "coverage_prune", source=source, load_id=report.load_id)
            finally:
                c.unregister("new_coverage")

        report = load_staged(con, source, "prometheus", staged(con), message=message, before_commit=record)
    finally:
        con.close()
    return WriteResult(report, (t1 - t0) * 1000, (time.perf_counter() - t1) * 1000)


def record_attempt(db_path: Path, source: str, ok: bool, error: str | None = None) -> float:
    """The source's last attempt (and error) for the Data page; returns the lock time in ms."""
    con, t1 = open_writer(db_path)
    try:
        _q(con, "source_state", source=source, at=datetime.now(timezone.utc).replace(tzinfo=None), ok=ok,
           error=error)
    finally:
        con.close()
    return (time.perf_counter() - t1) * 1000
