"""A figure's frame in one canonical form, and the CSV and Parquet files written from it.

The same data must give the same bytes. DuckDB sums floating-point values in parallel, so the
last bits of a sum may differ from one run to the next; every number is therefore rounded to 12
significant digits (7 for single-precision columns), far below any meter's or counter's accuracy.
Column types follow the declared units, not what pandas guessed from the values (a column that is
all NULL in one period is still text, a count with a NULL is still an integer).
"""
from __future__ import annotations

import hashlib
import io
import math
from datetime import date, datetime
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .. import units
from ..queries import Column, QueryError
from .safe import neutralise_frame

DIGITS = 12
DIGITS_FLOAT32 = 7


def _round(values: pd.Series, digits: int) -> pd.Series:
    def one(v):
        if _na(v):
            return np.nan
        f = float(v)
        return float(f"{f:.{digits}g}") if math.isfinite(f) else f
    return pd.Series([one(v) for v in values], index=values.index, dtype="float64")


def _kind(c: Column) -> str:
    """The unit's kind, a web address counting as text (it is a link only on a page)."""
    kind = units.unit(c.unit).kind
    return "text" if kind == "url" else kind


def canonical(frame: pd.DataFrame, columns: Iterable[Column]) -> pd.DataFrame:
    """Declared columns only, in order, with types from their units and numbers rounded."""
    frame = frame.reset_index(drop=True)
    out = {}
    for c in columns:
        s = frame[c.name] if c.name in frame.columns else pd.Series([None] * len(frame), index=frame.index)
        kind = _kind(c)
        if kind not in ("time", "date", "text") and pd.api.types.is_datetime64_any_dtype(s):
            raise QueryError(f"column {c.name} is declared {c.unit} but holds times: fix its `-- column:` line")
        if kind == "time":
            out[c.name] = pd.to_datetime(s).astype("datetime64[us]")
        elif kind == "date":
            out[c.name] = pd.Series([None if pd.isna(v) else pd.Timestamp(v).date() for v in s],
                                    index=s.index, dtype="object")
        elif kind == "bool":
            out[c.name] = s.astype("boolean")
        elif kind == "text":
            out[c.name] = pd.Series([None if _na(v) else str(v) for v in s], index=s.index, dtype="object")
        elif kind == "count":
            nums = pd.to_numeric(s, errors="raise")
            finite = nums.dropna()
            if len(finite) and not (finite == finite.round()).all():
                out[c.name] = _round(nums, DIGITS)  # a count that is not whole is kept, not truncated
            else:
                out[c.name] = nums.astype("Int64")
        else:
            digits = DIGITS_FLOAT32 if s.dtype == np.float32 else DIGITS
            out[c.name] = _round(pd.to_numeric(s, errors="raise"), digits)
    return pd.DataFrame(out, index=frame.index)


def _na(v) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _arrow_type(c: Column, series: pd.Series) -> pa.DataType:
    kind = _kind(c)
    if kind == "time":
        return pa.timestamp("us")
    if kind == "date":
        return pa.date32()
    if kind == "bool":
        return pa.bool_()
    if kind == "text":
        return pa.string()
    if kind == "count" and str(series.dtype) == "Int64":
        return pa.int64()
    return pa.float64()


def arrow_table(frame: pd.DataFrame, columns: tuple[Column, ...], meta: dict[str, str]) -> pa.Table:
    """The canonical frame as an Arrow table; each field carries its unit and label."""
    arrays, fields = [], []
    for c in columns:
        s = frame[c.name]
        t = _arrow_type(c, s)
        values = [None if _na(v) else v for v in s.tolist()]
        arrays.append(pa.array(values, type=t))
        fields.append(pa.field(c.name, t, metadata={"unit": c.unit, "label": c.label, "meaning": c.doc}))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=meta))


def csv_text(frame: pd.DataFrame, columns: tuple[Column, ...]) -> str:
    """RFC 4180 CSV (``\\n`` line ends) with formula-like text neutralised; ISO times, blank = NULL."""
    out = neutralise_frame(frame).copy()
    for c in columns:
        kind = _kind(c)
        if kind == "time":
            out[c.name] = [None if _na(v) else _iso(v) for v in out[c.name]]
        elif kind == "date":
            out[c.name] = [None if _na(v) else v.isoformat() for v in out[c.name]]
        elif kind == "bool":
            out[c.name] = [None if _na(v) else ("true" if v else "false") for v in out[c.name]]
        elif out[c.name].dtype == "float64":
            out[c.name] = [None if _na(v) else repr(float(v)) for v in out[c.name]]
    buf = io.StringIO()
    out.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def _iso(v) -> str:
    ts = pd.Timestamp(v)
    return ts.strftime("%Y-%m-%dT%H:%M:%S.%f" if ts.microsecond else "%Y-%m-%dT%H:%M:%S")


def write_csv(path: Path, frame: pd.DataFrame, columns: tuple[Column, ...]) -> None:
    path.write_bytes(csv_text(frame, columns).encode("utf-8"))


def write_parquet(path: Path, frame: pd.DataFrame, columns: tuple[Column, ...], meta: dict[str, str]) -> None:
    pq.write_table(arrow_table(frame, columns, meta), path, compression="zstd", write_statistics=True)


def frame_hash(frame: pd.DataFrame, columns: tuple[Column, ...]) -> str:
    """SHA-256 of the canonical CSV text: the same numbers give the same hash, whatever the formats."""
    return hashlib.sha256(csv_text(frame, columns).encode("utf-8")).hexdigest()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_back(path: Path, columns: tuple[Column, ...]) -> pd.DataFrame:
    """A written Parquet or CSV file as a canonical frame (CSV text stays neutralised)."""
    if path.suffix == ".parquet":
        frame = pq.read_table(path).to_pandas()
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame = frame.replace({"": None})
        for c in columns:
            kind = _kind(c)
            if kind == "bool":
                frame[c.name] = frame[c.name].map({"true": True, "false": False, None: None})
            elif kind not in ("text", "time", "date"):
                frame[c.name] = pd.to_numeric(frame[c.name])
    return canonical(frame, columns)


def differences(expected: pd.DataFrame, actual: pd.DataFrame, columns: tuple[Column, ...],
                limit: int = 5, rel: float = 1e-9) -> list[str]:
    """Where two canonical frames differ, cell by cell: ``row 3, delivered_tflops: 1.2 ≠ 1.3``."""
    if len(expected) != len(actual):
        return [f"{len(actual):,} rows where the report has {len(expected):,}"]
    out: list[str] = []
    for c in columns:
        a, b = expected[c.name].tolist(), actual[c.name].tolist()
        for i, (x, y) in enumerate(zip(a, b)):
            if _same(x, y, rel):
                continue
            out.append(f"row {i + 1}, {c.name}: report {_show(x)}, database {_show(y)}")
            if len(out) >= limit:
                return out
    return out


def _same(x, y, rel: float) -> bool:
    if _na(x) and _na(y):
        return True
    if _na(x) or _na(y):
        return False
    if isinstance(x, float) or isinstance(y, float):
        try:
            return math.isclose(float(x), float(y), rel_tol=rel, abs_tol=0.0)
        except (TypeError, ValueError):
            return False
    if isinstance(x, (datetime, pd.Timestamp)) or isinstance(y, (datetime, pd.Timestamp)):
        return pd.Timestamp(x) == pd.Timestamp(y)
    if isinstance(x, date) or isinstance(y, date):
        return str(x) == str(y)
    return x == y


def _show(v) -> str:
    if _na(v):
        return "NULL"
    return repr(v) if isinstance(v, str) else str(v)
