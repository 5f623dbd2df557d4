"""Open the DuckDB database: numbered migrations (tables and data) and definitions (views, macros).

The ground floor: this module imports nothing of the package but its configuration. Migrations in
``queries/schema/NNN_name.sql`` run once per database, in order, and an applied migration whose
text changed is refused. Definitions in ``queries/definitions/*.sql`` (macros and views, written
``CREATE OR REPLACE TEMP ...``) are applied on every connection, read-only ones included, so the SQL
a page shows is the SQL that ran and an edited formula needs no migration.
"""
from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path

import duckdb

from .config import QUERIES_DIR

SCHEMA_DIR = QUERIES_DIR / "schema"
DEFINITIONS_DIR = QUERIES_DIR / "definitions"
_MIGRATION = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


class MigrationError(Exception):
    """The database and the migration files disagree: refuse rather than guess."""


class StoreBusy(Exception):
    """Another process holds the database's write lock (a load is running)."""


def migrations(schema_dir: Path = SCHEMA_DIR) -> list[tuple[int, str, Path]]:
    """(version, name, path) of every migration file, in order."""
    found = []
    for p in sorted(schema_dir.glob("*.sql")):
        m = _MIGRATION.match(p.name)
        if not m:
            raise MigrationError(f"{p}: migration files are named NNN_name.sql")
        found.append((int(m.group(1)), m.group(2), p))
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"{schema_dir}: two migrations share a version number")
    return found


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _rewritten(schema_dir: Path) -> dict[str, set[str]]:
    """Earlier hashes of migrations that were rewritten on purpose (``rewritten.txt``)."""
    path = schema_dir / "rewritten.txt"
    out: dict[str, set[str]] = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                name, sha = line.split()
                out.setdefault(name, set()).add(sha)
    return out


def _applied(con: duckdb.DuckDBPyConnection) -> dict[int, str] | None:
    try:
        return dict(con.execute("SELECT version, sha256 FROM schema_migrations").fetchall())
    except duckdb.CatalogException:
        return None


def check_migrations(con: duckdb.DuckDBPyConnection, schema_dir: Path = SCHEMA_DIR) -> list[int]:
    """The versions still to apply; raises MigrationError when an applied one was edited."""
    applied = _applied(con) or {}
    accepted = _rewritten(schema_dir)
    pending = []
    for version, name, path in migrations(schema_dir):
        if version not in applied:
            pending.append(version)
            continue
        sha = _sha(path.read_text())
        if applied[version] not in ({sha} | accepted.get(path.name, set())):
            raise MigrationError(
                f"{path} was changed after this database applied it (sha256 {applied[version][:12]}… "
                f"then, {sha[:12]}… now): write a new migration instead of editing an applied one")
    known = {v for v, _, _ in migrations(schema_dir)}
    unknown = sorted(set(applied) - known)
    if unknown:
        raise MigrationError(f"the database has migrations {unknown} that this version does not know: "
                             "it was made by a newer version of aifd")
    return pending


def migrate(con: duckdb.DuckDBPyConnection, schema_dir: Path = SCHEMA_DIR) -> list[int]:
    """Apply pending migrations, each in its own transaction. Returns the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR, sha256 VARCHAR, applied_at TIMESTAMP)"
    )
    pending = set(check_migrations(con, schema_dir))
    applied = []
    for version, name, path in migrations(schema_dir):
        if version not in pending:
            continue
        sql = path.read_text()
        con.begin()
        try:
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?, now()::TIMESTAMP)",
                        [version, name, _sha(sql)])
            con.commit()
        except Exception:
            con.rollback()
            raise
        applied.append(version)
    return applied


def definitions(definitions_dir: Path = DEFINITIONS_DIR) -> list[Path]:
    return sorted(definitions_dir.glob("*.sql"))


def apply_definitions(con: duckdb.DuckDBPyConnection, definitions_dir: Path = DEFINITIONS_DIR) -> None:
    """Create the macros and views as TEMP objects on this connection, from the files as they are,
    and the session variables they read (note_derived_state)."""
    for path in definitions(definitions_dir):
        try:
            con.execute(path.read_text())
        except duckdb.Error as e:
            raise MigrationError(f"{path}: {e}") from e
    note_derived_state(con)


def note_derived_state(con: duckdb.DuckDBPyConnection) -> None:
    """The rules the derived tables were built with, and whether they are built (table
    derived_config), as session variables ``derived_<key>``: the definitions pick between a derived
    table and the samples with them, and to the planner they are constants, so the branch not taken
    is not read at all (a figure's provenance lists only what it read). Set on every connection, and
    again by dashboard/derive.py whenever it changes derived_config."""
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'derived_config' "
                       "AND NOT temporary").fetchall()[0][0]:
        return
    for key, value in con.execute("SELECT key, value FROM derived_config").fetchall():
        if re.fullmatch(r"[a-z_]+", key):  # our own keys; a variable's name cannot be bound
            con.execute(f"SET VARIABLE derived_{key} = ?", [value])


def _open(db_path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(db_path), read_only=read_only)
    except duckdb.IOException as e:
        if "lock" not in str(e).lower():
            raise
        holder = str(e).split("Conflicting lock is held in", 1)[-1].split(". See", 1)[0].strip()
        raise StoreBusy(f"{db_path} is in use by another process ({holder}): DuckDB allows one writer "
                        "and no readers beside it; try again when the load finishes") from None


# DuckDB's own limit on the memory it holds (it spills sorts, joins and temp tables to disk beyond
# it), so that a load's memory does not grow with the file: writers get more, pages less.
MEMORY_LIMIT = {"write": "2GB", "read": "1GB"}


def connect(db_path: str | Path, read_only: bool = False, wait_s: float = 0, *,
            schema_dir: Path = SCHEMA_DIR, definitions_dir: Path = DEFINITIONS_DIR,
            memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """A connection with UTC session time zone, the latest schema and the current definitions.

    ``wait_s``: how long to retry while another process holds the lock (then StoreBusy).
    ``memory_limit``: DuckDB's limit (default MEMORY_LIMIT); beyond it DuckDB spills to a temp
    folder beside the database file.
    """
    db_path = Path(db_path)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            con = _connect(db_path, read_only, schema_dir, definitions_dir)
            break
        except StoreBusy:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.25)
    con.execute("SET memory_limit = ?", [memory_limit or MEMORY_LIMIT["read" if read_only else "write"]])
    con.execute("SET temp_directory = ?", [str(db_path.with_name(db_path.name + ".tmp"))])
    return con


def _connect(db_path: Path, read_only: bool, schema_dir: Path, definitions_dir: Path) -> duckdb.DuckDBPyConnection:
    if read_only and not db_path.exists():
        raise FileNotFoundError(
            f"no database at {db_path}: run `aifd demo` or `aifd ingest FILE` first"
        )
    if not read_only:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    con = _open(db_path, read_only)
    try:
        if read_only and (_applied(con) is None or check_migrations(con, schema_dir)):
            # A database made by an older version: migrate it once, briefly writable, then read.
            con.close()
            connect(db_path, schema_dir=schema_dir, definitions_dir=definitions_dir).close()
            con = _open(db_path, True)
        con.execute("SET TimeZone = 'UTC'")
        if not read_only:
            migrate(con, schema_dir)
        apply_definitions(con, definitions_dir)
    except Exception:
        con.close()
        raise
    return con
