"""Readers for CSV and Parquet files: each registers relation ``src`` (with a ``line`` column)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

import duckdb
import pyarrow as pa

from .domains import Domain
from .staging import FileError, detect, shown_names

CHUNK_ROWS = 250_000
Progress = Callable[[str], None]


@dataclass
class Staged:
    """One domain's rows from a source, registered in DuckDB as ``src``."""

    domain: Domain
    mapping: dict[str, tuple[str, float]]
    pre_rejects: list[tuple[int, str, str, str]] = field(default_factory=list)  # line, series, reason, raw
    warnings: list[str] = field(default_factory=list)
    stamped: datetime | None = None  # the time given to rows without a timestamp, when any had none
    # rejects too many to hold: a relation (line, series, reason, raw, seq), stored with pre_rejects
    reject_relation: str | None = None
    # every row of ``src`` has its own ``line`` (a CSV line, a Parquet row number): the loader keeps
    # only the rejected rows apart instead of a checked copy of every row
    unique_lines: bool = False
    # ``src`` is cheap to read again (a Parquet file): staged as a view, not copied into a table
    reread_cheap: bool = False


def stamp_time(path: Path, at: datetime | None) -> tuple[datetime, str]:
    """The time (naive UTC) for samples without a timestamp: ``at``, else the file's modification
    time; and how to say which. With the file's SHA-256 it is the identity of a load."""
    if at is None:
        ts = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).replace(tzinfo=None, microsecond=0)
        return ts, f"the file's modification time {ts:%Y-%m-%d %H:%M:%S} UTC (pass --at to set it)"
    ts = at.astimezone(timezone.utc).replace(tzinfo=None) if at.tzinfo else at
    return ts, f"--at {ts:%Y-%m-%d %H:%M:%S} UTC"


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def csv_header(line: str) -> tuple[list[str], str]:
    """The column names of a header line, and the delimiter it uses (comma, semicolon or tab)."""
    delim = _delimiter(line)
    return [h.strip() for h in next(csv.reader([line], delimiter=delim))], delim


def read_csv(con: duckdb.DuckDBPyConnection, path: Path, kind: str | None,
             progress: Progress | None = None) -> Iterator[Staged]:
    size = path.stat().st_size
    if size == 0:
        raise FileError(f"{path}: empty file")
    lineno = 0
    with path.open("rb") as fb:
        ends_with_newline = _ends_with_newline(fb, size)
        fb.seek(0)
        text = io.TextIOWrapper(fb, encoding="utf-8-sig", newline="")
        try:
            first = text.readline()
            lineno = 1
            while first and not first.strip():
                first = text.readline()
                lineno += 1
            if not first.strip():
                raise FileError(f"{path}: no header line")
            header_lineno = lineno
            headers, delim = csv_header(first)
            if len(set(headers)) != len(headers):
                repeated = sorted({h for h in headers if headers.count(h) > 1})
                raise FileError(f"{path}: header repeats a column name: {shown_names(repeated)}")
            domain, mapping = detect(headers, str(path), kind)
            staged = Staged(domain, mapping, unique_lines=True)
            ignored = [h for h in headers if h not in mapping]
            if ignored:
                staged.warnings.append(f"ignored columns: {shown_names(ignored)}")
            names = ["line", *headers]
            reader = csv.reader(text, delimiter=delim)
            cols: list[list] = [[] for _ in names]
            rows = flushed = 0
            last_row = None
            for row in reader:
                lineno = header_lineno + reader.line_num
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                if len(row) != len(headers):
                    staged.pre_rejects.append(
                        (lineno, "", f"expected {len(headers)} fields, found {len(row)}", delim.join(row)))
                    continue
                last_row = lineno
                cols[0].append(lineno)
                for i, v in enumerate(row, start=1):
                    cols[i].append(v)
                rows += 1
                if rows % CHUNK_ROWS == 0:
                    _flush(con, names, cols, append=rows > CHUNK_ROWS)
                    flushed = rows
                    cols = [[] for _ in names]
                    if progress:
                        progress(f"{path.name}: {rows:,} rows read ({fb.tell() / size:.0%})")
            _flush(con, names, cols, append=flushed > 0)
        except UnicodeDecodeError as e:
            raise FileError(f"{path}: not UTF-8 text near line {lineno + 1} ({e.reason})") from None
        except csv.Error as e:
            raise FileError(f"{path}, line {lineno + 1}: {e}") from None
    if not ends_with_newline:
        # A cut-off last line with too few fields is already rejected above; say why.
        if staged.pre_rejects and staged.pre_rejects[-1][0] == lineno:
            ln, series, reason, raw = staged.pre_rejects[-1]
            staged.pre_rejects[-1] = (ln, series, f"truncated last line: {reason}", raw)
        elif last_row is not None:
            staged.warnings.append(
                f"file does not end with a line break: line {last_row} was taken as complete")
    con.execute("CREATE OR REPLACE TEMP VIEW src AS SELECT * FROM raw_csv")
    yield staged


def _ends_with_newline(fb, size: int) -> bool:
    fb.seek(size - 1)
    return fb.read(1) in (b"\n", b"\r")


def _flush(con: duckdb.DuckDBPyConnection, names: list[str], cols: list[list], append: bool) -> None:
    table = pa.table({n: pa.array(c, type=pa.int64() if n == "line" else pa.string())
                      for n, c in zip(names, cols)})
    if not append:
        columns = ", ".join('"' + n.replace('"', '""') + '" ' + ("BIGINT" if n == "line" else "VARCHAR")
                            for n in names)
        con.execute(f"CREATE OR REPLACE TEMP TABLE raw_csv ({columns})")
    # Copied in, not registered: a registered Arrow chunk stays referenced until the load's
    # transaction ends, so memory would grow with the file.
    con.from_arrow(table).insert_into("raw_csv")


def read_parquet(con: duckdb.DuckDBPyConnection, path: Path, kind: str | None,
                 progress: Progress | None = None) -> Iterator[Staged]:
    try:
        rel = con.read_parquet(str(path), file_row_number=True)
        columns = [c for c in rel.columns if c != "file_row_number"]
        n = rel.count("*").fetchall()[0][0]
    except duckdb.Error as e:
        raise FileError(f"{path}: cannot read as Parquet (truncated or not Parquet?): {e}") from None
    domain, mapping = detect(columns, str(path), kind)
    staged = Staged(domain, mapping, unique_lines=True, reread_cheap=True)
    ignored = [h for h in columns if h not in mapping]
    if ignored:
        staged.warnings.append(f"ignored columns: {shown_names(ignored)}")
    if progress:
        progress(f"{path.name}: {n:,} rows")
    # Parquet has no lines: `line` is the 1-based row number in the file.
    rel.project("* EXCLUDE (file_row_number), file_row_number + 1 AS line").create_view("src", replace=True)
    yield staged
