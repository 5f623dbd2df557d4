"""A real Prometheus server over back-filled data, for tests and benchmarks.

``backfill`` turns an OpenMetrics file (``sample_metrics.openmetrics``) into TSDB blocks with
``promtool tsdb create-blocks-from openmetrics``; ``PrometheusServer`` starts ``prometheus`` on
that TSDB on 127.0.0.1 (a free port, no scrape targets), waits until it is ready and the blocks
answer queries, and stops it on exit.

Query semantics to keep in mind (Prometheus 2.x, as packaged by Debian 12: 2.42):
- An instant query at t returns a series' last sample in [t - lookback delta, t] (default 5m),
  and back-filled data has no staleness markers, so every series still "exists" up to 5 min after
  its last sample. Samples 300 s apart sit exactly on that edge (both ends are closed in 2.x;
  Prometheus 3 made the left end open): pass lookback_delta (e.g. "10m") for 300 s data.
- Range selectors ``x[d]`` at t are closed on both ends in 2.x: [t - d, t], so 1h of 60 s data
  holds 61 samples, and increase() is exact when samples sit on both ends.
- Retention is counted back from the newest block's end, and blocks beyond it are deleted at
  start-up; the default here (100y) keeps any back-filled range.
"""
from __future__ import annotations

import base64
import ctypes
import ctypes.util
import json
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path


# The server is local: never route the readiness probes through an HTTP(S)_PROXY from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class PrometheusNotFound(FileNotFoundError):
    """The prometheus or promtool binary is not installed."""


class PrometheusError(RuntimeError):
    """promtool or prometheus failed; the message carries its output."""


def find_binary(name: str) -> str:
    """Absolute path of a binary, or PrometheusNotFound naming it and how to get it."""
    path = shutil.which(name)
    if path is None:
        raise PrometheusNotFound(
            f"{name!r} not found (looked on PATH and as a path): install Debian's prometheus package "
            f"(apt-get install prometheus, which ships prometheus and promtool) or pass its path")
    return path


@dataclass(frozen=True)
class Block:
    ulid: str
    min_time_ms: int
    max_time_ms: int  # exclusive
    samples: int
    series: int


def blocks(tsdb_dir: str | Path) -> list[Block]:
    """The persisted blocks in a TSDB folder, from their meta.json, oldest first."""
    out = []
    for meta in Path(tsdb_dir).glob("*/meta.json"):
        m = json.loads(meta.read_text())
        out.append(Block(m["ulid"], m["minTime"], m["maxTime"], m["stats"].get("numSamples", 0),
                         m["stats"].get("numSeries", 0)))
    return sorted(out, key=lambda b: b.min_time_ms)


def backfill(openmetrics_file: str | Path, tsdb_dir: str | Path, max_block_duration: str = "24h",
             promtool: str = "promtool", timeout: float | None = None) -> list[Block]:
    """Create TSDB blocks in tsdb_dir from an OpenMetrics file; returns the blocks it created.

    promtool aligns blocks to multiples of its block size (the largest of 2h, 6h, 18h, 54h, ...
    not above max_block_duration) and parses the whole file once per block."""
    binary = find_binary(promtool)
    src = Path(openmetrics_file)
    if not src.is_file():
        raise FileNotFoundError(f"{src}: no such OpenMetrics file")
    dst = Path(tsdb_dir)
    dst.mkdir(parents=True, exist_ok=True)
    before = {b.ulid for b in blocks(dst)}
    cmd = [binary, "tsdb", "create-blocks-from", "openmetrics", "--quiet",
           f"--max-block-duration={max_block_duration}", str(src), str(dst)]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if res.returncode != 0:
        raise PrometheusError(f"{' '.join(cmd)} failed (exit {res.returncode}) on {src}: "
                              f"{(res.stderr or res.stdout).strip()[-2000:]}")
    created = [b for b in blocks(dst) if b.ulid not in before]
    if not created:
        raise PrometheusError(f"{src}: promtool created no blocks (no samples with timestamps?)")
    return created


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


MINIMAL_CONFIG = """# No scrape targets: the server only serves back-filled blocks.
global:
  scrape_interval: 1m
  evaluation_interval: 1m
"""


class PrometheusServer:
    """``with PrometheusServer(tsdb_dir) as prom: prom.url`` — a prometheus process on 127.0.0.1.

    Waits for /-/ready and, when the TSDB holds blocks, until a query at the newest block's last
    sample returns series; stops with SIGTERM, then SIGKILL after ``stop_timeout`` seconds.
    The server's output goes to ``log_path`` (quoted in errors)."""

    def __init__(self, tsdb_dir: str | Path, *, port: int | None = None, retention: str = "100y",
                 lookback_delta: str | None = None, binary: str = "prometheus",
                 extra_args: tuple[str, ...] = (), start_timeout: float = 60.0,
                 stop_timeout: float = 15.0, web_config: dict | None = None,
                 probe_auth: tuple[str, str] | None = None, probe_cafile: str | Path | None = None):
        self.tsdb_dir = Path(tsdb_dir).resolve()  # the server runs in its own working folder
        self.port = port
        self.retention = retention
        self.lookback_delta = lookback_delta
        self.binary = binary
        self.extra_args = tuple(extra_args)
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.proc: subprocess.Popen | None = None
        self._workdir: Path | None = None
        self.log_path: Path | None = None
        self.last_log = ""  # the server's output, kept after stop()
        # --web.config.file (TLS, basic auth: see web_security); the probes then use https and
        # the given credentials and CA
        self.web_config = web_config
        self.probe_auth = probe_auth
        self.probe_cafile = str(probe_cafile) if probe_cafile else None

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("the server is not started")
        scheme = "https" if self.web_config and "tls_server_config" in self.web_config else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def __enter__(self) -> "PrometheusServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def command(self) -> list[str]:
        assert self._workdir is not None
        cmd = [find_binary(self.binary),
               f"--config.file={self._workdir / 'prometheus.yml'}",
               f"--storage.tsdb.path={self.tsdb_dir}",
               f"--storage.tsdb.retention.time={self.retention}",
               f"--web.listen-address=127.0.0.1:{self.port}"]
        if self.lookback_delta:
            cmd.append(f"--query.lookback-delta={self.lookback_delta}")
        if self.web_config:
            cmd.append(f"--web.config.file={self._workdir / 'web.yml'}")
        return cmd + list(self.extra_args)

    def start(self) -> None:
        if self.proc is not None:
            raise RuntimeError("the server is already running")
        find_binary(self.binary)  # fail before creating anything
        self.tsdb_dir.mkdir(parents=True, exist_ok=True)
        explicit_port = self.port is not None
        for attempt in range(3):
            if not explicit_port:
                self.port = free_port()
            self._workdir = Path(tempfile.mkdtemp(prefix="aifd-prometheus-"))
            (self._workdir / "prometheus.yml").write_text(MINIMAL_CONFIG)
            if self.web_config:
                (self._workdir / "web.yml").write_text(json.dumps(self.web_config))  # JSON is YAML
            self.log_path = self._workdir / "prometheus.log"
            with open(self.log_path, "wb") as log:
                self.proc = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL, cwd=self._workdir,
                                             start_new_session=True)
            try:
                self._wait_ready()
                return
            except PrometheusError:
                # another process may have taken the free port between probe and bind
                retry = (not explicit_port and attempt < 2 and self.proc.poll() is not None
                         and "address already in use" in self.log())
                self.stop()
                if not retry:
                    raise
            except BaseException:
                self.stop()
                raise

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace") if self.log_path else ""
        except OSError:
            return ""

    def _fail(self, why: str) -> PrometheusError:
        tail = "\n".join(self.log().splitlines()[-15:])
        return PrometheusError(f"prometheus ({self.binary}, tsdb {self.tsdb_dir}, port {self.port}) {why}"
                               f"\n--- last lines of {self.log_path} ---\n{tail}")

    def _get(self, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
        opener, request = _OPENER, urllib.request.Request(self.url + path)
        if self.url.startswith("https:"):
            ctx = ssl.create_default_context(cafile=self.probe_cafile)
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                                 urllib.request.HTTPSHandler(context=ctx))
        if self.probe_auth:
            token = base64.b64encode(":".join(self.probe_auth).encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        try:
            with opener.open(request, timeout=timeout) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        newest = max(blocks(self.tsdb_dir), key=lambda b: b.max_time_ms, default=None)
        # A query at the last sample of the newest block: non-empty once the blocks are loaded.
        probe = None
        if newest is not None:
            q = urllib.parse.urlencode({"query": 'count({__name__=~".+"})',
                                        "time": f"{(newest.max_time_ms - 1) / 1000:.3f}"})
            probe = f"/api/v1/query?{q}"
        ready = False
        while True:
            if self.proc.poll() is not None:
                raise self._fail(f"exited with code {self.proc.returncode} while starting")
            if time.monotonic() > deadline:
                raise self._fail(f"not {'queryable' if ready else 'ready'} after {self.start_timeout:.0f} s")
            try:
                if not ready:
                    ready = self._get("/-/ready", timeout=2)[0] == 200
                if ready:
                    if probe is None:
                        return
                    status, body = self._get(probe)
                    if status == 200 and json.loads(body)["data"]["result"]:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, socket.timeout, ssl.SSLError):
                pass
            time.sleep(0.1)

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        if self._workdir is not None:  # errors already quote the log; last_log keeps it
            self.last_log = self.log()
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = self.log_path = None


def bcrypt_hash(password: str) -> str:
    """A bcrypt hash for ``basic_auth_users`` (Prometheus's web config takes bcrypt only), from the
    system's libcrypt (libxcrypt on Debian), so no Python package is needed."""
    name = ctypes.util.find_library("crypt")
    if name is None:
        raise PrometheusNotFound("libcrypt not found: it makes the bcrypt hash of a web config password")
    lib = ctypes.CDLL(name)
    lib.crypt.restype = ctypes.c_char_p
    lib.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    salt = "".join(secrets.choice(alphabet) for _ in range(21)) + "."  # 22 chars, last with 2 bits free
    out = lib.crypt(password.encode(), f"$2b$05${salt}".encode())
    if not out or not out.startswith(b"$2b$"):
        raise PrometheusError("libcrypt has no bcrypt ($2b$) support")
    return out.decode()


def web_security(folder: str | Path, user: str, password: str, *, tls: bool = True) -> tuple[dict, Path | None]:
    """(web config, CA file): basic auth for ``user`` and, with ``tls``, a self-signed certificate for
    127.0.0.1 made with the openssl command (the certificate is its own CA)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    config: dict = {"basic_auth_users": {user: bcrypt_hash(password)}}
    if not tls:
        return config, None
    cert, key = folder / "server.crt", folder / "server.key"
    cmd = [find_binary("openssl"), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
           "-nodes", "-days", "2",
           "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
           "-keyout", str(key), "-out", str(cert)]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise PrometheusError(f"{' '.join(cmd)} failed: {res.stderr.strip()[-500:]}")
    config["tls_server_config"] = {"cert_file": str(cert), "key_file": str(key)}
    return config, cert


def main(argv: list[str] | None = None) -> int:
    """Back-fill an OpenMetrics file and serve it until Ctrl-C: handy to explore in the web UI."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m sample_metrics.promserver", description=main.__doc__)
    ap.add_argument("openmetrics", help="file written by sample_metrics.openmetrics")
    ap.add_argument("tsdb", help="TSDB folder to create (or reuse)")
    ap.add_argument("--port", type=int, default=None)
    ap.add_argument("--lookback-delta", default=None)
    a = ap.parse_args(argv)
    if not blocks(a.tsdb):
        t = time.perf_counter()
        created = backfill(a.openmetrics, a.tsdb)
        print(f"back-filled {sum(b.samples for b in created):,} samples in {len(created)} blocks "
              f"in {time.perf_counter() - t:.1f} s")
    def interrupt(_signum, _frame):  # SIGTERM stops the server too, as Ctrl-C does
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    with PrometheusServer(a.tsdb, port=a.port, lookback_delta=a.lookback_delta) as prom:
        print(f"serving {a.tsdb} at {prom.url} (Ctrl-C or SIGTERM stops)", flush=True)
        try:
            while prom.proc is not None and prom.proc.poll() is None:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
