"""Readers for CSV and Parquet files: each registers relation ``src`` (with a ``line`` column);
a gzip file's content for any reader (``gunzipped``)."""
from __future__ import annotations

import csv
import gzip
import io
import os
import shutil
import tempfile
import zlib
from contextlib import AbstractContextManager, contextmanager
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


def _first_bad_utf8(path: Path) -> tuple[int, int]:
    """The line (from 1) and value of the first byte that is not UTF-8: the text reader decodes
    ahead of the line it is on, so its own position is only near it."""
    with path.open("rb") as f:
        for n, raw in enumerate(f, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as e:
                return n, raw[e.start]
    return 1, 0


def not_utf8_hint(path: Path) -> str:
    """What a file that is not UTF-8 most likely is, by its first bytes: the files people save from
    spreadsheets ("" when nothing says)."""
    with path.open("rb") as f:
        head = f.read(4)
    if head.startswith(b"PK\x03\x04"):
        return ": a ZIP archive, such as an Excel workbook; save the sheet as CSV UTF-8"
    if head.startswith(UTF16_BOMS):  # a BOM is read as UTF-16 (utf8_copy): here it was not UTF-16 after all
        return ": it starts with a UTF-16 byte-order mark; save it as CSV UTF-8"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return ": an old Excel workbook (.xls); save the sheet as CSV UTF-8"
    return "; if it was saved as Windows-1252 or Latin-1, save it as UTF-8"


GZIP_MAGIC = b"\x1f\x8b"


def is_gzip(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(2) == GZIP_MAGIC


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def is_utf16(path: Path) -> bool:
    """Starts with a UTF-16 byte-order mark: Excel's 'Unicode Text', Windows PowerShell's ``>``."""
    with path.open("rb") as f:
        return f.read(2) in UTF16_BOMS


@contextmanager
def _temporary_copy(path: Path, name: str, prefix: str, copy: Callable[[Path], None]) -> Iterator[Path]:
    """``copy(out)`` writes ``path``'s content into a temporary file ``name``, which gets ``path``'s
    modification time (the time of samples without one) and is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        out = Path(tmp) / name
        copy(out)
        st = path.stat()
        os.utime(out, (st.st_atime, st.st_mtime))
        yield out


def utf8_copy(path: Path) -> AbstractContextManager[Path]:
    """UTF-16 text file ``path`` re-encoded as UTF-8 in a temporary file with its name and modification
    time, removed afterwards; decoded in blocks. Line ends are kept as written."""
    def copy(out: Path) -> None:
        try:
            with path.open("r", encoding="utf-16", newline="") as src, \
                    out.open("w", encoding="utf-8", newline="") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        except UnicodeError as e:
            raise FileError(f"{path}: starts with a UTF-16 byte-order mark but is not UTF-16 text "
                            f"({e.reason}); nothing stored") from None
    return _temporary_copy(path, path.name, "aifd-utf16-", copy)


def gunzipped(path: Path) -> AbstractContextManager[Path]:
    """The content of gzip file ``path`` in a temporary file named as it without ``.gz`` (its
    suffix tells the format) and with its modification time, removed afterwards. Decompressed in
    blocks: memory stays flat whatever the size."""
    def copy(out: Path) -> None:
        try:
            with gzip.open(path, "rb") as src, out.open("wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 22)
        except (OSError, EOFError, zlib.error) as e:  # BadGzipFile is an OSError
            raise FileError(f"{path}: not a readable gzip file ({e}); nothing stored") from None
    name = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
    return _temporary_copy(path, name, "aifd-gunzip-", copy)


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
            if header_lineno == 1 and _read_csv_duckdb(con, path, headers, delim, ends_with_newline):
                if not ends_with_newline:
                    last = con.execute("SELECT max(line) FROM src").fetchall()[0][0]
                    if last is not None:
                        staged.warnings.append(_taken_as_complete(last))
                if progress:
                    progress(f"{path.name}: read by DuckDB's CSV reader")
                yield staged
                return
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
            line, byte = _first_bad_utf8(path)
            raise FileError(f"{path}: not UTF-8 text at line {line} (byte 0x{byte:02X}: {e.reason})"
                            f"{not_utf8_hint(path)}") from None
        except csv.Error as e:
            raise FileError(f"{path}, line {lineno + 1}: {e}") from None
    if not ends_with_newline:
        # A cut-off last line with too few fields is already rejected above; say why.
        if staged.pre_rejects and staged.pre_rejects[-1][0] == lineno:
            ln, series, reason, raw = staged.pre_rejects[-1]
            staged.pre_rejects[-1] = (ln, series, f"truncated last line: {reason}", raw)
        elif last_row is not None:
            staged.warnings.append(_taken_as_complete(last_row))
    con.execute("CREATE OR REPLACE TEMP VIEW src AS SELECT * FROM raw_csv")
    yield staged


def _taken_as_complete(line: int) -> str:
    return f"file does not end with a line break: line {line} was taken as complete"


# An empty field is an empty string, as Python's csv module reads it, not NULL.
_NO_NULL = "\x01aifd: no null\x01"


def _read_csv_duckdb(con: duckdb.DuckDBPyConnection, path: Path, headers: list[str], delim: str,
                     ends_with_newline: bool) -> bool:
    """Table ``raw_csv`` and view ``src`` from DuckDB's CSV reader, when it reads the file exactly
    as the line-by-line reader below would: every line after the header one row with as many fields
    as the header, no blank line, no field across lines (then row i is line i + 2). Returns False,
    leaving nothing behind, for any other file: the line-by-line reader then says what is wrong where.
    A file of 14 M rows takes seconds here and minutes there."""
    if len(headers) < 2:  # a blank-looking line would be a row here and skipped there
        return False
    newlines, bare_cr, crlf = line_breaks(path)
    if bare_cr:  # the csv module counts a lone CR as a line break, inside quotes too
        return False
    if 0 < crlf < newlines:  # CR LF and LF mixed: DuckDB's reader fails on them (and would abort the load)
        return False
    # blank lines at the end (an editor's or a concatenation's extra line break) are skipped by both
    # readers and leave every row's line number as it is
    expected = newlines - 1 - _blank_lines_at_end(path, delim) if ends_with_newline else newlines
    columns = {h: "VARCHAR" for h in headers}
    # ignore_errors: a line DuckDB cannot read is left out, not raised (an error would abort the
    # load's transaction); the count below then declines the file
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE raw_csv AS SELECT * FROM read_csv(?, columns = ?, header = false, "
                    "skip = 1, delim = ?, quote = '\"', escape = '\"', auto_detect = false, strict_mode = true, "
                    "ignore_errors = true, nullstr = ?, encoding = 'utf-8')", [str(path), columns, delim, _NO_NULL])
    except duckdb.Error as e:
        raise FileError(f"{path}: cannot read as CSV: {e}") from None
    rows = con.execute("SELECT count(*) FROM raw_csv").fetchall()[0][0]
    if rows != expected:
        con.execute("DROP TABLE IF EXISTS raw_csv")
        return False
    # rowid counts rows in insertion order (file order), from an offset while the load's
    # transaction is open
    con.execute("CREATE OR REPLACE TEMP VIEW src AS "
                "SELECT rowid - (SELECT min(rowid) FROM raw_csv) + 2 AS line, * FROM raw_csv")
    return True


def _blank_lines_at_end(path: Path, delim: str, window: int = 1 << 16) -> int:
    """How many blank lines end a file that ends with a line break: lines of nothing but spaces and
    tabs, the delimiter excepted (a tab in a tab-separated file makes a row of empty fields, which
    the line-by-line reader rejects as too short). 0 when they fill the last ``window`` bytes: the
    line-by-line reader then counts them."""
    size = path.stat().st_size
    with path.open("rb") as f:
        f.seek(max(0, size - window))
        tail = f.read()
    body = tail.rstrip(bytes(c for c in b" \t\r\n" if c != ord(delim)))
    if not body and size > len(tail):
        return 0
    return max(0, tail[len(body):].count(b"\n") - 1)


def line_breaks(path: Path) -> tuple[int, int, int]:
    """The file's LF count, its count of CRs not followed by LF, and of CR LF pairs."""
    newlines = bare = crlf = 0
    carry = b""
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            block = carry + block
            carry = b"\r" if block.endswith(b"\r") else b""
            body = block[:-1] if carry else block
            newlines += body.count(b"\n")
            pairs = body.count(b"\r\n")
            crlf += pairs
            bare += body.count(b"\r") - pairs
    return newlines, bare + len(carry), crlf


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
