"""Open the DuckDB database and apply the numbered migrations in ``queries/schema/``."""
from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path

import duckdb

from .config import QUERIES_DIR

SCHEMA_DIR = QUERIES_DIR / "schema"
_MIGRATION = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


def migrations(schema_dir: Path = SCHEMA_DIR) -> list[tuple[int, str, Path]]:
    """(version, name, path) of every migration file, in order."""
    found = []
    for p in sorted(schema_dir.glob("*.sql")):
        m = _MIGRATION.match(p.name)
        if not m:
            raise ValueError(f"{p}: migration files are named NNN_name.sql")
        found.append((int(m.group(1)), m.group(2), p))
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise ValueError(f"{schema_dir}: two migrations share a version number")
    return found


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply pending migrations, each in its own transaction. Returns the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR, sha256 VARCHAR, applied_at TIMESTAMP)"
    )
    done = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, name, path in migrations():
        if version in done:
            continue
        sql = path.read_text()
        con.begin()
        try:
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?, now()::TIMESTAMP)",
                [version, name, hashlib.sha256(sql.encode()).hexdigest()],
            )
            con.commit()
        except Exception:
            con.rollback()
            raise
        applied.append(version)
    return applied


class StoreBusy(Exception):
    """Another process holds the database's write lock (a load is running)."""


def _open(db_path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(db_path), read_only=read_only)
    except duckdb.IOException as e:
        if "lock" not in str(e).lower():
            raise
        holder = str(e).split("Conflicting lock is held in", 1)[-1].split(". See", 1)[0].strip()
        raise StoreBusy(f"{db_path} is in use by another process ({holder}): DuckDB allows one writer "
                        "and no readers beside it; try again when the load finishes") from None


def connect(db_path: str | Path, read_only: bool = False, wait_s: float = 0) -> duckdb.DuckDBPyConnection:
    """A connection with UTC session time zone; a writable one is migrated to the latest schema.

    ``wait_s``: how long to retry while another process holds the lock (then StoreBusy).
    """
    db_path = Path(db_path)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return _connect(db_path, read_only)
        except StoreBusy:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.25)


def _connect(db_path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    if read_only and not db_path.exists():
        raise FileNotFoundError(
            f"no database at {db_path}: run `aifd demo` or `aifd ingest FILE` first"
        )
    if not read_only:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    con = _open(db_path, read_only)
    if read_only and _pending(con):
        # A database made by an older version: migrate it once, briefly writable, then read.
        con.close()
        connect(db_path).close()
        con = _open(db_path, True)
    con.execute("SET TimeZone = 'UTC'")
    if not read_only:
        migrate(con)
        ensure_reference(con)
    return con


def _pending(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether migrations exist that this database has not applied."""
    try:
        done = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
    except duckdb.CatalogException:
        return True
    return any(v not in done for v, _, _ in migrations())


REFERENCE_DIR = QUERIES_DIR / "reference"


REFERENCE_TABLES = {"gpu_models": "gpu_models.csv", "xid_codes": "xid_codes.csv"}


def ensure_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Load the shipped reference data (GPU catalog, XID codes) into empty tables, through the
    ingest log like any file. A user revises them by ingesting their own CSV with the same columns.
    """
    from .ingest import load_path  # ingest depends on the store, not the other way round

    for table, name in REFERENCE_TABLES.items():
        if con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]:
            continue
        report = load_path(con, REFERENCE_DIR / name, kind=table, force=True)
        if report.status != "ok":
            raise RuntimeError(f"shipped reference data did not load: {report.summary()}")
    from .ingest.vendor_registry import ensure_vendor_registry

    ensure_vendor_registry(con)  # the vendor registry loads the same way, from its own function
