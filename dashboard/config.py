"""Settings: a TOML file (``aifd.toml`` or ``$AIFD_CONFIG``) with ``AIFD_*`` environment overrides.

Nothing must be configured for the demo: every setting has a default.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = REPO_ROOT / "queries"
SAMPLE_DIR = REPO_ROOT / "sample_metrics" / "small"

PRECISIONS = ("fp64", "tf32", "bf16", "fp8", "fp4")


@dataclass(frozen=True)
class Target:
    """The performance claim the site is measured against."""

    exaflops: float = 0.5
    precision: str = "bf16"  # one of PRECISIONS
    sparse: bool = False
    basis: str = "nameplate peak"  # nameplate peak | HPL-measured | sustained

    @property
    def tflops(self) -> float:
        return self.exaflops * 1e6


MetricMap = tuple[tuple[str, str, float], ...]  # (series name, column, factor to the column's unit)


@dataclass(frozen=True)
class PrometheusSettings:
    """Where and how ``aifd sync`` reads a Prometheus-compatible HTTP API (``[prometheus]``)."""

    url: str = ""  # empty: no live source configured
    step_s: float = 60.0  # the scrape interval: requests are sized in points of this step
    since_s: float = 86400.0  # how far back a sync without --start reaches
    every_s: float = 60.0  # period of `aifd sync --every` and of the sync `aifd serve` starts
    delay_s: float = 120.0  # a sync stops this far behind now: samples still being scraped are not skipped
    timeout_s: float = 30.0  # per request
    retries: int = 3  # per request, on connection errors and 429/5xx, with exponential backoff
    backoff_s: float = 0.5
    concurrency: int = 4  # requests in flight at once
    max_points: int = 11_000  # per series and request: Prometheus's query_range limit
    chunk_samples: int = 2_000_000  # samples per stored chunk (one transaction; bounds the write lock)
    match: str = ""  # extra label matchers for every query, e.g. cluster="fra-1"
    username: str = ""
    password: str = field(default="", repr=False)
    bearer_token: str = field(default="", repr=False)
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # e.g. X-Scope-OrgID
    tls_verify: bool = True
    ca_file: str = ""
    cert_file: str = ""
    key_file: str = ""
    gpu_metrics: MetricMap | None = None  # None: dcgm-exporter's names (dashboard/sync/mapping.py)
    link_metrics: MetricMap | None = None  # None: node_exporter and SNMP if_mib names
    meter_metrics: MetricMap | None = None  # None: facility_power_kw, facility_energy_kwh
    labels: tuple[tuple[str, tuple[str, ...]], ...] = ()  # entity field -> labels tried in order
    link_names: tuple[tuple[str, str], ...] = ()  # "host/port" as the labels give it -> link name

    @property
    def configured(self) -> bool:
        return bool(self.url)


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)")
_UNIT_S = {"ms": 1e-3, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400}


def parse_duration(value: Any, what: str = "duration") -> float:
    """Seconds from a Prometheus-style duration ("90s", "1h30m", "7d") or a number of seconds."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        text = str(value).strip()
        try:
            seconds = float(text)
        except ValueError:
            parts = _DURATION.findall(text)
            if not parts or "".join(n + u for n, u in parts) != text:
                raise ValueError(f"{what}: {value!r} is not a duration (write e.g. 60s, 5m, 1h30m, 7d)") from None
            seconds = sum(float(n) * _UNIT_S[u] for n, u in parts)
    if seconds < 0:
        raise ValueError(f"{what}: {value!r} is negative")
    return seconds


def _metric_map(table: Any, where: str) -> MetricMap:
    """``{series = "column"}`` or ``{series = ["column", factor]}`` from the TOML file."""
    if not isinstance(table, dict):
        raise ValueError(f"{where} must be a table of series name = column")
    out = []
    for name, spec in table.items():
        if isinstance(spec, str):
            out.append((str(name), spec, 1.0))
        elif isinstance(spec, list) and len(spec) == 2 and isinstance(spec[0], str):
            out.append((str(name), spec[0], float(spec[1])))
        else:
            raise ValueError(f"{where}.{name}: write \"column\" or [\"column\", factor], not {spec!r}")
    return tuple(out)


def _read_secret(prom: dict, key: str) -> str:
    """A secret from the file (``key``) or from a file it names (``key_file``, as Prometheus allows)."""
    if prom.get(f"{key}_file"):
        path = Path(prom[f"{key}_file"])
        try:
            return path.read_text().strip()
        except OSError as e:
            raise ValueError(f"[prometheus] {key}_file: cannot read {path}: {e.strerror}") from None
    return str(prom.get(key, ""))


def _headers(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    if isinstance(value, dict):
        return tuple((str(k), str(v)) for k, v in value.items())
    pairs = []
    for part in str(value).split(","):  # AIFD_PROMETHEUS_HEADERS="X-Scope-OrgID=t1,X-Other=v"
        if part.strip():
            k, sep, v = part.partition("=")
            if not sep or not k.strip():
                raise ValueError(f"{where}: write Name=value pairs separated by commas, not {part!r}")
            pairs.append((k.strip(), v.strip()))
    return tuple(pairs)


def prometheus_settings(prom: dict) -> PrometheusSettings:
    """The ``[prometheus]`` table of the TOML file, checked."""
    d = PrometheusSettings()
    known = {"url", "step", "since", "every", "delay", "timeout", "retries", "backoff", "concurrency",
             "max_points", "chunk_samples", "match", "username", "password", "password_file",
             "bearer_token", "bearer_token_file", "headers", "tls_verify", "ca_file", "cert_file",
             "key_file", "gpu_metrics", "link_metrics", "meter_metrics", "labels", "link_names"}
    unknown = sorted(set(prom) - known)
    if unknown:
        raise ValueError(f"[prometheus]: unknown setting {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    labels = prom.get("labels", {})
    if not isinstance(labels, dict) or not all(isinstance(v, list) for v in labels.values()):
        raise ValueError("[prometheus.labels]: write field = [\"label\", ...]")
    return PrometheusSettings(
        url=str(prom.get("url", d.url)).rstrip("/"),
        step_s=parse_duration(prom.get("step", d.step_s), "[prometheus] step"),
        since_s=parse_duration(prom.get("since", d.since_s), "[prometheus] since"),
        every_s=parse_duration(prom.get("every", d.every_s), "[prometheus] every"),
        delay_s=parse_duration(prom.get("delay", d.delay_s), "[prometheus] delay"),
        timeout_s=parse_duration(prom.get("timeout", d.timeout_s), "[prometheus] timeout"),
        retries=int(prom.get("retries", d.retries)),
        backoff_s=parse_duration(prom.get("backoff", d.backoff_s), "[prometheus] backoff"),
        concurrency=int(prom.get("concurrency", d.concurrency)),
        max_points=int(prom.get("max_points", d.max_points)),
        chunk_samples=int(prom.get("chunk_samples", d.chunk_samples)),
        match=str(prom.get("match", d.match)),
        username=str(prom.get("username", d.username)),
        password=_read_secret(prom, "password"),
        bearer_token=_read_secret(prom, "bearer_token"),
        headers=_headers(prom.get("headers", {}), "[prometheus.headers]"),
        tls_verify=bool(prom.get("tls_verify", d.tls_verify)),
        ca_file=str(prom.get("ca_file", d.ca_file)),
        cert_file=str(prom.get("cert_file", d.cert_file)),
        key_file=str(prom.get("key_file", d.key_file)),
        gpu_metrics=_metric_map(prom["gpu_metrics"], "[prometheus.gpu_metrics]") if "gpu_metrics" in prom else None,
        link_metrics=_metric_map(prom["link_metrics"], "[prometheus.link_metrics]") if "link_metrics" in prom else None,
        meter_metrics=(_metric_map(prom["meter_metrics"], "[prometheus.meter_metrics]")
                       if "meter_metrics" in prom else None),
        labels=tuple((str(k), tuple(str(x) for x in v)) for k, v in labels.items()),
        link_names=tuple((str(k), str(v)) for k, v in dict(prom.get("link_names", {})).items()),
    )


def check_prometheus(p: PrometheusSettings) -> None:
    """Refuse settings that cannot work, naming the setting."""
    if p.url and not re.match(r"^https?://[^/\s]+", p.url):
        raise ValueError(f"prometheus url {p.url!r} is not an http:// or https:// URL")
    if p.step_s <= 0:
        raise ValueError("prometheus step must be positive (the scrape interval, e.g. 60s)")
    if p.every_s <= 0:
        raise ValueError("prometheus every must be positive")
    if not 1 <= p.max_points <= 11_000:
        raise ValueError(f"prometheus max_points {p.max_points} is not in 1..11000 (Prometheus's limit per series)")
    if p.concurrency < 1 or p.retries < 0 or p.chunk_samples < 1:
        raise ValueError("prometheus concurrency and chunk_samples must be at least 1, retries at least 0")
    if p.bearer_token and p.username:
        raise ValueError("prometheus: set username/password or bearer_token, not both")
    if bool(p.cert_file) != bool(p.key_file):
        raise ValueError("prometheus: a client certificate needs both cert_file and key_file")


@dataclass(frozen=True)
class Settings:
    db_path: Path = Path("aifd.duckdb")
    target: Target = field(default_factory=Target)
    prometheus: PrometheusSettings = field(default_factory=PrometheusSettings)
    idle_threshold: float = 0.05  # tensor-pipe activity below this counts as idle
    idle_minutes: int = 60
    hot_temp_c: float = 85.0
    rubric_path: Path = QUERIES_DIR / "reference" / "sovereignty_rubric.csv"  # EU CSF rating rubric
    # EED / EnEfG reporting indicators and the figure behind each (docs/reference_data.md)
    indicators_path: Path = QUERIES_DIR / "reference" / "eed_indicators.csv"
    site: str = ""  # the site's name, printed on reports ([site] name)
    # The site as the law sees it (docs/energy.md): its start of operation decides which EnEfG
    # thresholds apply; the rule set is the law in force or a pending bill "as if passed".
    site_commissioned: date = date(2026, 2, 4)  # the Munich site opened on 4 Feb 2026
    rule_set: str = "enefg_2023"  # a rule_set of queries/reference/law_rules.csv
    # Links (docs/network.md): an interval whose rate is above this share of capacity is saturated;
    # links of these kinds carry the traffic into and out of the site.
    link_saturation_pct: float = 90.0
    external_link_kinds: tuple[str, ...] = ("uplink", "dci", "transit", "peering", "internet")
    source: str = "defaults"


def _env_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _date(value, where: str) -> date:
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{where} {value!r} is not a date (YYYY-MM-DD)") from None


def _kinds(value) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(k.strip().lower() for k in items if str(k).strip())


def load_settings(path: str | os.PathLike | None = None, env: dict[str, str] | None = None) -> Settings:
    """Defaults, then the TOML file if it exists, then AIFD_* environment variables."""
    env = dict(os.environ if env is None else env)
    cfg_path = Path(path or env.get("AIFD_CONFIG", "aifd.toml"))
    s = Settings()
    sources = ["defaults"]
    if cfg_path.is_file():
        with cfg_path.open("rb") as f:
            doc = tomllib.load(f)
        store = doc.get("store", {})
        tgt = doc.get("target", {})
        ops = doc.get("operations", {})
        prom = doc.get("prometheus", {})
        sov = doc.get("sovereignty", {})
        site = doc.get("site", {})
        rep = doc.get("report", {})
        net = doc.get("network", {})
        s = replace(
            s,
            db_path=Path(store.get("db_path", s.db_path)),
            target=replace(
                s.target,
                exaflops=float(tgt.get("exaflops", s.target.exaflops)),
                precision=str(tgt.get("precision", s.target.precision)).lower(),
                sparse=bool(tgt.get("sparse", s.target.sparse)),
                basis=str(tgt.get("basis", s.target.basis)),
            ),
            prometheus=prometheus_settings(prom),
            idle_threshold=float(ops.get("idle_threshold", s.idle_threshold)),
            idle_minutes=int(ops.get("idle_minutes", s.idle_minutes)),
            hot_temp_c=float(ops.get("hot_temp_c", s.hot_temp_c)),
            rubric_path=Path(sov.get("rubric", s.rubric_path)),
            indicators_path=Path(rep.get("indicators", s.indicators_path)),
            site=str(site.get("name", s.site)),
            site_commissioned=_date(site.get("commissioned", s.site_commissioned), "[site] commissioned"),
            rule_set=str(site.get("rule_set", s.rule_set)),
            link_saturation_pct=float(net.get("saturation_pct", s.link_saturation_pct)),
            external_link_kinds=_kinds(net.get("external_kinds", s.external_link_kinds)),
        )
        sources.append(str(cfg_path))
    overrides = {
        "AIFD_DB": lambda v: replace(s, db_path=Path(v)),
        "AIFD_TARGET_EXAFLOPS": lambda v: replace(s, target=replace(s.target, exaflops=float(v))),
        "AIFD_TARGET_PRECISION": lambda v: replace(s, target=replace(s.target, precision=v.lower())),
        "AIFD_TARGET_SPARSE": lambda v: replace(s, target=replace(s.target, sparse=_env_bool(v))),
        "AIFD_PROMETHEUS_URL": lambda v: replace(s, prometheus=replace(s.prometheus, url=v.rstrip("/"))),
        "AIFD_PROMETHEUS_USERNAME": lambda v: replace(s, prometheus=replace(s.prometheus, username=v)),
        "AIFD_PROMETHEUS_PASSWORD": lambda v: replace(s, prometheus=replace(s.prometheus, password=v)),
        "AIFD_PROMETHEUS_BEARER_TOKEN": lambda v: replace(s, prometheus=replace(s.prometheus, bearer_token=v)),
        "AIFD_PROMETHEUS_HEADERS": lambda v: replace(s, prometheus=replace(
            s.prometheus, headers=_headers(v, "AIFD_PROMETHEUS_HEADERS"))),
        "AIFD_PROMETHEUS_TLS_VERIFY": lambda v: replace(s, prometheus=replace(s.prometheus, tls_verify=_env_bool(v))),
        "AIFD_PROMETHEUS_CA_FILE": lambda v: replace(s, prometheus=replace(s.prometheus, ca_file=v)),
        "AIFD_PROMETHEUS_STEP": lambda v: replace(s, prometheus=replace(
            s.prometheus, step_s=parse_duration(v, "AIFD_PROMETHEUS_STEP"))),
        "AIFD_PROMETHEUS_EVERY": lambda v: replace(s, prometheus=replace(
            s.prometheus, every_s=parse_duration(v, "AIFD_PROMETHEUS_EVERY"))),
        "AIFD_RUBRIC": lambda v: replace(s, rubric_path=Path(v)),
        "AIFD_SITE": lambda v: replace(s, site=v),
        "AIFD_SITE_COMMISSIONED": lambda v: replace(s, site_commissioned=_date(v, "AIFD_SITE_COMMISSIONED")),
        "AIFD_RULE_SET": lambda v: replace(s, rule_set=v.strip()),
        "AIFD_LINK_SATURATION_PCT": lambda v: replace(s, link_saturation_pct=float(v)),
        "AIFD_EXTERNAL_LINK_KINDS": lambda v: replace(s, external_link_kinds=_kinds(v)),
    }
    for key, apply in overrides.items():
        if env.get(key):
            s = apply(env[key])
            sources.append(key)
    check_prometheus(s.prometheus)
    if s.target.precision not in PRECISIONS:
        raise ValueError(
            f"target precision {s.target.precision!r} is not one of {', '.join(PRECISIONS)}"
        )
    if not 0 < s.link_saturation_pct <= 100:
        raise ValueError(f"link saturation {s.link_saturation_pct:g} % is not within 0..100 %")
    return replace(s, source=" + ".join(sources))
