"""The shipped reference data (GPU catalog, XID codes, peer figures, law rules, Green500, vendor registry), loaded into a new store through the ingest log.

Entry points that write (``aifd ingest``/``demo``, the benchmark, test fixtures) call
``ensure_reference``; the store itself never loads data. A user revises a table by ingesting a CSV
with the same columns.
"""
from __future__ import annotations

import duckdb

from ..config import QUERIES_DIR
from .loader import load_path

REFERENCE_DIR = QUERIES_DIR / "reference"
REFERENCE_TABLES = {"gpu_models": "gpu_models.csv", "xid_codes": "xid_codes.csv", "peers": "peers.csv",
                    "law_rules": "law_rules.csv", "green500": "green500.csv",
                    "vendor_registry": "vendor_registry.csv"}  # docs/vendor_registry.md


def ensure_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Load each shipped reference file whose table is still empty."""
    for table, name in REFERENCE_TABLES.items():
        if con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]:
            continue
        report = load_path(con, REFERENCE_DIR / name, kind=table, force=True)
        if report.status != "ok":
            raise RuntimeError(f"shipped reference data did not load: {report.summary()}")
