"""Settings: a TOML file (``aifd.toml`` or ``$AIFD_CONFIG``) with ``AIFD_*`` environment overrides.

Nothing must be configured for the demo: every setting has a default.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

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


@dataclass(frozen=True)
class Settings:
    db_path: Path = Path("aifd.duckdb")
    target: Target = field(default_factory=Target)
    prometheus_url: str = "http://127.0.0.1:9090"
    idle_threshold: float = 0.05  # tensor-pipe activity below this counts as idle
    idle_minutes: int = 60
    hot_temp_c: float = 85.0
    rubric_path: Path = QUERIES_DIR / "reference" / "sovereignty_rubric.csv"  # EU CSF rating rubric
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
            prometheus_url=str(prom.get("url", s.prometheus_url)),
            idle_threshold=float(ops.get("idle_threshold", s.idle_threshold)),
            idle_minutes=int(ops.get("idle_minutes", s.idle_minutes)),
            hot_temp_c=float(ops.get("hot_temp_c", s.hot_temp_c)),
            rubric_path=Path(sov.get("rubric", s.rubric_path)),
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
        "AIFD_PROMETHEUS_URL": lambda v: replace(s, prometheus_url=v),
        "AIFD_RUBRIC": lambda v: replace(s, rubric_path=Path(v)),
        "AIFD_SITE_COMMISSIONED": lambda v: replace(s, site_commissioned=_date(v, "AIFD_SITE_COMMISSIONED")),
        "AIFD_RULE_SET": lambda v: replace(s, rule_set=v.strip()),
        "AIFD_LINK_SATURATION_PCT": lambda v: replace(s, link_saturation_pct=float(v)),
        "AIFD_EXTERNAL_LINK_KINDS": lambda v: replace(s, external_link_kinds=_kinds(v)),
    }
    for key, apply in overrides.items():
        if env.get(key):
            s = apply(env[key])
            sources.append(key)
    if s.target.precision not in PRECISIONS:
        raise ValueError(
            f"target precision {s.target.precision!r} is not one of {', '.join(PRECISIONS)}"
        )
    if not 0 < s.link_saturation_pct <= 100:
        raise ValueError(f"link saturation {s.link_saturation_pct:g} % is not within 0..100 %")
    return replace(s, source=" + ".join(sources))
