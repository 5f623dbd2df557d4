"""``aifd bench``: ingest and figure timings at the site's size, beside bare DuckDB and a real Prometheus.

For a fleet size and period it generates the data once (cached under ``--work``), then measures
and prints (and writes as JSON):

- where one day's load spends its time (checks, insert, derived tables), beside bare DuckDB;
- ingest rate of Parquet, CSV and OpenMetrics, each beside DuckDB's bare ``CREATE TABLE AS
  SELECT * FROM read_parquet(...)`` / ``read_csv(...)`` of the same rows in the same run (OpenMetrics:
  the first GPUs' first day as ``sample_metrics.openmetrics`` writes it, beside bare DuckDB reading
  the Parquet of the same GPU rows; with the ingest's peak memory);
- cold (first run on a new connection) and warm p50/p95 of every figure the pages draw
  (``pages.PAGES``), and each page's first render in headless Chromium;
- peak memory of ingest (a child process) and of serving (the Streamlit server after every page);
- the same questions asked of a real Prometheus over the same data (OpenMetrics back-filled with
  promtool), with both answers compared and the time ratio per question;
- the product's figures again at larger multiples of the data (``--scales 1,4,16``).

A benchmark prints figures; it asserts nothing. The numbers depend on the machine and on what
else runs on it: the JSON records the machine's load average before and after.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable

from . import figures
from .config import REPO_ROOT, Settings
from .ingest.files import line_breaks
from .pages import PAGES
from .store import connect

Say = Callable[[str], None]


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def _aifd(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], capture_output=True, text=True, env=env)


@dataclass
class Report:
    params: dict[str, Any]
    machine: dict[str, Any] = field(default_factory=dict)
    ingest: list[dict[str, Any]] = field(default_factory=list)
    figures: dict[str, list[dict[str, Any]]] = field(default_factory=dict)   # scale -> rows
    pages: list[dict[str, Any]] = field(default_factory=list)
    memory: dict[str, Any] = field(default_factory=dict)
    prometheus: list[dict[str, Any]] = field(default_factory=list)
    load_steps: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- data

def generator_digest() -> str:
    """A digest of the generator's source: cached data made by another version is made again."""
    h = hashlib.sha256()
    for p in sorted((REPO_ROOT / "sample_metrics").glob("*.py")):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def dataset(work: Path, gpus: int, days: float, interval: int, say: Say) -> Path:
    from sample_metrics.generate import generate

    folder = work / f"fleet-{gpus}-{days:g}d-{interval}s"
    marker, digest = folder / "generator.sha", generator_digest()
    if not (folder / "manifest.json").exists() or not marker.exists() or marker.read_text().strip() != digest:
        shutil.rmtree(folder, ignore_errors=True)
        t = time.perf_counter()
        say(f"generating {gpus:,} GPUs × {days:g} days every {interval} s into {folder}")
        generate(folder, gpus=gpus, days=days, interval_s=interval, progress=lambda m: None)
        marker.write_text(digest + "\n")
        say(f"  generated in {time.perf_counter() - t:.0f} s")
    return folder


def _rows(con, files: list[Path]) -> int:
    return con.execute("SELECT count(*) FROM read_parquet(?)", [[str(f) for f in files]]).fetchall()[0][0]


def bare_parquet(files: list[Path], scratch: Path) -> float:
    """Seconds DuckDB takes to copy the files into a table, nothing else."""
    db = scratch / "bare.duckdb"
    db.unlink(missing_ok=True)
    import duckdb

    con = duckdb.connect(str(db))
    con.execute("SET enable_progress_bar = false")
    t = time.perf_counter()
    con.execute("CREATE TABLE t AS SELECT * FROM read_parquet(?)", [[str(f) for f in files]])
    con.execute("CHECKPOINT")
    elapsed = time.perf_counter() - t
    con.close()
    db.unlink(missing_ok=True)
    return elapsed


def bare_csv(path: Path, scratch: Path) -> float:
    import duckdb

    db = scratch / "bare_csv.duckdb"
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    con.execute("SET enable_progress_bar = false")
    t = time.perf_counter()
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [str(path)])
    con.execute("CHECKPOINT")
    elapsed = time.perf_counter() - t
    con.close()
    db.unlink(missing_ok=True)
    return elapsed


def bare_text_lines(path: Path, scratch: Path) -> float:
    """Seconds DuckDB takes to copy a text file into a table of its lines (no parsing beyond them):
    the bare baseline of a text format that DuckDB cannot read as records (OpenMetrics)."""
    import duckdb

    db = scratch / "bare_text.duckdb"
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    con.execute("SET enable_progress_bar = false")
    t = time.perf_counter()
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?, columns = {'line': 'VARCHAR'}, header = false, "
                "delim = '\x01', quote = '', escape = '', auto_detect = false, strict_mode = false)", [str(path)])
    con.execute("CHECKPOINT")
    elapsed = time.perf_counter() - t
    copied = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    con.close()
    db.unlink(missing_ok=True)
    lines = line_breaks(path)[0]
    if copied != lines:  # a line split or dropped would time less work than the file holds
        raise RuntimeError(f"{path}: bare DuckDB copied {copied:,} lines of {lines:,}")
    return elapsed


def ingest_folder(db: Path, folder: Path, say: Say) -> dict[str, Any]:
    """Load a generated folder into a new database in a child process (its peak memory is measured)."""
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)
    t = time.perf_counter()
    out, peak = _aifd_peak("--db", str(db), "demo", "--source", str(folder))
    elapsed = time.perf_counter() - t
    if out.returncode:
        raise RuntimeError(f"ingest of {folder} failed: {out.stdout[-2000:]}{out.stderr[-2000:]}")
    con = connect(db, read_only=True)
    rows = con.execute("SELECT count(*) FROM gpu_samples").fetchall()[0][0]
    con.close()
    return {"seconds": elapsed, "gpu_rows": rows, "rows_per_s": rows / elapsed,
            "peak_rss_mib": peak, "db_mib": db.stat().st_size / 2**20}


# ---------------------------------------------------------------- figures

def selections(con) -> dict[str, Any]:
    """Drill-down parameters: the first pod, rack, node and GPU of the inventory."""
    pod, rack, host, uuid = con.execute(
        "SELECT pod, rack, hostname, gpu_uuid FROM gpus ORDER BY gpu_id LIMIT 1").fetchall()[0]
    return {"pod": pod, "rack": rack, "hostname": host, "gpu_uuid": uuid}


def page_figures() -> list[str]:
    seen: dict[str, None] = {}
    for page in PAGES:
        for f in page.all_figures:
            seen.setdefault(f, None)
    return list(seen)


def time_figures(db: Path, settings: Settings, repeat: int, say: Say) -> list[dict[str, Any]]:
    from . import queries

    con = connect(db, read_only=True)
    lo, hi = figures.data_range(con)
    params = {"start": lo.replace(minute=0, second=0, microsecond=0),
              "end": (hi - timedelta(microseconds=1)).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1),
              "bucket_minutes": 60, **selections(con)}
    con.close()
    rows = []
    for name in page_figures():
        q = queries.load(name)
        given = {p.name: params[p.name] for p in q.params if p.name in params}
        con = connect(db, read_only=True)  # cold: a new connection, nothing cached by DuckDB
        try:
            cold = figures.run(con, name, settings, **given)
            warm = [figures.run(con, name, settings, **given).elapsed_ms for _ in range(repeat)]
        except queries.QueryError as e:
            rows.append({"figure": name, "error": str(e).splitlines()[0]})
            continue
        finally:
            con.close()
        rows.append({"figure": name, "rows": len(cold.frame), "cold_ms": cold.elapsed_ms,
                     "warm_p50_ms": _p(warm, 0.5), "warm_p95_ms": _p(warm, 0.95)})
        say(f"  {name:24s} cold {cold.elapsed_ms:8.1f} ms   warm p50 {_p(warm, .5):8.1f}  p95 {_p(warm, .95):8.1f} ms"
            f"  {len(cold.frame):>7,} rows")
    return rows


# ---------------------------------------------------------------- pages in a browser

def time_pages(db: Path, say: Say) -> tuple[list[dict[str, Any]], float | None]:
    """First render of every page in headless Chromium; the server's peak memory after them all."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return [{"error": "playwright is not installed (pip install -e '.[test]')"}], None
    from sample_metrics.promserver import free_port

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "--db", str(db), "serve", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    rows = []
    peak = None
    try:
        import urllib.request

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                         args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            first = _render(browser, port, PAGES[0])  # the server's first run also imports the libraries
            say(f"  first page after the server started: {first['first_render_s']:.2f} s (not counted below)")
            for page_def in PAGES:
                row = _render(browser, port, page_def)
                rows.append(row)
                say(f"  page {page_def.title:12s} first render {row['first_render_s']:6.2f} s"
                    + (f"  {row['exceptions']} EXCEPTIONS" if row["exceptions"] else ""))
            browser.close()
        children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        for pid in [str(server.pid), *children]:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                hwm = int(next(l for l in status.splitlines() if l.startswith("VmHWM")).split()[1]) / 1024
                peak = max(peak or 0, hwm)
            except (OSError, StopIteration):
                pass
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    return rows, peak


def _render(browser, port: int, page_def) -> dict[str, Any]:
    """Seconds from opening the page until Streamlit has finished running it (a fresh session)."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        t = time.perf_counter()
        page.goto(f"http://127.0.0.1:{port}/{page_def.key}")
        page.wait_for_selector("[data-testid='stApp']", timeout=120_000)
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
            " && document.querySelectorAll('[data-testid=\"stCaptionContainer\"]').length > 0",
            timeout=300_000, polling=100)
        elapsed = time.perf_counter() - t
        return {"page": page_def.title, "first_render_s": elapsed,
                "exceptions": page.locator("[data-testid='stException']").count()}
    finally:
        page.close()


# ---------------------------------------------------------------- Prometheus beside the product

@dataclass
class Question:
    key: str
    text: str
    figure: str                       # the product's figure answering it
    promql: str                       # what a Grafana user writes
    kind: str                         # range-hourly | instant | range-minutely-count
    compare: Callable[[Any, Any], tuple[float, str]] | None = None
    exact_promql: str | None = None   # the same definition as the product's, for the comparison


def questions() -> list[Question]:
    peak = 'aifd_gpu_peak_tflops{precision="bf16"}'
    tensor_eff = (f"(DCGM_FI_PROF_PIPE_TENSOR_ACTIVE * on(UUID) group_left() "
                  f"clamp_max(DCGM_FI_DEV_SM_CLOCK / on(UUID) group_left() aifd_gpu_max_boost_mhz, 1) "
                  f"* on(UUID) group_left(pod) {peak})")
    return [
        Question("power", "fleet GPU power per hour", "energy_power",
                 "sum(avg_over_time(DCGM_FI_DEV_POWER_USAGE[1h]))", "range-hourly"),
        Question("util_pod", "utilisation per pod per hour", "ops_utilization",
                 f"avg by (pod) (avg_over_time(DCGM_FI_DEV_GPU_UTIL[1h]) * on(UUID) group_left(pod) "
                 f"(0 * {peak} + 1))", "range-hourly"),
        Question("delivered", "delivered FLOPS per hour (Σ tensor activity × peak)", "perf_delivered",
                 f"sum(avg_over_time(DCGM_FI_PROF_PIPE_TENSOR_ACTIVE[1h]) * on(UUID) group_left() {peak})",
                 "range-hourly", exact_promql=f"sum(avg_over_time({tensor_eff}[1h:1m]))"),
        Question("delivered_pod", "per-pod delivered over the range", "perf_pods",
                 f"sum by (pod) (avg_over_time(DCGM_FI_PROF_PIPE_TENSOR_ACTIVE[RANGE]) * on(UUID) group_left(pod) {peak})",
                 "instant", exact_promql=f"sum by (pod) (avg_over_time({tensor_eff}[RANGE:1m]))"),
        Question("idle", "GPUs idle for 60 minutes (tensor and FP64 pipes below 5 %)", "perf_idle_gpus",
                 "max_over_time(DCGM_FI_PROF_PIPE_TENSOR_ACTIVE[59m59s]) < 0.05 and on(UUID) "
                 "max_over_time(DCGM_FI_PROF_PIPE_FP64_ACTIVE[59m59s]) < 0.05", "range-minutely-count"),
        Question("unhealthy", "GPUs above 85 °C or with an XID", "perf_unhealthy_gpus",
                 "count((max_over_time(DCGM_FI_DEV_GPU_TEMP[RANGE]) > 85) or on(UUID) "
                 "(max_over_time(DCGM_FI_DEV_XID_ERRORS[RANGE]) > 0))", "instant"),
        Question("energy", "GPU energy from the counter (kWh)", "energy_headline",
                 "sum(increase(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_total[RANGE])) / 3.6e9", "instant"),
    ]


def _range_text(seconds: float) -> str:
    return f"{int(seconds)}s"


def ask_prometheus(url: str, q: Question, start: datetime, end: datetime, repeat: int,
                   exact: bool = False) -> tuple[Any, list[float]]:
    from prometheus_api_client import PrometheusConnect

    prom = PrometheusConnect(url=url, disable_ssl=True)
    text = (q.exact_promql if exact and q.exact_promql else q.promql).replace("RANGE", _range_text((end - start).total_seconds()))
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        if q.kind == "range-hourly":  # a Grafana panel at 1 h steps, evaluated at each hour's end − 1 s
            result = prom.custom_query_range(text, start_time=start + timedelta(hours=1, seconds=-1),
                                             end_time=end - timedelta(seconds=1), step="3600")
        elif q.kind == "range-minutely-count":  # every minute whose 60-minute window is all idle
            result = prom.custom_query_range(text, start_time=start + timedelta(minutes=59),
                                             end_time=end - timedelta(seconds=1), step="60")
        else:
            result = prom.custom_query(text, params={"time": (end - timedelta(seconds=1)).timestamp()})
        times.append((time.perf_counter() - t) * 1000)
    return result, times


def compare(q: Question, prom_result: Any, fig, start: datetime) -> tuple[float | None, str]:
    """(largest relative difference, what was compared)."""
    f = fig.frame
    if q.key == "power":
        mine = f[f.series == "gpus"].set_index("bucket")["kw"] * 1000
        theirs = {datetime.utcfromtimestamp(float(t)) - timedelta(hours=1) + timedelta(seconds=1): float(v)
                  for t, v in prom_result[0]["values"]}
        diffs = [abs(theirs[b] - w) / w for b, w in mine.items() if b in theirs]
        return (max(diffs) if diffs else None), f"{len(diffs)} hourly points"
    if q.key == "util_pod":
        diffs = []
        for series in prom_result:
            pod = series["metric"].get("pod")
            mine = f[f.pod == pod].set_index("bucket")["util_pct"]
            for t, v in series["values"]:
                b = datetime.utcfromtimestamp(float(t)) - timedelta(hours=1) + timedelta(seconds=1)
                if b in mine.index:
                    diffs.append(abs(float(v) - mine[b]) / mine[b])
        return (max(diffs) if diffs else None), f"{len(diffs)} pod-hours"
    if q.key == "delivered":
        mine = f.set_index("bucket")["delivered_tflops"]
        diffs = [abs(float(v) - mine[datetime.utcfromtimestamp(float(t)) - timedelta(hours=1) + timedelta(seconds=1)])
                 / mine.iloc[0] for t, v in prom_result[0]["values"]]
        return max(diffs), f"{len(diffs)} hourly points, clock factor included (subquery at 1 m)"
    if q.key == "delivered_pod":
        mine = f.set_index("pod")["delivered_tflops"]
        diffs = [abs(float(s["value"][1]) - mine[s["metric"]["pod"]]) / mine[s["metric"]["pod"]] for s in prom_result]
        return max(diffs), f"{len(diffs)} pods, clock factor included (subquery at 1 m)"
    if q.key == "idle":
        theirs = {s["metric"]["UUID"] for s in prom_result}
        mine = set(f.gpu_uuid)
        return len(theirs ^ mine) / max(1, len(mine)), f"{len(mine)} GPUs in the product, {len(theirs)} in PromQL"
    if q.key == "unhealthy":
        theirs = float(prom_result[0]["value"][1]) if prom_result else 0.0
        return abs(theirs - len(f)) / max(1, len(f)), f"{len(f)} GPUs vs {theirs:g}"
    if q.key == "energy":
        mine = fig.value("gpu_kwh")
        theirs = float(prom_result[0]["value"][1])
        return abs(theirs - mine) / mine, f"{mine:,.1f} kWh vs {theirs:,.1f} kWh (increase() extrapolates to the window's ends)"
    return None, ""


TOLERANCE = {  # relative, with the reason for any difference
    "power": (1e-6, "same samples, same means (gauges stored as 32-bit floats in DuckDB, 64-bit in Prometheus)"),
    "util_pod": (1e-6, "same samples, same means (32-bit vs 64-bit floats)"),
    "delivered": (1e-6, "same definition (subquery at the sample step; 32-bit vs 64-bit floats)"),
    "delivered_pod": (1e-6, "same definition (subquery at the sample step; 32-bit vs 64-bit floats)"),
    "idle": (0.0, "same set of GPUs: a 60-sample all-idle window = a 60-minute idle run"),
    "unhealthy": (0.0, "same count"),
    "energy": (None, "PromQL increase() extrapolates the first-to-last increase to the window's ends "
                     "(about one sampling interval over the range: tolerance 1.5 intervals); the product "
                     "counts the increases between samples"),
}


def prometheus_side(folder: Path, db: Path, work: Path, settings: Settings, repeat: int, fig_times: dict[str, dict],
                    say: Say) -> list[dict[str, Any]]:
    from sample_metrics.openmetrics import write_openmetrics
    from sample_metrics.promserver import PrometheusServer, backfill, find_binary

    find_binary("prometheus"), find_binary("promtool")
    om = work / f"{folder.name}.om"
    tsdb = work / f"{folder.name}.tsdb"
    done, digest = tsdb / "done", (folder / "generator.sha").read_text().strip()
    if not done.exists() or (done.read_text().split() or [""])[0] != digest:
        t = time.perf_counter()
        say(f"writing OpenMetrics for Prometheus: {om}")
        write_openmetrics(folder, om, links=("snmp",), meters=False, peak_precisions=("bf16",))
        say(f"  written in {time.perf_counter() - t:.0f} s ({om.stat().st_size / 2**30:.1f} GiB); back-filling")
        shutil.rmtree(tsdb, ignore_errors=True)
        t = time.perf_counter()
        backfill(om, tsdb, max_block_duration="24h")
        done.write_text(f"{digest} back-filled in {time.perf_counter() - t:.0f} s\n")
        say(f"  back-filled in {time.perf_counter() - t:.0f} s")
        om.unlink(missing_ok=True)  # tens of GB; the TSDB is what is kept
    con = connect(db, read_only=True)
    lo, hi = figures.data_range(con)
    con.close()
    interval_s = json.loads((folder / "manifest.json").read_text())["params"]["interval_s"]
    # Whole hours the data covers completely: a partial last hour would end in a partial 5-minute
    # interval, where the product's 5-minute means and PromQL's per-sample means differ by design.
    start = lo.replace(minute=0, second=0, microsecond=0)
    end = (hi + timedelta(seconds=interval_s)).replace(minute=0, second=0, microsecond=0)
    if end <= start:
        say("  less than one whole hour of data: nothing to ask Prometheus")
        return []
    rows = []
    # The default --query.max-samples (50 M) refuses the subquery over 10,000 GPUs' series that
    # reproduces the product's delivered-FLOPS definition exactly; a bigger limit lets it answer.
    with PrometheusServer(tsdb, start_timeout=300, extra_args=("--query.max-samples=1000000000",)) as prom:
        for q in questions():
            fig_params = {"start": start, "end": end, **({"bucket_minutes": 60} if q.kind == "range-hourly" else {})}
            con = connect(db, read_only=True)
            fig = _figure(con, q.figure, settings, fig_params)
            con.close()
            reps = 1 if q.kind == "range-minutely-count" else repeat
            try:
                result, times = ask_prometheus(prom.url, q, start, end, reps)
                exact_result = ask_prometheus(prom.url, q, start, end, 1, exact=True)[0] if q.exact_promql else result
            except Exception as e:  # noqa: BLE001 - a refused query is a result to report, not a crash
                rows.append({"question": q.text, "figure": q.figure, "promql": q.promql, "error": str(e)[:300]})
                say(f"  {q.text[:46]:46s} PromQL failed: {str(e)[:160]}")
                continue
            diff, what = compare(q, exact_result, fig, start)
            diff = None if diff is None else float(diff)  # numpy scalars would reach the JSON as strings
            tol, why = TOLERANCE[q.key]
            if q.key == "energy":  # increase() adds about one sampling interval per range
                tol = 1.5 * interval_s / (end - start).total_seconds()
            product_ms = fig_times.get(q.figure, {}).get("warm_p50_ms")
            prom_ms = statistics.median(times)
            row = {"question": q.text, "figure": q.figure, "promql": q.promql, "product_warm_p50_ms": product_ms,
                   "promql_p50_ms": prom_ms, "ratio": prom_ms / product_ms if product_ms else None,
                   "max_relative_difference": diff, "tolerance": tol, "agrees": diff is not None and diff <= tol,
                   "compared": what, "difference_explained": why}
            rows.append(row)
            say(f"  {q.text[:46]:46s} product {product_ms or float('nan'):8.1f} ms  PromQL {prom_ms:9.1f} ms"
                f"  ×{row['ratio'] or float('nan'):6.1f}  {'agrees' if row['agrees'] else 'DIFFERS'} ({diff:.2g}; {what})")
    return rows


def _figure(con, name: str, settings: Settings, params: dict[str, Any]):
    from . import queries

    wanted = {p.name for p in queries.load(name).params}
    return figures.run(con, name, settings, **{k: v for k, v in params.items() if k in wanted})


# ---------------------------------------------------------------- formats beside bare DuckDB

def _aifd_peak(*args: str) -> tuple[subprocess.CompletedProcess, float]:
    """``aifd`` in a child process, and that child's own peak resident memory (MiB).

    Read from VmHWM, not getrusage: Linux carries the parent's high-water mark into a child's
    ru_maxrss across fork and exec, so a benchmark process that grew would inflate every child."""
    code = ("import sys\nfrom dashboard.cli import main\nrc = main(sys.argv[1:])\n"
            "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
            "print(hwm[0].split()[1] if hwm else 'nan', file=sys.stderr)\n"
            "sys.exit(rc)")
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    try:
        peak = int(out.stderr.strip().splitlines()[-1]) / 1024
    except (IndexError, ValueError):
        peak = float("nan")
    return out, peak


def _fresh(db: Path) -> Path:
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)
    shutil.rmtree(db.with_name(db.name + ".tmp"), ignore_errors=True)
    return db


def load_steps(folder: Path, work: Path, say: Say) -> dict[str, Any]:
    """Where a load's time goes: the first day's GPU Parquet loaded in this process into a store
    holding only the inventory, its steps timed by the loader, beside bare DuckDB on the same file."""
    from .ingest import ensure_reference, load_path

    scratch = work / "steps"
    scratch.mkdir(parents=True, exist_ok=True)
    db = _fresh(scratch / "steps.duckdb")
    day = sorted(folder.glob("gpu_samples-*.parquet"))[0]
    con = connect(db)
    try:
        ensure_reference(con)
        load_path(con, folder / "gpus.csv")
        r = load_path(con, day)
    finally:
        con.close()
    _fresh(db)
    if r.status != "ok":
        return {"step": "load", "error": r.summary()[-500:]}
    bare = bare_parquet([day], scratch)
    steps = r.domains[0].seconds
    out = {"file": day.name, "rows": r.domains[0].loaded, "seconds": r.elapsed_s, "bare_seconds": bare,
           "steps": steps, "ratio_to_bare": bare / r.elapsed_s}
    say(f"  {day.name}: {r.domains[0].loaded:,} rows in {r.elapsed_s:.1f} s (bare DuckDB {bare:.1f} s, ratio "
        f"{bare / r.elapsed_s:.2f}): " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items())
        + f"; the insert alone is {bare / steps.get('store', float('nan')):.2f}x bare")
    return out


def format_rates(folder: Path, work: Path, say: Say, om_gpu_rows: int = 200_000) -> list[dict[str, Any]]:
    """CSV, Parquet and OpenMetrics ingest of a slice of the first day, beside bare DuckDB on the same rows."""
    import duckdb

    scratch = work / "formats"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    day = sorted(folder.glob("gpu_samples-*.parquet"))[0]
    rows_wanted = 2_000_000
    csv_path = scratch / "gpu_samples.csv"
    con = duckdb.connect()
    con.execute(f"COPY (SELECT * FROM read_parquet(?) LIMIT {rows_wanted}) TO '{csv_path}' (HEADER)", [str(day)])
    pq_path = scratch / "gpu_samples.parquet"
    con.execute(f"COPY (SELECT * FROM read_parquet(?) LIMIT {rows_wanted}) TO '{pq_path}' (FORMAT parquet)", [str(day)])
    rows_wanted = con.execute("SELECT count(*) FROM read_parquet(?)", [str(pq_path)]).fetchall()[0][0]
    con.close()
    out = []
    for fmt, path, bare in (("csv", csv_path, bare_csv), ("parquet", pq_path, lambda p, s: bare_parquet([p], s))):
        db = _fresh(scratch / "f.duckdb")
        r = _aifd("--db", str(db), "ingest", "--quiet", str(folder / "gpus.csv"))
        t = time.perf_counter()
        r = _aifd("--db", str(db), "ingest", "--quiet", str(path))
        elapsed = time.perf_counter() - t
        if r.returncode:
            out.append({"format": fmt, "error": r.stdout[-500:]})
            continue
        b = bare(path, scratch)
        out.append({"format": fmt, "rows": rows_wanted, "seconds": elapsed, "rows_per_s": rows_wanted / elapsed,
                    "bare_seconds": b, "bare_rows_per_s": rows_wanted / b, "ratio_to_bare": b / elapsed})
        say(f"  ingest {fmt:8s} {rows_wanted:>10,} rows {rows_wanted / elapsed:12,.0f} rows/s   bare DuckDB {rows_wanted / b:12,.0f} rows/s"
            f"   ratio {b / elapsed:.2f}")
    out.append(openmetrics_rate(folder, scratch, say, om_gpu_rows))
    return out


def openmetrics_rate(folder: Path, scratch: Path, say: Say, gpu_rows: int) -> dict[str, Any]:
    """The first GPUs of the first day (about ``gpu_rows`` GPU rows) written as OpenMetrics by
    ``sample_metrics.openmetrics`` (one sample per line and field, as promtool back-fills it),
    loaded with ``aifd ingest``; beside bare DuckDB reading the Parquet of the same GPU rows."""
    import csv

    import duckdb

    from sample_metrics.openmetrics import write_openmetrics

    day = sorted(folder.glob("gpu_samples-*.parquet"))[0]
    sub = scratch / "om_fleet"
    sub.mkdir()
    con = duckdb.connect()
    per_gpu = con.execute("SELECT count(*) / count(DISTINCT gpu_uuid) FROM read_parquet(?)", [str(day)]).fetchall()[0][0]
    with open(folder / "gpus.csv", newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        gpus = [row for _, row in zip(range(max(1, round(gpu_rows / per_gpu))), reader)]
    with open(sub / "gpus.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *gpus])
    uuids = [row[header.index("gpu_uuid")] for row in gpus]
    sub_day = sub / day.name
    con.execute(f"COPY (SELECT * FROM read_parquet(?) WHERE gpu_uuid IN (SELECT unnest(?))) TO '{sub_day}' "
                "(FORMAT parquet)", [str(day), uuids])
    rows = con.execute("SELECT count(*) FROM read_parquet(?)", [str(sub_day)]).fetchall()[0][0]
    con.close()
    om = scratch / "gpus.om"
    rep = write_openmetrics(sub, om, links=(), meters=False)
    db = _fresh(scratch / "om.duckdb")
    _aifd("--db", str(db), "ingest", "--quiet", str(sub / "gpus.csv"))
    t = time.perf_counter()
    r, peak = _aifd_peak("--db", str(db), "ingest", "--quiet", str(om))
    elapsed = time.perf_counter() - t
    if r.returncode:
        return {"format": "openmetrics", "error": r.stdout[-500:]}
    b = bare_parquet([sub_day], scratch)
    bt = bare_text_lines(om, scratch)
    lines = rep.total_samples
    say(f"  ingest {'om':8s} {rows:>10,} rows {rows / elapsed:12,.0f} rows/s   bare DuckDB {rows / b:12,.0f} rows/s"
        f"   ratio {b / elapsed:.2f}   ({lines:,} samples, {lines / elapsed:,.0f} lines/s, "
        f"{om.stat().st_size / 2**20:,.0f} MiB, peak {peak:,.0f} MiB)")
    say(f"  {'':15s} beside bare DuckDB copying the same text as lines: {lines / bt:,.0f} lines/s, ratio {bt / elapsed:.2f}")
    return {"format": "openmetrics", "rows": rows, "samples": lines, "bytes": om.stat().st_size,
            "seconds": elapsed, "rows_per_s": rows / elapsed, "lines_per_s": lines / elapsed,
            "peak_rss_mib": peak, "bare_seconds": b, "bare_rows_per_s": rows / b, "ratio_to_bare": b / elapsed,
            "bare_format": "parquet of the same GPU rows",
            "bare_text_seconds": bt, "ratio_to_bare_text": bt / elapsed,
            "bare_text_format": "the same OpenMetrics text copied into a table of lines"}


# ---------------------------------------------------------------- main

def run(args: argparse.Namespace, settings: Settings, say: Say = print) -> Report:
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    report = Report(params={k: v for k, v in vars(args).items() if k != "func"})
    report.machine = {"cpus": os.cpu_count(), "platform": platform.platform(),
                      "load_before": os.getloadavg(), "started": datetime.utcnow().isoformat()}
    out = Path(args.json) if args.json else work / f"bench-{args.gpus}-{args.days:g}d.json"
    try:
        _measure(args, settings, report, work, say)
    finally:  # what was measured is kept, whatever stopped the rest
        report.machine["load_after"] = os.getloadavg()
        out.write_text(json.dumps(report.__dict__, indent=1, default=str))
        say(f"written {out}")
    return report


def _measure(args: argparse.Namespace, settings: Settings, report: Report, work: Path, say: Say) -> None:
    scales = [int(s) for s in str(args.scales).split(",")]
    base_db = None
    for scale in scales:
        folder = dataset(work, args.gpus, args.days * scale, args.interval, say)
        db = work / f"bench-{scale}x.duckdb"
        say(f"== {scale}x: {args.gpus:,} GPUs × {args.days * scale:g} days, ingest")
        files = sorted(folder.glob("gpu_samples-*.parquet"))
        ing = ingest_folder(db, folder, say)
        bare = bare_parquet(files, work)
        ing.update({"scale": scale, "format": "parquet (all days)", "bare_seconds": bare,
                    "bare_rows_per_s": ing["gpu_rows"] / bare, "ratio_to_bare": bare / ing["seconds"]})
        report.ingest.append(ing)
        say(f"  ingest {ing['gpu_rows']:,} GPU rows in {ing['seconds']:.1f} s = {ing['rows_per_s']:,.0f} rows/s "
            f"(bare DuckDB {ing['bare_rows_per_s']:,.0f} rows/s, ratio {ing['ratio_to_bare']:.2f}); "
            f"peak {ing['peak_rss_mib'] or float('nan'):,.0f} MiB; db {ing['db_mib']:,.0f} MiB")
        say(f"== {scale}x: figures the pages draw (cold, then {args.repeat} warm runs)")
        report.figures[f"{scale}x"] = time_figures(db, settings, args.repeat, say)
        if scale == scales[0]:
            base_db = (folder, db)
    folder, db = base_db
    say("== one day's load, step by step (in process)")
    report.load_steps = load_steps(folder, work, say)
    if args.formats:
        say("== ingest rate by format (first day: 2 M rows; OpenMetrics: the first GPUs, 200,000 rows)")
        report.ingest += format_rates(folder, work, say)
    if args.browser:
        say("== pages in headless Chromium (first render)")
        report.pages, report.memory["serving_peak_mib"] = time_pages(db, say)
    report.memory["ingest_peak_mib"] = max((i.get("peak_rss_mib") or 0) for i in report.ingest)
    if args.prometheus:
        say("== the same questions asked of a real Prometheus")
        fig_times = {r["figure"]: r for r in report.figures[f"{scales[0]}x"] if "error" not in r}
        try:
            report.prometheus = prometheus_side(folder, db, work, settings, args.repeat, fig_times, say)
        except FileNotFoundError as e:
            report.notes.append(f"Prometheus side skipped: {e}")
            say(f"  skipped: {e}")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--gpus", type=int, default=10_000)
    p.add_argument("--days", type=float, default=1)
    p.add_argument("--interval", type=int, default=60, help="seconds between samples")
    p.add_argument("--scales", default="1", help="multiples of --days to measure, e.g. 1,4,16")
    p.add_argument("--repeat", type=int, default=5, help="warm runs per figure and PromQL question")
    p.add_argument("--work", default="/tmp/aifd-bench", help="cache for generated data, databases, TSDB")
    p.add_argument("--json", help="where to write the results (default: in --work)")
    p.add_argument("--no-prometheus", dest="prometheus", action="store_false")
    p.add_argument("--no-browser", dest="browser", action="store_false")
    p.add_argument("--no-formats", dest="formats", action="store_false")
