"""Map a source's header onto a domain and cast its values in DuckDB, noting what fails to parse."""
from __future__ import annotations

import re

import duckdb

from .domains import DOMAINS, Domain


class FileError(Exception):
    """The whole file cannot be loaded (nothing from it is stored)."""


_SHOWABLE = re.compile(r"[\w .()/%#\-]{1,40}")


def shown_names(headers: list[str]) -> str:
    """Column names for a message: a name that does not look like one (a line of some other file,
    ``KEY=secret``) is not echoed, only counted."""
    shown = [h.strip() if _SHOWABLE.fullmatch(h.strip()) else f"<column {i}: not a column name>"
             for i, h in enumerate(headers, 1)]
    return ", ".join(shown[:20]) + (f" … ({len(shown)} columns)" if len(shown) > 20 else "")


def normalise(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


def _mapping(domain: Domain, headers: list[str]) -> dict[str, tuple[str, float]]:
    out: dict[str, tuple[str, float]] = {}
    for h in headers:
        key = normalise(h)
        if key in domain.names:
            out[h] = (key, 1.0)
        elif key in domain.aliases:
            out[h] = domain.aliases[key]
    return out


def detect(headers: list[str], source: str, kind: str | None = None) -> tuple[Domain, dict[str, tuple[str, float]]]:
    """The domain these columns describe, and header -> (canonical column, unit factor)."""
    candidates = [d for d in DOMAINS if kind is None or d.name == kind]
    if kind and not candidates:
        raise FileError(f"{source}: unknown record kind {kind!r}; known: {', '.join(d.name for d in DOMAINS)}")
    for domain in candidates:
        mapping = _mapping(domain, headers)
        have = {c for c, _ in mapping.values()}
        if domain.required <= have and (not domain.any_of or domain.any_of & have):
            _check_units(domain, headers, mapping, source)
            dup = [c for c in have if sum(1 for v in mapping.values() if v[0] == c) > 1]
            if dup:
                raise FileError(f"{source}: more than one column maps to {', '.join(sorted(dup))}")
            return domain, mapping
    shapes = "; ".join(
        f"{d.name} needs {', '.join(sorted(d.required))}"
        + (f" and one of {', '.join(sorted(d.any_of))}" if d.any_of else "")
        for d in candidates
    )
    raise FileError(f"{source}: cannot tell what these columns hold: {shown_names(headers)}.{_nvidia_smi_hint(headers)}"
                    f" Known shapes: {shapes}")


# the field names `nvidia-smi --query-gpu=... --format=csv` writes (units in brackets, values such as
# "45 %" and local times): a shape people export, which no reader here takes
NVIDIA_SMI_FIELDS = ("uuid", "name", "index", "pci.bus_id", "utilization.gpu", "power.draw", "temperature.gpu",
                     "clocks.sm", "clocks.current.sm", "memory.used", "timestamp")


def _nvidia_smi_hint(headers: list[str]) -> str:
    names = {h.strip().split(" [")[0].lower() for h in headers}
    if "uuid" in names and len(names & set(NVIDIA_SMI_FIELDS)) >= 2:
        return (" This looks like `nvidia-smi --query-gpu` output, which is not read (its values carry units, its"
                " times are the host's local time without a zone): list GPUs as gpu_uuid, hostname, model; take"
                " telemetry from dcgm-exporter (a saved /metrics scrape or Prometheus).")
    return ""


def _check_units(domain: Domain, headers: list[str], mapping: dict, source: str) -> None:
    """A column such as power_btu names a unit we do not know: refuse rather than guess."""
    if not domain.unit_suffixes:
        return
    known = set(domain.names) | set(domain.aliases)
    bases = {n.rsplit("_", 1)[0] for n in known if "_" in n}
    for h in headers:
        if h in mapping:
            continue
        key = normalise(h)
        base = key.rsplit("_", 1)[0] if "_" in key else None
        if base in bases and key not in known:
            choices = sorted(n for n in known if n.startswith(base + "_"))
            raise FileError(
                f"{source}: column {shown_names([h])!r} has a unit we do not know; use one of {', '.join(choices)}"
            )


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


MAX_EPOCH_S = 9.2e12  # about the largest Unix time a DuckDB TIMESTAMP holds (year 294,000)
SHOWN_CHARS = 60      # a reason quotes at most this much of the offending value


def _shown(expr: str) -> str:
    """SQL for a value as a reason quotes it: the value only, cut to SHOWN_CHARS."""
    return f"CASE WHEN length({expr}) > {SHOWN_CHARS} THEN left({expr}, {SHOWN_CHARS - 1}) || '…' ELSE {expr} END"


def _cast(col: str, type_: str, factor: float, source_type: str) -> str:
    c = _ident(col)
    if type_ == "TIMESTAMP":
        # the instant as naive UTC through its epoch microseconds: arithmetic, where timezone('UTC', …)
        # goes through ICU for every row (0.45 s per pass over a 14-million-row file)
        if source_type.startswith("TIMESTAMP") or source_type == "DATE":
            return f"make_timestamp(epoch_us(CAST({c} AS TIMESTAMPTZ)))"
        # ISO 8601 (offsets honoured, naive taken as UTC) or Unix seconds. A number beyond what a
        # timestamp holds (1e30, Inf, epoch microseconds) is unreadable, not an error of the file.
        n = f"TRY_CAST({c} AS DOUBLE)"
        iso = f"TRY_CAST({c} AS TIMESTAMPTZ)"  # 'infinity' is a TIMESTAMPTZ, not a time
        return (f"coalesce(CASE WHEN isfinite({iso}) THEN make_timestamp(epoch_us({iso})) END, "
                f"CASE WHEN abs({n}) < {MAX_EPOCH_S:.0f} THEN make_timestamp(epoch_us(to_timestamp({n}))) END)")
    if type_ in ("DOUBLE",) and factor != 1.0:
        return f"TRY_CAST({c} AS DOUBLE) * {float(factor)!r}"
    if type_ == "VARCHAR":
        return f"nullif(trim(CAST({c} AS VARCHAR)), '')"
    if type_ in ("INTEGER", "HUGEINT") and source_type == "VARCHAR":
        # accept "3" and "3.0" but not "3.5"; digits alone are cast exactly (a 64-bit counter near
        # 2^64 would lose its last digits through DOUBLE)
        return (f"CASE WHEN regexp_full_match(trim({c}), '[+-]?[0-9]+') THEN TRY_CAST(trim({c}) AS {type_}) "
                f"WHEN TRY_CAST({c} AS DOUBLE) = round(TRY_CAST({c} AS DOUBLE)) "
                f"THEN TRY_CAST(TRY_CAST({c} AS DOUBLE) AS {type_}) END")
    return f"TRY_CAST({c} AS {type_})"


def stage(con: duckdb.DuckDBPyConnection, src: str, domain: Domain, mapping: dict[str, tuple[str, float]],
          view: bool = False) -> None:
    """CREATE TEMP TABLE stage (or, with ``view``, a view) from relation ``src`` (which has a ``line`` column).

    Every canonical column exists in ``stage`` (NULL where the source lacks it); ``parse_error``
    says which present values could not be read as their type.
    """
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {src})").fetchall())
    by_canonical = {canon: (h, f) for h, (canon, f) in mapping.items()}
    casts, selects, failed, messages = [], [], [], []
    for col in domain.columns:
        if col.name not in by_canonical:
            selects.append(f"CAST(NULL AS {col.type}) AS {_ident(col.name)}")
            continue
        header, factor = by_canonical[col.name]
        # each value cast once, in the inner select; the outer one tells which casts failed
        cast = f"__aifd_cast_{len(casts)}"
        casts.append(f"{_cast(header, col.type, factor, types[header])} AS {cast}")
        selects.append(f"{cast} AS {_ident(col.name)}")
        if types[header] == "VARCHAR" and col.type != "VARCHAR":
            h = _ident(header)
            what = col.type.lower() + (" (ISO 8601 or Unix seconds)" if col.type == "TIMESTAMP" else "")
            failed.append(f"({h} IS NOT NULL AND {cast} IS NULL AND trim({h}) <> '')")
            # a spreadsheet saved in a German or French locale writes 50,5 for 50.5
            pointed = _shown(f"replace(trim({h}), ',', '.')")
            hint = (f" || CASE WHEN regexp_full_match(trim({h}), '[+-]?[0-9]*,[0-9]+') "
                    f"THEN ' (a decimal comma? write it with a point: ' || {pointed} || ')' "
                    f"ELSE '' END" if col.type in ("DOUBLE", "REAL", "INTEGER", "BIGINT", "HUGEINT") else "")
            messages.append(f"CASE WHEN {failed[-1]} THEN {_sql_str(col.name)} || ': cannot read ' || {_shown(h)} "
                            f"|| ' as {what}'{hint} END")
    parse_error = (f"CASE WHEN {' OR '.join(failed)} THEN concat_ws('; ', {', '.join(messages)}) END"
                   if failed else "CAST(NULL AS VARCHAR)")
    inner = f"SELECT *, {', '.join(casts)} FROM {src}" if casts else f"SELECT * FROM {src}"
    con.execute(
        f"CREATE OR REPLACE TEMP {'VIEW' if view else 'TABLE'} stage AS SELECT line, {', '.join(selects)}, "
        f"{parse_error} AS parse_error FROM ({inner})"
    )


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"
