"""The Prometheus HTTP API as a source of raw samples, through prometheus-api-client.

Raw samples, never pre-aggregated windows: each request is an instant query of a range selector,
``NAME{match}[W]`` evaluated at ``b - 1 ms``, which returns every stored sample of every series in
the window with its own timestamp. Prometheus 2.x closes range selectors on both ends
([t - W, t]), Prometheus 3 opens them on the left ((t - W, t]); evaluating at b - 1 ms with W = b - a
and keeping samples at or after a gives exactly [a, b) under both, so adjacent windows neither
overlap nor leave a gap. (``query_range`` at the scrape step would instead repeat a series' last
value into every step of the 5-minute lookback after it stops, and stamp samples with the step's
time rather than their own.)

Failures become ``SyncError`` with one line naming the URL and the query: an unreachable server,
a TLS failure, a timeout, an HTTP error (with Prometheus's own error text), or an answer that is
not the JSON the API documents.
"""
from __future__ import annotations

import ast
import json
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import requests
from prometheus_api_client import PrometheusApiClientException, PrometheusConnect
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ..config import PrometheusSettings
from .mapping import MetricSpec

RETRY_STATUS = (429, 500, 502, 503, 504)


class SyncError(Exception):
    """A sync failed; the message is one line naming the URL and the query."""


def redact(url: str) -> str:
    """The URL without user:password, fit for logs and the ingest log."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        parts = parts._replace(netloc=host)
    return urlunsplit(parts).rstrip("/")


def source_name(p: PrometheusSettings) -> str:
    """How the ingest log and the coverage name this source: URL, selector and tenant."""
    name = redact(p.url)
    if p.match:
        name += f" {{{p.match}}}"
    org = dict((k.lower(), v) for k, v in p.headers).get("x-scope-orgid")
    if org:
        name += f" (X-Scope-OrgID {org})"
    return name


def duration_text(ms: int) -> str:
    """A PromQL duration in one unit (compound durations need Prometheus 2.x's newer parsers)."""
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)):
        if ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms}ms"


def rfc3339_ms(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


@dataclass(frozen=True)
class Request:
    spec: MetricSpec
    a_ms: int  # window [a, b), Unix milliseconds
    b_ms: int

    def query(self, match: str) -> str:
        return f"{self.spec.name}{{{match}}}[{duration_text(self.b_ms - self.a_ms)}]" if match else \
            f"{self.spec.name}[{duration_text(self.b_ms - self.a_ms)}]"

    @property
    def time(self) -> str:
        return rfc3339_ms(self.b_ms - 1)


@dataclass
class Series:
    labels: dict[str, str]
    ts_us: np.ndarray  # int64 microseconds, inside [a, b)
    values: np.ndarray  # float64


@dataclass
class Answer:
    request: Request
    series: list[Series]
    samples: int
    max_points: int  # most samples of one series in this answer
    bytes: int
    seconds: float


def _one_line(text: str, limit: int = 300) -> str:
    text = re.sub(r"\s+", " ", str(text)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _http_error(e: PrometheusApiClientException) -> str:
    """'HTTP 400: bad_data: parse error ...' from the client's 'HTTP Status Code 400 (b'{...}')'."""
    m = re.match(r"HTTP Status Code (\d+) \((.*)\)$", str(e), re.S)
    if not m:
        return _one_line(str(e))
    status, body = m.group(1), m.group(2)
    try:
        raw = ast.literal_eval(body)
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    except (ValueError, SyntaxError):
        text = body
    try:
        doc = json.loads(text)
        detail = f"{doc.get('errorType', 'error')}: {doc.get('error', '')}"
    except (ValueError, AttributeError):
        detail = text or "no body"
    return _one_line(f"HTTP {status}: {detail}")


class PrometheusSource:
    """A configured client: auth, headers, TLS, timeout and retries from ``[prometheus]``."""

    def __init__(self, p: PrometheusSettings):
        if not p.url:
            raise SyncError("no Prometheus URL: set url in the [prometheus] section of aifd.toml, "
                            "AIFD_PROMETHEUS_URL, or pass --prometheus URL")
        self.settings = p
        self.url = redact(p.url)
        parts = urlsplit(p.url)
        auth = (p.username, p.password) if p.username else None
        if parts.username and not auth:  # http://user:pass@host: basic auth, kept out of logs
            auth = (parts.username, parts.password or "")
        headers = dict(p.headers)
        if p.bearer_token:
            headers["Authorization"] = f"Bearer {p.bearer_token}"
        session = requests.Session()
        session.verify = p.ca_file if (p.tls_verify and p.ca_file) else p.tls_verify
        if p.cert_file:
            session.cert = (p.cert_file, p.key_file)
        retry = Retry(total=p.retries, connect=p.retries, read=p.retries, status=p.retries,
                      backoff_factor=p.backoff_s, status_forcelist=RETRY_STATUS,
                      allowed_methods=frozenset({"GET", "POST"}), raise_on_status=False,
                      respect_retry_after_header=True)
        self.client = PrometheusConnect(self.url, headers=headers or None, disable_ssl=not p.tls_verify,
                                        retry=retry, auth=auth, session=session, timeout=p.timeout_s)
        # Our session: one pooled connection per request in flight (the client mounts a default pool).
        session.mount(self.url, HTTPAdapter(max_retries=retry, pool_connections=1,
                                            pool_maxsize=max(1, p.concurrency)))
        if not p.tls_verify:
            import urllib3

            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # chosen in the settings

    def close(self) -> None:
        self.client.close()

    def where(self, req: Request) -> str:
        return f"{self.url}: query {req.query(self.settings.match)} at {req.time}"

    def fetch(self, req: Request) -> Answer:
        """Every sample of the request's window, or SyncError."""
        query = req.query(self.settings.match)
        t0 = time.perf_counter()
        try:
            result = self.client.custom_query(query, params={"time": req.time})
        except requests.exceptions.JSONDecodeError as e:  # before RequestException: it is one too
            raise SyncError(f"{self.where(req)}: malformed answer (not the API's JSON: {_one_line(e, 120)})") from None
        except requests.exceptions.SSLError as e:
            raise SyncError(f"{self.where(req)}: TLS error: {_one_line(_root(e))}") from None
        except requests.exceptions.Timeout:
            raise SyncError(f"{self.where(req)}: no answer within {self.settings.timeout_s:g} s "
                            f"(after {self.settings.retries} retries)") from None
        except requests.exceptions.ConnectionError as e:
            raise SyncError(f"{self.where(req)}: cannot connect ({_one_line(_root(e))}; "
                            f"{self.settings.retries} retries)") from None
        except requests.exceptions.RequestException as e:
            raise SyncError(f"{self.where(req)}: {type(e).__name__}: {_one_line(_root(e))}") from None
        except PrometheusApiClientException as e:
            raise SyncError(f"{self.where(req)}: {_http_error(e)}") from None
        except (ValueError, KeyError, TypeError) as e:  # not JSON, or no data.result
            raise SyncError(f"{self.where(req)}: malformed answer (not the API's JSON: "
                            f"{type(e).__name__}: {_one_line(e, 120)})") from None
        seconds = time.perf_counter() - t0
        return self._parse(req, result, seconds)

    def _parse(self, req: Request, result, seconds: float) -> Answer:
        if not isinstance(result, list):
            raise SyncError(f"{self.where(req)}: malformed answer: data.result is a {type(result).__name__}, "
                            "not a list")
        series, samples, max_points, size = [], 0, 0, 0
        for i, item in enumerate(result):
            try:
                labels = item["metric"]
                values = item["values"]
                if not isinstance(labels, dict) or not isinstance(values, list):
                    raise TypeError("metric must be an object and values a list")
                ts = np.fromiter((v[0] for v in values), dtype=np.float64, count=len(values))
                vals = np.array([v[1] for v in values], dtype=np.float64)
            except KeyError as e:
                hint = " (a vector: was the range selector dropped?)" if "value" in item else ""
                raise SyncError(f"{self.where(req)}: malformed answer: series {i} has no {e}{hint}") from None
            except (TypeError, ValueError, IndexError) as e:
                raise SyncError(f"{self.where(req)}: malformed answer: series {i}: {_one_line(e, 120)}") from None
            ms = np.round(ts * 1000).astype(np.int64)
            keep = (ms >= req.a_ms) & (ms < req.b_ms)  # the window is [a, b): see the module doc
            if not keep.all():
                ms, vals = ms[keep], vals[keep]
            if len(ms) == 0:
                continue
            size += len(values)
            samples += len(ms)
            max_points = max(max_points, len(values))
            series.append(Series({str(k): str(v) for k, v in labels.items()}, ms * 1000, vals))
        return Answer(req, series, samples, max_points, size, seconds)


def _root(e: BaseException) -> str:
    """The innermost reason (urllib3 wraps it twice: 'Max retries exceeded ... Caused by ...')."""
    text = str(e)
    m = re.search(r"Caused by \w+\(['\"]?(?:<[^>]*>: )?(.*?)['\"]?\)\)?$", text)
    return m.group(1) if m else text
