"""Load a sample folder (the shipped one by default) the way `aifd demo` does."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterator

import duckdb

from . import queries
from .config import SAMPLE_DIR
from .ingest import LoadReport, ensure_reference, load_paths


def scrape_time(folder: Path):
    """The shipped dcgm scrape has no timestamps: it was taken at the sample's last timestamp."""
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        return None
    last = json.loads(manifest.read_text()).get("params", {}).get("last_ts")
    return queries.coerce(last, "TIMESTAMP", "manifest last_ts") if last else None


def load_sample(con: duckdb.DuckDBPyConnection, folder: Path = SAMPLE_DIR,
                progress: Callable[[str], None] | None = None) -> Iterator[LoadReport]:
    ensure_reference(con)
    yield from load_paths(con, [folder], progress=progress, at=scrape_time(folder))
