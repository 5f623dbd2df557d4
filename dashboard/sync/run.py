"""One sync run: plan the windows not yet stored, fetch them, store each as one load.

Plan. For each group of series (GPU, link, meter) the run asks for [start, end] minus what the
store already covers for each of the group's series names (``sync_coverage``): a second sync of
the same range has nothing to ask for, and a run stopped half-way left its stored windows covered,
so the next one fetches only the rest.

Windows. A window is sized so that no series has more than ``max_points`` samples in one request
(Prometheus's 11,000 points per series) and one chunk holds about ``chunk_samples`` samples (the
write transaction, and so the store's lock, stays short). The first window of a group is ten steps
long; later ones are sized from the samples and points per series the previous one returned.

Fetch. All series names of a window are requested at once, ``concurrency`` requests in flight;
while a chunk is stored, the next window is already being fetched.

Store. A window whose series all came back empty is not stored on its own: its coverage rides
along with the next window that holds samples (so a gap in the data is not asked for again), and
trailing empty windows stay uncovered (samples may still arrive there). A run that finds no sample
at all in a range it never covered before fails with "empty result" and stores nothing.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from statistics import median
from typing import Callable, Iterator

import duckdb
import pyarrow as pa

from ..config import Settings
from ..ingest.domains import METERS
from ..ingest.files import Staged
from ..ingest.openmetrics import MIG_PIVOT_TABLES, MIG_PIVOT_VIEWS, stage_long_rows
from .mapping import KIND, GroupRows, LabelRules, MetricSpec, metric_specs
from .prometheus import Answer, PrometheusSource, Request, SyncError, source_name
from .writer import Covered, read_state, record_attempt, write_chunk

Progress = Callable[[str], None]
FIRST_WINDOW_STEPS = 10
GROWTH = 8  # a window at most this many times the previous one


@dataclass
class SyncReport:
    source: str
    start: datetime
    end: datetime  # inclusive
    windows: int = 0  # windows fetched
    stored: int = 0  # loads written
    requests: int = 0
    samples: int = 0
    max_points: int = 0  # most samples of one series in one request
    rows_loaded: int = 0
    rows_duplicate: int = 0
    rows_rejected: int = 0
    load_ids: list[int] = field(default_factory=list)
    lock_ms: list[float] = field(default_factory=list)  # write lock held, per chunk
    wait_ms: list[float] = field(default_factory=list)  # waiting for the lock, per chunk
    empty: list[str] = field(default_factory=list)  # series names that returned nothing
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    stopped: bool = False

    def summary(self) -> str:
        head = (f"{self.source}: {self.start:%Y-%m-%d %H:%M:%S} → {self.end:%Y-%m-%d %H:%M:%S} UTC: ")
        if not self.windows:
            return head + "nothing new to fetch (every series is stored for this range)"
        if not self.samples:
            return head + (f"no new samples ({self.requests:,} requests over {self.windows:,} windows after the "
                           "last stored one)")
        lines = [head + f"{self.windows:,} windows, {self.requests:,} requests, {self.samples:,} samples "
                 f"(at most {self.max_points:,} per series and request) in {self.seconds:.1f} s; "
                 f"{self.stored:,} loads: {self.rows_loaded:,} rows stored, {self.rows_duplicate:,} already "
                 f"stored, {self.rows_rejected:,} rejected"]
        if self.lock_ms:
            lines.append(f"  write lock held per chunk: median {median(self.lock_ms):.0f} ms, max "
                         f"{max(self.lock_ms):.0f} ms; waited for readers at most {max(self.wait_ms):.0f} ms")
        if self.empty:
            lines.append(f"  no samples in this range for: {', '.join(self.empty[:8])}"
                         + (" …" if len(self.empty) > 8 else ""))
        for w in self.warnings:
            lines.append(f"  warning: {w}")
        if self.rows_rejected and self.load_ids:
            lines.append(f"  rejected rows with series and reason: `aifd rejects LOAD_ID` (loads "
                         f"{self.load_ids[0]}..{self.load_ids[-1]})")
        if self.stopped:
            lines.append("  stopped before the end: the next sync continues from the last stored window")
        return "\n".join(lines)


# ---------------------------------------------------------------- planning

def _subtract(a: int, b: int, covered: list[tuple[int, int]]) -> list[tuple[int, int]]:
    gaps, cur = [], a
    for s, e in sorted(covered):
        if e <= cur or s >= b:
            continue
        if s > cur:
            gaps.append((cur, s))
        cur = max(cur, e)
    if cur < b:
        gaps.append((cur, b))
    return gaps


def _union(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def plan_gaps(specs: list[MetricSpec], a: int, b: int,
              coverage: dict[str, list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """The parts of [a, b) that some series of the group has not stored yet."""
    return _union([g for s in specs for g in _subtract(a, b, coverage.get(s.name, []))])


class Windows:
    """Windows over the gaps, each sized from what the previous one returned."""

    def __init__(self, gaps: list[tuple[int, int]], step_ms: int, max_points: int, chunk_samples: int):
        self.gaps = list(gaps)
        self.max_ms = max(1000, step_ms * max_points)
        self.size = min(self.max_ms, max(1000, step_ms * FIRST_WINDOW_STEPS))
        self.max_points = max_points
        self.chunk_samples = chunk_samples

    def next(self) -> tuple[int, int] | None:
        while self.gaps:
            a, b = self.gaps[0]
            if a >= b:
                self.gaps.pop(0)
                continue
            e = min(b, a + self.size)
            self.gaps[0] = (e, b)
            return a, e
        return None

    def learn(self, length_ms: int, samples: int, max_points: int) -> None:
        grow = [self.max_ms, self.size * GROWTH]
        if max_points:
            grow.append(length_ms * self.max_points // max_points)  # denser than the step: shrink
        if samples:
            grow.append(length_ms * self.chunk_samples // samples)
        self.size = max(1000, min(grow))


# ---------------------------------------------------------------- the run

def _utc_naive(t: datetime) -> datetime:
    return t.astimezone(timezone.utc).replace(tzinfo=None) if t.tzinfo else t


def _ms(t: datetime) -> int:
    return round(t.replace(tzinfo=timezone.utc).timestamp() * 1000)


def _meter_inventory(con: duckdb.DuckDBPyConnection, rows: GroupRows) -> Staged | None:
    """Meters first seen here, with a kind label: registered as a meters inventory load would."""
    if not rows.meters:
        return None
    known = {r[0] for r in con.execute("SELECT meter_name FROM meters").fetchall()}
    new = sorted(m for m in rows.meters if m not in known)
    if not new:
        return None
    con.register("meter_labels", pa.table({"line": pa.array(range(1, len(new) + 1), pa.int64()),
                                           "meter_id": new, "kind": [rows.meters[m] for m in new]}))
    con.execute("CREATE OR REPLACE TEMP TABLE om_rows AS SELECT * FROM meter_labels")
    con.unregister("meter_labels")
    con.execute("CREATE OR REPLACE TEMP VIEW src AS SELECT * FROM om_rows")
    return Staged(METERS, {"meter_id": ("meter_id", 1.0), "kind": ("kind", 1.0)},
                  warnings=[f"registered from the series' kind label: {', '.join(new)}"])


def sync(settings: Settings, *, start: datetime | None = None, end: datetime | None = None,
         since_s: float | None = None, progress: Progress | None = None, record_failure: bool = False,
         stop: threading.Event | None = None, now: datetime | None = None) -> SyncReport:
    """Fetch what the store lacks of [start, end] (default: the last ``since`` up to now minus
    ``delay``) and store it chunk by chunk. Raises SyncError (one line) when a request fails or the
    range is empty; chunks stored before a failure stay, and the next sync resumes after them.

    ``record_failure``: also note a failed attempt in the store (the scheduler does, so the Data
    page shows it); a manual sync leaves the store untouched and says it on the terminal."""
    p = settings.prometheus
    say = progress or (lambda msg: None)
    name = source_name(p)
    db_path = Path(settings.db_path)
    now = _utc_naive(now or datetime.now(timezone.utc)).replace(microsecond=0)  # whole seconds: tidy windows
    end = _utc_naive(end) if end else now - timedelta(seconds=p.delay_s)
    start = _utc_naive(start) if start else end - timedelta(seconds=since_s if since_s is not None else p.since_s)
    if start > end:
        raise SyncError(f"{name}: start {start} is after end {end}")
    source = PrometheusSource(p)  # SyncError without a URL
    report = SyncReport(name, start, end)
    t_run = time.perf_counter()
    try:
        specs = metric_specs(p)
        coverage, known_links, mig_slices = read_state(db_path, name)
        rules = LabelRules.from_settings(p, known_links, mig_slices)
        a_ms, b_ms = _ms(start), _ms(end) + 1  # [start, end] inclusive
        had_coverage = any(s < b_ms and e > a_ms for iv in coverage.values() for s, e in iv)
        step_ms = max(1, round(p.step_s * 1000))
        # mem: a private in-memory DuckDB for mapping and pivoting, outside the store's lock
        with ThreadPoolExecutor(max_workers=p.concurrency, thread_name_prefix="aifd-sync") as pool, \
                duckdb.connect() as mem:
            for group, group_specs in specs.items():
                gaps = plan_gaps(group_specs, a_ms, b_ms, coverage)
                if gaps:
                    _sync_group(source, pool, mem, name, db_path, group, group_specs, gaps, rules,
                                Windows(gaps, step_ms, p.max_points, p.chunk_samples), report, say, stop)
                if stop is not None and stop.is_set():
                    report.stopped = True
                    break
        if report.windows and report.samples == 0 and not had_coverage:
            queries_ = ", ".join(s.name for g in specs.values() for s in g[:3])
            raise SyncError(f"{source.url}: empty result: no samples for any query ({queries_}, …) between "
                            f"{start:%Y-%m-%d %H:%M:%S} and {end:%Y-%m-%d %H:%M:%S} UTC; nothing stored")
    except SyncError as e:
        if record_failure:
            record_attempt(db_path, name, False, str(e))
        raise
    finally:
        source.close()
    report.seconds = time.perf_counter() - t_run
    if report.stored or db_path.exists():
        record_attempt(db_path, name, True)
    return report


def _sync_group(source: PrometheusSource, pool: ThreadPoolExecutor, mem: duckdb.DuckDBPyConnection, name: str,
                db_path: Path, group: str,
                specs: list[MetricSpec], gaps, rules: LabelRules, windows: Windows, report: SyncReport,
                say: Progress, stop: threading.Event | None) -> None:
    def submit(win):
        return [pool.submit(source.fetch, Request(s, win[0], win[1])) for s in specs]

    def collect(futures: list[Future]) -> list[Answer]:
        try:
            return [f.result() for f in futures]
        except BaseException:
            for f in futures:
                f.cancel()
            raise

    seen_samples: dict[str, int] = {s.name: 0 for s in specs}
    pending_empty: list[tuple[int, int]] = []
    win = windows.next()
    futures = submit(win) if win else []
    nxt_futures: list[Future] = []
    try:
        while win is not None:
            answers = collect(futures)
            report.windows += 1
            report.requests += len(answers)
            samples = sum(a.samples for a in answers)
            points = max((a.max_points for a in answers), default=0)
            report.samples += samples
            report.max_points = max(report.max_points, points)
            for a in answers:
                seen_samples[a.request.spec.name] += a.samples
            windows.learn(win[1] - win[0], samples, points)
            nxt = None if (stop is not None and stop.is_set()) else windows.next()
            nxt_futures = submit(nxt) if nxt else []  # fetched while this one is stored
            if samples == 0:
                pending_empty.append(win)
            else:
                _store(mem, db_path, name, source.settings.match, group, specs, pending_empty + [win], answers,
                       rules, report, say)
                pending_empty = []
            win, futures, nxt_futures = nxt, nxt_futures, []
    finally:
        for f in futures + nxt_futures:
            f.cancel()
    report.empty += [n for n, k in seen_samples.items() if k == 0]


def _store(mem: duckdb.DuckDBPyConnection, db_path: Path, name: str, match: str, group: str, specs: list[MetricSpec],
           wins: list[tuple[int, int]], answers: list[Answer], rules: LabelRules, report: SyncReport,
           say: Progress) -> None:
    rows = GroupRows(group)
    spec_of = {a.request.spec.name: a.request.spec for a in answers}
    last: dict[str, int | None] = {s.name: None for s in specs}
    for a in answers:
        for s in a.series:
            rows.add(spec_of[a.request.spec.name], s.labels, s.ts_us, s.values, rules)
            top = int(s.ts_us.max())
            cur = last[a.request.spec.name]
            last[a.request.spec.name] = top if cur is None else max(cur, top)
    per_metric = {a.request.spec.name: a.samples for a in answers}
    covered = []
    for s, e in _union(wins):
        inside = s <= wins[-1][0] < e  # the interval holding the window that returned samples
        covered += [Covered(sp.name, group, s, e, per_metric.get(sp.name, 0) if inside else 0,
                            last[sp.name] if inside else None) for sp in specs]
    message = f"GET /api/v1/query time={answers[0].request.time}: " + "; ".join(
        a.request.query(match) for a in answers)

    # Pivot before the store is opened: the write lock covers only checking and storing.
    pivot = stage_long_rows(mem, KIND[group], rows.table(), rows.pre_rejects, mig_slices=rules.mig_slices)
    pivoted = mem.sql("SELECT * FROM src").to_arrow_table()
    mem.execute("DROP VIEW src")
    for view in MIG_PIVOT_VIEWS:
        mem.execute(f"DROP VIEW IF EXISTS {view}")
    for table in ("om_rows", *MIG_PIVOT_TABLES):  # the pivot's, MIG or not
        mem.execute(f"DROP TABLE IF EXISTS {table}")

    def staged(con: duckdb.DuckDBPyConnection) -> Iterator[Staged]:
        if group == "meter":
            inv = _meter_inventory(con, rows)
            if inv is not None:
                yield inv
        con.register("sync_pivot", pivoted)  # gone with the connection, closed after this chunk
        con.execute("CREATE OR REPLACE TEMP VIEW src AS SELECT * FROM sync_pivot")
        yield pivot

    result = write_chunk(db_path, name, staged, covered, message)
    r = result.report
    if r.status == "failed":
        raise SyncError(f"{name}: storing {group} samples {_when(wins[0][0])} → {_when(wins[-1][1])} failed: "
                        f"{r.message}")
    report.stored += 1
    report.load_ids.append(r.load_id)
    report.lock_ms.append(result.held_ms)
    report.wait_ms.append(result.wait_ms)
    samples_kind = KIND[group]
    for d in r.domains:
        if d.domain == samples_kind:
            report.rows_loaded += d.loaded
            report.rows_duplicate += d.duplicate
        report.rows_rejected += d.rejected
        report.warnings += [w for w in d.warnings if w not in report.warnings]
    say(f"{group} {_when(wins[0][0])} → {_when(wins[-1][1])}: {rows.samples:,} samples, "
        f"load {r.load_id} {r.status}: {r.total('loaded'):,} rows stored, {r.total('duplicate'):,} already "
        f"stored, {r.total('rejected'):,} rejected; lock {result.held_ms:.0f} ms")


def _when(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
