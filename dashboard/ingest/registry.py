"""Every input format the loader reads: how a file is recognised, and which reader takes it.

Record kinds (what rows mean) are listed in ``domains.DOMAINS``; this module lists the formats.
Nothing registers itself on import: to add a format, add a line to ``FORMATS``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from . import files, openmetrics, sbom, spdx, vendors
from .files import Staged


@dataclass(frozen=True)
class Format:
    name: str
    reader: Callable[..., Iterator[Staged]]  # (con, path, kind, progress=None[, at=None | snapshot=None]) -> Staged...
    suffixes: tuple[str, ...] = ()            # recognised by file name
    sniff: Callable[[Path], bool] | None = None  # recognised by content (tried first)
    takes_time: bool = False                  # reads samples without timestamps: accepts ``at`` and ``host``
    takes_snapshot: bool = False              # reads records that may be undated: accepts ``snapshot``


FORMATS: tuple[Format, ...] = (
    Format("cyclonedx", sbom.read, sniff=sbom.is_cyclonedx, takes_snapshot=True),
    Format("spdx", sbom.read, sniff=spdx.is_spdx, takes_snapshot=True),  # read into the CycloneDX form
    Format("sov_yaml", vendors.read_yaml, suffixes=(".yaml", ".yml")),
    Format("parquet", files.read_parquet, suffixes=(".parquet", ".pq")),
    Format("openmetrics", openmetrics.read, suffixes=(".prom", ".om", ".metrics", ".openmetrics"),
           takes_time=True),
    Format("csv", files.read_csv, suffixes=(".csv", ".tsv")),
)
BY_NAME = {f.name: f for f in FORMATS}


def sniff_format(path: Path) -> str:
    """The format of a file: by content where a format can tell, else by suffix, else by its head."""
    for f in FORMATS:
        if f.sniff and f.sniff(path):
            return f.name
    suffix = path.suffix.lower()
    for f in FORMATS:
        if suffix in f.suffixes:
            return f.name
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.startswith(b"PAR1"):
        return "parquet"
    text = head.decode("utf-16" if head[:2] in files.UTF16_BOMS else "utf-8", "replace").lstrip("\ufeff").lstrip()
    if text.startswith("# HELP") or text.startswith("# TYPE"):
        return "openmetrics"
    return "csv"


def wanted_in_folder(path: Path) -> bool:
    """Whether a folder load picks up this file (an SBOM's .json by content, not manifest.json; a
    gzip file by the suffix inside, e.g. gpu_samples.csv.gz)."""
    if path.suffix.lower() == ".gz":
        inner = Path(path.stem).suffix.lower()
        return any(inner in f.suffixes for f in FORMATS)
    suffix = path.suffix.lower()
    return any(suffix in f.suffixes or (f.sniff and f.sniff(path)) for f in FORMATS)


def get(name: str) -> Format:
    return BY_NAME[name]
