"""``aifd sync`` against a real Prometheus server: what it stores equals file ingest of the same
generated data, figure by figure; large ranges are split under 11,000 points per series; a second
sync adds nothing; a killed sync resumes; failures are one line and change nothing stored."""
from __future__ import annotations

import hashlib
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from prometheus_api_client import PrometheusApiClientException, PrometheusConnect

from dashboard import figures
from dashboard.cli import main as aifd
from dashboard.config import PrometheusSettings, Settings, load_settings, parse_duration
from dashboard.ingest import ensure_reference, load_path, load_paths
from dashboard.pages import PAGES
from dashboard.store import connect
from dashboard.sync import SyncError, sync
from dashboard.sync.run import Windows, plan_gaps
from dashboard.sync.mapping import metric_specs
from sample_metrics.openmetrics import link_ports
from sample_metrics.promserver import PrometheusServer, backfill, web_security
from tests.prometheus_fixture import fleet_tsdb

ROOT = Path(__file__).resolve().parent.parent
INVENTORY = ("gpus.csv", "links.csv", "meters.csv")
# Figures about the loads themselves (sources, load ids, durations) differ by construction.
ABOUT_LOADS = {"report_loads", "ingest_log", "rejects", "sync_status", "sync_metrics"}


# ---------------------------------------------------------------- helpers

def harness_labels(folder: Path) -> dict:
    """How this site names its links: SNMP's ifAlias is the link id; node_exporter's host:port and
    device are mapped to it (aifd.toml's [prometheus.labels] and [prometheus.link_names])."""
    return {"labels": (("link", ("link", "link_id", "ifAlias")),),
            "link_names": tuple((f"{p.host}:9100/{p.if_name}", link) for link, p in link_ports(folder).items())}


def prom_settings(url: str, folder: Path, **kw) -> PrometheusSettings:
    return PrometheusSettings(url=url, **{**harness_labels(folder), **kw})


def toml_for(url: str, folder: Path, **extra) -> str:
    lines = ["[prometheus]", f'url = "{url}"'] + [f"{k} = {json.dumps(v)}" for k, v in extra.items()]
    lines += ["[prometheus.labels]", 'link = ["link", "link_id", "ifAlias"]', "[prometheus.link_names]"]
    lines += [f'"{p.host}:9100/{p.if_name}" = "{link}"' for link, p in link_ports(folder).items()]
    return "\n".join(lines) + "\n"


def inventory_db(path: Path, folder: Path) -> Path:
    con = connect(path)
    ensure_reference(con)
    for name in INVENTORY:
        assert load_path(con, folder / name).status == "ok"
    con.close()
    return path


def table_digest(path: Path) -> str:
    """Every row of every table, hashed: 'unchanged' means this is equal."""
    if not path.exists():
        return "no file"
    con = duckdb.connect(str(path), read_only=True)
    try:
        h = hashlib.sha256()
        for (t,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall():
            h.update(t.encode())
            h.update(repr(con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall()).encode())
        return h.hexdigest()
    finally:
        con.close()


def counts(path: Path) -> dict[str, int]:
    con = connect(path, read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("gpu_samples", "link_samples", "meter_samples", "gpus", "links", "meters",
                          "ingest_log", "rejects", "sync_coverage")}
    finally:
        con.close()


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    return err


# ---------------------------------------------------------------- the whole generated day, twice

@pytest.fixture(scope="module")
def synced(prometheus_sample, tmp_path_factory):
    """The generated day's inventory from its CSVs, telemetry from the Prometheus server."""
    s = prometheus_sample
    db = inventory_db(tmp_path_factory.mktemp("synced") / "sync.duckdb", s.folder)
    settings = Settings(db_path=db, prometheus=prom_settings(s.url, s.folder))
    report = sync(settings, start=s.start, end=s.end)
    return db, report


@pytest.fixture(scope="module")
def filed(prometheus_sample, tmp_path_factory):
    """The same day from its files (CSV inventory, Parquet telemetry)."""
    s = prometheus_sample
    db = tmp_path_factory.mktemp("filed") / "files.duckdb"
    con = connect(db)
    ensure_reference(con)
    files = [s.folder / n for n in INVENTORY] + sorted(s.folder.glob("*_samples-*.parquet"))
    assert all(r.status == "ok" for r in load_paths(con, files))
    con.close()
    return db


def test_sync_stores_the_samples_file_ingest_stores(synced, filed, prometheus_sample):
    db, report = synced
    got, want = counts(db), counts(filed)
    for t in ("gpu_samples", "link_samples", "meter_samples", "gpus", "links", "meters"):
        assert got[t] == want[t], t
    assert got["rejects"] == 0 and report.rows_rejected == 0
    assert report.rows_loaded == want["gpu_samples"] + want["link_samples"] + want["meter_samples"]
    con = duckdb.connect(str(db), read_only=True)
    con.execute(f"ATTACH '{filed}' AS f (READ_ONLY)")
    # GPU values are exact (REAL both ways); link counters near 1e16 come back from Prometheus as
    # float64 (2 ulp = 4 bytes); meter power is float32 in the generated Parquet and its shortest
    # text in OpenMetrics, so the two agree to float32 precision (1e-7).
    for table, name, key, cols, rel, abs_ in (
            ("gpu_samples", "gpu_uuid", "gpu_id", ["util", "tensor_active", "fp64_active", "sm_active",
             "sm_clock_mhz", "power_w", "energy_j", "temp_c", "xid"], 0, 0),
            ("link_samples", "link_name", "link_id", ["rx_bytes", "tx_bytes"], 0, 4),
            ("meter_samples", "meter_name", "meter_id", ["power_kw", "energy_kwh"], 1e-7, 0)):
        ent = table.split("_")[0] + "s"
        side = "(SELECT e.{n} AS k, s.* FROM {p}{t} s JOIN {p}{e} e USING ({key}))"
        same = " AND ".join(f"(a.{c} IS NOT DISTINCT FROM b.{c} OR abs(a.{c} - b.{c}) <= "
                            f"{rel} * abs(b.{c}) + {abs_})" for c in cols)
        unmatched, differ = con.execute(
            f"SELECT count(*) FILTER (WHERE a.k IS NULL OR b.k IS NULL), count(*) FILTER (WHERE NOT ({same})) "
            f"FROM {side.format(n=name, p='', t=table, e=ent, key=key)} a "
            f"FULL JOIN {side.format(n=name, p='f.', t=table, e=ent, key=key)} b ON a.k = b.k AND a.ts = b.ts"
        ).fetchone()
        assert (unmatched, differ) == (0, 0), table
    logged = con.execute("SELECT source, format, status, message FROM ingest_log WHERE format = 'prometheus' "
                         "ORDER BY load_id").fetchall()
    con.close()
    assert len(logged) == report.stored and all(r[0] == prometheus_sample.url and r[2] == "ok" for r in logged)
    assert "GET /api/v1/query time=" in logged[0][3] and "DCGM_FI_DEV_POWER_USAGE[" in logged[0][3]


def _frames_equal(a: pd.DataFrame, b: pd.DataFrame, name: str) -> None:
    assert list(a.columns) == list(b.columns), name
    assert len(a) == len(b), (name, len(a), len(b))
    # rtol: the generated meter power is float32 in Parquet and its shortest text in OpenMetrics
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_exact=False,
                                  rtol=1e-6, atol=1e-9, obj=name)


def test_every_page_shows_the_same_figures_from_prometheus_as_from_files(synced, filed):
    """Every figure of every page, and the drill-downs, for the whole range: file ingest and
    Prometheus sync of the same generated data give the same frames."""
    settings = Settings()
    a, b = connect(synced[0], read_only=True), connect(filed, read_only=True)
    try:
        checked = 0
        for page in PAGES:
            for name in page.figures:
                if name in ABOUT_LOADS:
                    continue
                fa, fb = figures.run(a, name, settings), figures.run(b, name, settings)
                if name == "store_contents":  # the load bookkeeping differs by construction
                    keep = ~fa.frame["table_name"].isin(["ingest_log", "rejects"])
                    _frames_equal(fa.frame[keep], fb.frame[keep], name)
                else:
                    _frames_equal(fa.frame, fb.frame, name)
                checked += 1
        pod = figures.run(b, "perf_pods", settings).frame["pod"].iloc[0]
        rack = figures.run(b, "perf_racks", settings, pod=pod).frame["rack"].iloc[0]
        host = figures.run(b, "perf_nodes", settings, rack=rack).frame["hostname"].iloc[0]
        uuid = figures.run(b, "perf_gpus", settings, hostname=host).frame["gpu_uuid"].iloc[0]
        for name, params in (("perf_racks", {"pod": pod}), ("perf_nodes", {"rack": rack}),
                             ("perf_gpus", {"hostname": host}), ("perf_gpu_series", {"gpu_uuid": uuid}),
                             ("perf_rack_heatmap", {"pod": pod})):
            fb = figures.run(b, name, settings, **params)
            assert not fb.empty, name
            _frames_equal(figures.run(a, name, settings, **params).frame, fb.frame, name)
            checked += 1
        assert checked >= 25
    finally:
        a.close()
        b.close()


def test_second_sync_of_the_same_range_fetches_and_adds_nothing(synced, prometheus_sample, tmp_path):
    db = tmp_path / "again.duckdb"
    shutil.copy(synced[0], db)
    before = counts(db)
    s = prometheus_sample
    report = sync(Settings(db_path=db, prometheus=prom_settings(s.url, s.folder)), start=s.start, end=s.end)
    assert (report.windows, report.requests, report.stored, report.rows_loaded) == (0, 0, 0, 0)
    assert "nothing new to fetch" in report.summary()
    assert counts(db) == before
    con = connect(db, read_only=True)
    per = figures.run(con, "sync_metrics", Settings()).frame
    status = figures.run(con, "sync_status", Settings()).frame
    con.close()
    assert (per["holes"] == 0).all() and len(per) == len({m for g in metric_specs(PrometheusSettings()).values()
                                                           for m in g})
    assert status["source"].tolist() == [s.url] and status["status"].tolist() == ["ok"]
    assert status["data_to"].iloc[0] == s.end.replace(tzinfo=None) + timedelta(milliseconds=1)


def test_a_later_sync_fetches_only_the_new_part(prometheus_sample, tmp_path):
    s = prometheus_sample
    db = inventory_db(tmp_path / "inc.duckdb", s.folder)
    settings = Settings(db_path=db, prometheus=prom_settings(s.url, s.folder, gpu_metrics=(
        ("DCGM_FI_DEV_POWER_USAGE", "power_w", 1.0),), link_metrics=(), meter_metrics=()))
    first = sync(settings, start=s.start, end=s.start + timedelta(hours=2))
    second = sync(settings, start=s.start, end=s.start + timedelta(hours=3))
    assert first.rows_loaded == 64 * 121 and second.rows_loaded == 64 * 60 and second.rows_duplicate == 0
    con = connect(db, read_only=True)
    per = figures.run(con, "sync_metrics", Settings()).frame
    con.close()
    assert per[["metric", "holes", "samples"]].values.tolist() == [["DCGM_FI_DEV_POWER_USAGE", 0, 64 * 181]]


# ---------------------------------------------------------------- more than 11,000 points per series

def test_a_range_over_11000_points_per_series_is_split_and_arrives_complete(tmp_path):
    # 1 s samples for 4.8 h: 17,280 points per series (as 12 days of 60 s samples would be)
    sample = fleet_tsdb(tmp_path, dict(gpus=8, days=0.2, interval_s=1, seed=4, start="2026-10-01T00:00:00Z"),
                        links=(), meters=False, gpu_families=("DCGM_FI_DEV_POWER_USAGE",))
    points = int((sample.end - sample.start).total_seconds()) + 1
    assert points > 11_000
    with PrometheusServer(sample.tsdb) as prom:
        client = PrometheusConnect(prom.url, disable_ssl=True)
        with pytest.raises(PrometheusApiClientException, match="11,000 points"):
            client.custom_query_range("DCGM_FI_DEV_POWER_USAGE", sample.start, sample.end, "1s")
        db = inventory_db(tmp_path / "big.duckdb", sample.folder)
        settings = Settings(db_path=db, prometheus=PrometheusSettings(
            url=prom.url, step_s=1, gpu_metrics=(("DCGM_FI_DEV_POWER_USAGE", "power_w", 1.0),), link_metrics=(),
            meter_metrics=()))
        report = sync(settings, start=sample.start, end=sample.end)
    assert report.max_points == 11_000  # the limit binds, and is never passed
    assert report.windows >= 2 and report.samples == 8 * points
    con = connect(db, read_only=True)
    stored = con.execute("SELECT count(*), count(DISTINCT (ts, gpu_id)), min(ts), max(ts) FROM gpu_samples").fetchone()
    want = con.execute(f"SELECT count(*) FROM read_parquet('{sample.folder}/gpu_samples-*.parquet')").fetchone()[0]
    con.close()
    assert stored == (want, want, sample.start.replace(tzinfo=None), sample.end.replace(tzinfo=None))


# ---------------------------------------------------------------- killed half-way, resumed

def test_a_sync_killed_half_way_resumes_without_gaps_or_duplicates(prometheus_sample, filed, tmp_path):
    """The CLI is killed (SIGKILL) after a few chunks; readers that open the store meanwhile, as
    the dashboard's pages do, never fail. The next sync stores exactly the rest."""
    s = prometheus_sample
    db = inventory_db(tmp_path / "killed.duckdb", s.folder)
    cfg = tmp_path / "aifd.toml"
    cfg.write_text(toml_for(s.url, s.folder, chunk_samples=40_000))  # 4 GPU chunks: 10, 69, 69, 32 steps
    start, end = s.start + timedelta(hours=9), s.start + timedelta(hours=12)
    env = dict(os.environ, AIFD_CONFIG=str(cfg), AIFD_DB=str(db))
    proc = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "sync", "--start", start.isoformat(),
                             "--end", end.isoformat()], env=env, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    waits, errors, stop = [], [], threading.Event()

    def reader():  # what ui.db does for every figure: open read-only, wait while a chunk is written
        while not stop.is_set():
            t = time.perf_counter()
            try:
                con = connect(db, read_only=True, wait_s=20)
                con.execute("SELECT count(*) FROM gpu_samples").fetchone()
                con.close()
            except Exception as e:  # noqa: BLE001 - any error is what the test looks for
                errors.append(e)
            waits.append(time.perf_counter() - t)
            time.sleep(0.2)

    t = threading.Thread(target=reader)
    t.start()
    stored = 0
    try:
        for line in proc.stderr:
            if " load " in line and " ok:" in line:
                stored += 1
                if stored == 3:
                    proc.send_signal(signal.SIGKILL)
                    break
    finally:
        proc.wait(30)
        stop.set()
        t.join()
    assert stored == 3 and proc.returncode == -signal.SIGKILL
    assert not errors, errors
    print(f"\nreader opens while syncing: {len(waits)}, longest {max(waits) * 1000:.0f} ms")
    partial = counts(db)["gpu_samples"]
    assert 0 < partial

    settings = replace(load_settings(cfg, env={}), db_path=db)
    report = sync(settings, start=start, end=end)
    assert report.rows_duplicate == 0  # only what the killed run had not stored was fetched
    con = connect(db, read_only=True)
    con.execute(f"ATTACH '{filed}' AS f (READ_ONLY)")
    for table in ("gpu_samples", "link_samples", "meter_samples"):
        key = {"gpu_samples": "gpu_id", "link_samples": "link_id", "meter_samples": "meter_id"}[table]
        got = con.execute(f"SELECT count(*), count(DISTINCT (ts, {key})) FROM {table}").fetchone()
        want = con.execute(f"SELECT count(*) FROM f.{table} WHERE ts BETWEEN $a AND $b",
                           {"a": start.replace(tzinfo=None), "b": end.replace(tzinfo=None)}).fetchone()[0]
        assert got == (want, want), table
    per = figures.run(con, "sync_metrics", Settings()).frame
    con.close()
    assert (per["holes"] == 0).all()
    assert partial < counts(db)["gpu_samples"]


# ---------------------------------------------------------------- failures: one line, nothing touched

@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """8 GPUs, 2 hours of 60 s samples, back-filled (no server running)."""
    return fleet_tsdb(tmp_path_factory.mktemp("tiny"), dict(gpus=8, days=2 / 24, interval_s=60, seed=2,
                                                              start="2026-11-20T10:00:00Z"))


def _cli_sync(tmp_path, monkeypatch, db: Path, url: str, folder: Path, *args: str, **settings) -> int:
    cfg = tmp_path / "aifd.toml"
    cfg.write_text(toml_for(url, folder, retries=1, backoff="0.1s", timeout="5s", **settings))
    monkeypatch.setenv("AIFD_CONFIG", str(cfg))
    return aifd(["--db", str(db), "sync", "--quiet", *args])


def test_a_stopped_server_is_one_line_exit_1_and_nothing_changes(tiny, tmp_path, monkeypatch, capsys):
    with PrometheusServer(tiny.tsdb) as prom:
        url = prom.url
    db = inventory_db(tmp_path / "s.duckdb", tiny.folder)
    before = table_digest(db)
    rc = _cli_sync(tmp_path, monkeypatch, db, url, tiny.folder, "--start", tiny.start.isoformat(),
                   "--end", tiny.end.isoformat())
    err = one_line_error(capsys)
    assert rc == 1
    assert err.startswith(f"aifd: sync: {url}: query DCGM_") and "cannot connect" in err and "refused" in err
    assert table_digest(db) == before
    missing = tmp_path / "never.duckdb"
    assert _cli_sync(tmp_path, monkeypatch, missing, url, tiny.folder, "--since", "1h") == 1
    one_line_error(capsys)
    assert not missing.exists()


@pytest.fixture(scope="module")
def tiny_server(tiny):
    with PrometheusServer(tiny.tsdb) as prom:
        yield tiny._replace(url=prom.url)


def test_an_http_error_names_the_url_the_query_and_prometheus_reason(tiny_server, tmp_path, monkeypatch, capsys):
    db = inventory_db(tmp_path / "h.duckdb", tiny_server.folder)
    before = table_digest(db)
    rc = _cli_sync(tmp_path, monkeypatch, db, tiny_server.url, tiny_server.folder, "--since", "1h",
                   match='job=~"("')
    err = one_line_error(capsys)
    assert rc == 1 and f"{tiny_server.url}: query DCGM_" in err and "HTTP 400: bad_data" in err, err
    assert table_digest(db) == before


def test_an_empty_result_is_an_error_and_stores_nothing(tiny_server, tmp_path, monkeypatch, capsys):
    db = inventory_db(tmp_path / "e.duckdb", tiny_server.folder)
    before = table_digest(db)
    a = tiny_server.start - timedelta(days=30)
    rc = _cli_sync(tmp_path, monkeypatch, db, tiny_server.url, tiny_server.folder, "--start", a.isoformat(),
                   "--end", (a + timedelta(hours=1)).isoformat())
    err = one_line_error(capsys)
    assert rc == 1 and "empty result" in err and tiny_server.url in err and "DCGM_FI_DEV_GPU_UTIL" in err
    assert table_digest(db) == before


class _Canned(http.server.BaseHTTPRequestHandler):
    """Answers every request with the server's canned body (a broken proxy, say)."""

    def do_GET(self):  # noqa: N802 - http.server's naming
        status, ctype, body = self.server.canned
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


@pytest.mark.parametrize("canned, why", [
    ((200, "text/html", b"<html>login</html>"), "malformed answer (not the API's JSON"),
    ((200, "application/json", b'{"status": "success", "data": {"resultType": "vector", "result": '
                               b'[{"metric": {}, "value": [1, "1"]}]}}'), "has no 'values' (a vector"),
    ((200, "application/json", b'{"status": "success", "data": {"resultType": "matrix", "result": '
                               b'[{"metric": {}, "values": [[1, "x"]]}]}}'), "could not convert string"),
])
def test_a_malformed_answer_is_one_line_and_nothing_changes(canned, why, tiny, tmp_path, monkeypatch, capsys):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canned)
    srv.canned = canned
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{srv.server_address[1]}"
    try:
        db = inventory_db(tmp_path / "m.duckdb", tiny.folder)
        before = table_digest(db)
        rc = _cli_sync(tmp_path, monkeypatch, db, url, tiny.folder, "--since", "1h")
    finally:
        srv.shutdown()
    err = one_line_error(capsys)
    assert rc == 1 and err.startswith(f"aifd: sync: {url}: query ") and why in err, err
    assert table_digest(db) == before


# ---------------------------------------------------------------- auth, TLS, headers

def test_tls_and_basic_auth(tiny, tmp_path):
    web, ca = web_security(tmp_path / "web", "aifd", "s3cret")
    with PrometheusServer(tiny.tsdb, web_config=web, probe_auth=("aifd", "s3cret"), probe_cafile=ca) as prom:
        assert prom.url.startswith("https://")
        db = inventory_db(tmp_path / "tls.duckdb", tiny.folder)
        base = prom_settings(prom.url, tiny.folder, retries=0, username="aifd", password="s3cret",
                             ca_file=str(ca))

        def run(**kw):
            return sync(Settings(db_path=db, prometheus=replace(base, **kw)), start=tiny.start, end=tiny.end)

        with pytest.raises(SyncError, match=r"HTTP 401"):
            run(password="wrong")
        with pytest.raises(SyncError, match=r"TLS error: .*certificate verify failed"):
            run(ca_file="")
        report = run()
        assert report.rows_rejected == 0 and report.stored > 0
        assert run(tls_verify=False, ca_file="").windows == 0  # already stored: nothing to fetch
    con = connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM gpu_samples").fetchone()[0] == 8 * 120
    assert con.execute("SELECT DISTINCT source FROM ingest_log WHERE format = 'prometheus'").fetchall() == \
        [(prom.url,)]
    con.close()


class _Gateway(http.server.BaseHTTPRequestHandler):
    """A gateway in front of the real server, as Mimir's is: a tenant header and a bearer token are
    required; the first request gets a 503 (retried with backoff)."""

    def do_GET(self):  # noqa: N802
        gw = self.server
        gw.seen.append(dict(self.headers))
        if len(gw.seen) == 1:
            self.send_response(503)
            self.end_headers()
            return
        if self.headers.get("Authorization") != "Bearer t0ken" or self.headers.get("X-Scope-OrgID") != "tenant-1":
            self.send_response(401)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"no tenant or token")
            return
        import urllib.request

        with urllib.request.urlopen(gw.upstream + self.path.removeprefix("/prometheus"), timeout=10) as r:
            body = r.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def test_bearer_token_tenant_header_and_retry_through_a_gateway(tiny_server, tmp_path):
    gw = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    gw.upstream, gw.seen = tiny_server.url, []
    threading.Thread(target=gw.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{gw.server_address[1]}/prometheus"
    try:
        db = inventory_db(tmp_path / "gw.duckdb", tiny_server.folder)
        p = prom_settings(url, tiny_server.folder, retries=2, backoff_s=0.05, concurrency=1,
                          bearer_token="t0ken", headers=(("X-Scope-OrgID", "tenant-1"),))
        with pytest.raises(SyncError, match=r"HTTP 401: no tenant or token"):
            sync(Settings(db_path=db, prometheus=replace(p, headers=())), start=tiny_server.start, end=tiny_server.end)
        gw.seen.clear()
        report = sync(Settings(db_path=db, prometheus=p), start=tiny_server.start, end=tiny_server.end)
    finally:
        gw.shutdown()
    assert report.source == f"{url} (X-Scope-OrgID tenant-1)" and report.stored > 0
    assert len(gw.seen) == report.requests + 1  # the 503 was retried
    con = connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM gpu_samples").fetchone()[0] == 8 * 120
    con.close()


# ---------------------------------------------------------------- rejects and registration

def test_rejects_carry_series_and_reason_and_labels_register_entities(tmp_path):
    t0 = 1_795_000_000  # 2026-11-18
    lines = ["# TYPE DCGM_FI_DEV_GPU_UTIL gauge"]
    for i in range(3):
        lines.append(f'DCGM_FI_DEV_GPU_UTIL{{gpu="0",UUID="GPU-a",modelName="NVIDIA B200",hostname="n1"}} '
                     f'{50 + i} {t0 + 60 * i}')
    lines += [f'DCGM_FI_DEV_GPU_UTIL{{gpu="1",UUID="GPU-b",modelName="NVIDIA B200",Hostname="n1"}} 150 {t0}',
              f'DCGM_FI_DEV_GPU_UTIL{{gpu="2",Hostname="n1"}} 10 {t0}',
              "# TYPE facility_power_kw gauge",
              f'facility_power_kw{{meter="site",kind="facility"}} 900 {t0}',
              f'facility_power_kw{{meter="odd",kind="pdu"}} 5 {t0}', "# EOF"]
    om = tmp_path / "bad.om"
    om.write_text("\n".join(lines) + "\n")
    backfill(om, tmp_path / "tsdb")
    db = tmp_path / "r.duckdb"
    with PrometheusServer(tmp_path / "tsdb") as prom:
        report = sync(Settings(db_path=db, prometheus=PrometheusSettings(url=prom.url, link_metrics=())),
                      start=datetime.fromtimestamp(t0, timezone.utc), end=datetime.fromtimestamp(t0 + 120, timezone.utc))
    assert report.rows_loaded == 3 + 1 and report.rows_rejected == 4
    con = connect(db, read_only=True)
    gpus = con.execute("SELECT gpu_uuid, hostname, gpu_index, model FROM gpus ORDER BY 1").fetchall()
    rej = con.execute("SELECT series, reason FROM rejects ORDER BY series").fetchall()
    meters = con.execute("SELECT meter_name, kind FROM meters").fetchall()
    con.close()
    assert gpus == [("GPU-a", "n1", 0, "NVIDIA B200")]  # the lower-case hostname label is read too
    assert ('DCGM_FI_DEV_GPU_UTIL{Hostname="n1",gpu="2"}', "no GPU identity: the series has no UUID label") in rej
    assert ("GPU-b", "util 150.0 is outside 0..100 %") in rej
    assert ("odd", "meter kind 'pdu' is not one of facility, it, cooling, renewable, reuse") in rej
    assert any(s == "odd" and r.startswith("unknown meter odd") for s, r in rej)
    assert meters == [("site", "facility")]


def test_an_ifalias_naming_an_inventory_link_places_the_series_on_it_without_any_mapping(tmp_path):
    """As the file reader does: snmp_exporter's if_mib carries the operator's ifAlias; when it names a
    link of the inventory the series is that link's, else the port is registered as host/port."""
    t0 = 1_795_000_000  # 2026-11-18
    lines = ["# TYPE ifHCInOctets counter"]
    for i in range(3):
        lines.append(f'ifHCInOctets_total{{instance="sw-fra-01",job="snmp",ifIndex="48",ifName="Ethernet48",'
                     f'ifAlias="uplink-fra-1"}} {i * 75e9:.0f} {t0 + 60 * i}')
        lines.append(f'ifHCInOctets_total{{instance="sw-fra-01",job="snmp",ifIndex="12",ifName="Ethernet12",'
                     f'ifAlias="server-23 eth0"}} {i * 6e9:.0f} {t0 + 60 * i}')
    lines.append("# EOF")
    om = tmp_path / "snmp.om"
    om.write_text("\n".join(lines) + "\n")
    backfill(om, tmp_path / "tsdb")
    db = tmp_path / "l.duckdb"
    con = connect(db)
    (tmp_path / "links.csv").write_text("link_name,a_end,b_end,capacity_gbps,carrier,kind\n"
                                        "uplink-fra-1,muc/edge-1,fra/DE-CIX,100,DTAG,uplink\n")
    assert load_path(con, tmp_path / "links.csv").status == "ok"
    con.close()
    with PrometheusServer(tmp_path / "tsdb") as prom:
        report = sync(Settings(db_path=db, prometheus=PrometheusSettings(url=prom.url, gpu_metrics=(),
                                                                         meter_metrics=())),
                      start=datetime.fromtimestamp(t0, timezone.utc), end=datetime.fromtimestamp(t0 + 120, timezone.utc))
    assert report.rows_rejected == 0
    con = connect(db, read_only=True)
    stored = dict(con.execute("SELECT l.link_name, count(*) FROM link_samples s JOIN links l USING (link_id) "
                              "GROUP BY 1").fetchall())
    con.close()
    # the inventory's uplink gets its samples (not a new 'sw-fra-01/Ethernet48'); a free-text alias
    # that names no inventory link does not become a link name
    assert stored == {"uplink-fra-1": 3, "sw-fra-01/Ethernet12": 3}


def test_mig_instances_are_weighted_as_the_file_reader_weights_them(tmp_path):
    """One H100 with only instance series (1g and 3g: tensor (0.9 × 1 + 0.4 × 3) / 7 by hand, power
    once, utilisation empty) and one B200 whose whole-GPU series wins over its instance's: the sync
    stores what `aifd ingest` of the same exposition stores."""
    t0 = 1_795_000_000  # 2026-11-18
    a = 'UUID="GPU-a",gpu="0",modelName="NVIDIA H100 80GB HBM3",Hostname="n1"'
    b = 'UUID="GPU-b",gpu="1",modelName="NVIDIA B200",Hostname="n1"'
    series = {
        "DCGM_FI_DEV_POWER_USAGE": [(a + ',GPU_I_PROFILE="1g.10gb",GPU_I_ID="9"', 500),
                                    (a + ',GPU_I_PROFILE="3g.40gb",GPU_I_ID="2"', 500), (b, 800),
                                    (b + ',GPU_I_PROFILE="1g.23gb",GPU_I_ID="13"', 800)],
        "DCGM_FI_DEV_GPU_UTIL": [(a + ',GPU_I_PROFILE="1g.10gb",GPU_I_ID="9"', 0), (b, 97)],
        "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE": [(a + ',GPU_I_PROFILE="1g.10gb",GPU_I_ID="9"', 0.9),
                                            (a + ',GPU_I_PROFILE="3g.40gb",GPU_I_ID="2"', 0.4), (b, 0.61),
                                            (b + ',GPU_I_PROFILE="1g.23gb",GPU_I_ID="13"', 0.95)],
    }
    lines = []
    for name, rows in series.items():
        lines.append(f"# TYPE {name} gauge")
        lines += [f"{name}{{{labels}}} {value} {t0 + 60 * i}" for labels, value in rows for i in range(3)]
    om = tmp_path / "mig.om"
    om.write_text("\n".join(lines + ["# EOF"]) + "\n")
    backfill(om, tmp_path / "tsdb")
    synced_db, filed_db = tmp_path / "s.duckdb", tmp_path / "f.duckdb"
    with PrometheusServer(tmp_path / "tsdb") as prom:
        report = sync(Settings(db_path=synced_db, prometheus=PrometheusSettings(url=prom.url, link_metrics=(),
                                                                                meter_metrics=())),
                      start=datetime.fromtimestamp(t0, timezone.utc), end=datetime.fromtimestamp(t0 + 120, timezone.utc))
    assert report.rows_rejected == 0 and report.rows_loaded == 6
    con = connect(filed_db)
    ensure_reference(con)
    assert load_path(con, om).status == "ok"
    con.close()
    query = ("SELECT g.gpu_uuid, s.ts, s.power_w, s.util, round(s.tensor_active::DOUBLE, 6) FROM gpu_samples s "
             "JOIN gpus g USING (gpu_id) ORDER BY 1, 2")
    stored = {}
    for db in (synced_db, filed_db):
        c = connect(db, read_only=True)
        stored[db] = c.execute(query).fetchall()
        c.close()
    assert stored[synced_db] == stored[filed_db]
    assert {(u, p, ut, t) for u, _ts, p, ut, t in stored[synced_db]} == {
        ("GPU-a", 500.0, None, round(2.1 / 7, 6)), ("GPU-b", 800.0, 97.0, 0.61)}


# ---------------------------------------------------------------- the plan, windows and settings

def test_plan_asks_only_for_what_some_series_lacks():
    specs = metric_specs(PrometheusSettings())["meter"]
    names = [s.name for s in specs]
    cov = {names[0]: [(0, 50), (70, 100)], names[1]: [(0, 100)], names[2]: [(0, 60), (80, 100)]}
    assert plan_gaps(specs, 0, 100, cov) == [(50, 80)]
    assert plan_gaps(specs, 0, 100, {n: [(0, 100)] for n in names}) == []
    assert plan_gaps(specs, 0, 100, {}) == [(0, 100)]


def test_windows_grow_to_the_points_limit_and_shrink_for_dense_series():
    w = Windows([(0, 10**10)], step_ms=60_000, max_points=11_000, chunk_samples=10**9)
    sizes = []
    for _ in range(6):
        a, b = w.next()
        sizes.append(b - a)
        w.learn(b - a, samples=(b - a) // 60_000 * 4, max_points=(b - a) // 60_000)
    assert sizes[0] == 600_000 and sizes[-1] == 11_000 * 60_000 and sizes == sorted(sizes)
    a, b = w.next()
    w.learn(b - a, samples=1, max_points=44_000)  # scraped every 15 s, not 60 s: 4x the points
    assert w.size == 11_000 * 15_000
    big = Windows([(0, 10**12)], step_ms=60_000, max_points=11_000, chunk_samples=100_000)
    a, b = big.next()
    big.learn(b - a, samples=10 * 5_000, max_points=10)  # 5,000 series: the chunk budget binds
    assert big.size == 20 * 60_000


def test_prometheus_settings_from_file_and_environment(tmp_path):
    (tmp_path / "token").write_text("s3cret\n")
    cfg = tmp_path / "aifd.toml"
    cfg.write_text('[prometheus]\nurl = "https://mimir:8080/prometheus/"\nstep = "15s"\nsince = "7d"\n'
                   f'bearer_token_file = "{tmp_path / "token"}"\ntls_verify = false\n'
                   '[prometheus.headers]\nX-Scope-OrgID = "tenant-1"\n'
                   '[prometheus.meter_metrics]\nsite_power_watts = "power_w"\nsite_kwh = ["energy_kwh", 1]\n')
    s = load_settings(cfg, env={"AIFD_PROMETHEUS_HEADERS": "X-Scope-OrgID=tenant-2"}).prometheus
    assert (s.url, s.step_s, s.since_s, s.bearer_token, s.tls_verify) == \
        ("https://mimir:8080/prometheus", 15, 7 * 86400, "s3cret", False)
    assert s.headers == (("X-Scope-OrgID", "tenant-2"),) and "s3cret" not in repr(s)
    meter = {m.name: (m.column, m.factor) for m in metric_specs(s)["meter"]}
    assert meter == {"site_power_watts": ("power_kw", 1e-3), "site_kwh": ("energy_kwh", 1.0)}
    assert parse_duration("1h30m") == 5400 and parse_duration(90) == 90
    for bad, why in (('url = "mimir:8080"', "not an http"), ('step = "fast"', "not a duration"),
                     ("max_points = 20000", "1..11000"), ('colour = "red"', "unknown setting colour"),
                     ('username = "a"\nbearer_token = "b"', "not both")):
        cfg.write_text(f"[prometheus]\n{bad}\n")
        with pytest.raises(ValueError, match=why):
            load_settings(cfg, env={})
    cfg.write_text('[prometheus]\n[prometheus.gpu_metrics]\nDCGM_FI_DEV_GPU_UTIL = "gpu_uuid"\n')
    with pytest.raises(ValueError, match="identity, not a value"):
        metric_specs(load_settings(cfg, env={}).prometheus)


def test_sync_without_a_url_says_how_to_set_one(tmp_path, capsys):
    assert aifd(["--db", str(tmp_path / "x.duckdb"), "sync"]) == 1
    assert "no Prometheus URL" in one_line_error(capsys)
    assert aifd(["sync", "--configured"]) == 1
    assert aifd(["sync", "--configured", "--prometheus", "http://prom:9090"]) == 0


# ---------------------------------------------------------------- on a schedule, beside the pages

def test_scheduled_sync_keeps_up_records_failures_and_the_data_page_shows_lag(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from dashboard.sync.schedule import run_every

    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    sample = fleet_tsdb(tmp_path, dict(gpus=8, days=2 / 24, interval_s=60, seed=6,
                                       start=f"{now - timedelta(hours=2):%Y-%m-%dT%H:%M:%SZ}"), links=("snmp",))
    db = inventory_db(tmp_path / "live.duckdb", sample.folder)
    lines: list[str] = []
    with PrometheusServer(sample.tsdb) as prom:
        settings = Settings(db_path=db, prometheus=prom_settings(prom.url, sample.folder, retries=0))
        assert run_every(settings, 0.2, ticks=2, since_s=3 * 3600, say=lines.append) == 0
        cfg = tmp_path / "aifd.toml"
        cfg.write_text(toml_for(prom.url, sample.folder, since="3h"))
        proc = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "--db", str(db), "sync", "--every", "1s"],
                                env=dict(os.environ, AIFD_CONFIG=str(cfg)), stdout=subprocess.PIPE, text=True,
                                cwd=ROOT)
        try:
            assert proc.stdout.readline().startswith(f"syncing {prom.url} into {db} every 1 s")
            assert prom.url in proc.stdout.readline()  # a tick's summary
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(30) == 0
    assert "rows stored" in lines[1] and len([l for l in lines if l.startswith(prom.url)]) == 2
    con = connect(db, read_only=True)
    status = figures.run(con, "sync_status", Settings()).frame.iloc[0]
    stored = con.execute("SELECT count(*), max(ts) FROM gpu_samples").fetchone()
    con.close()
    assert status["status"] == "ok" and status["failures"] == 0 and status["rows_loaded"] > 0
    assert stored[0] >= 8 * 115 and stored[1] >= now.replace(tzinfo=None) - timedelta(minutes=4)
    assert 0 <= status["lag_min"] < 10

    failed = run_every(settings, 0.2, ticks=1, since_s=3 * 3600, say=lines.append)  # the server is gone
    assert failed == 1 and lines[-1].startswith(f"aifd: sync: {prom.url}: query ") and "cannot connect" in lines[-1]
    monkeypatch.setenv("AIFD_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard" / "views" / "data.py"), default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.subheader][:2] == ["Store contents", "Live sources"]
    tiles = {m.label: m for m in at.metric}
    lag = tiles[f"Lag · {prom.url}"]
    assert lag.value.endswith("min")
    assert "cannot connect" in tiles["failures"].delta and tiles["failures"].value == "1"
