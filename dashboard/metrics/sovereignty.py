"""Sovereignty: thin functions over the ``sov_*`` queries (the SQL holds every formula).

A what-if scenario is a list of substitutions passed to the queries as one JSON parameter
(``$swaps``); nothing is written to the store, so the stored records never change.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import Iterable

import duckdb

from .. import queries
from ..config import QUERIES_DIR

RUBRIC_PATH = QUERIES_DIR / "reference" / "sovereignty_rubric.csv"

# Score names as sov_scores returns them, with the page's short labels.
HEADLINE_SCORES = ("us_share_count", "us_share_spend", "us_share_critical", "us_share_spend_hq",
                   "hard_lockin_share", "kill_switch_share")


@dataclass(frozen=True)
class Swap:
    """Replace a component's vendor by an alternative (what-if only)."""

    component_id: str
    vendor_id: str
    annual_spend_eur: float | None = None
    open_source: bool = False
    licence_server: bool = False
    cloud_connection: bool = False


def swaps_json(swaps: Iterable[Swap | dict]) -> str:
    """The ``$swaps`` parameter: a JSON list, keys sorted so equal scenarios cache alike."""
    items = [asdict(s) if isinstance(s, Swap) else dict(s) for s in swaps]
    items = [{k: v for k, v in s.items() if v is not None and v is not False} for s in items]  # short: false is the default
    return json.dumps(sorted(items, key=lambda s: s["component_id"]), sort_keys=True)


def headline(con: duckdb.DuckDBPyConnection, snapshot: date | None = None) -> queries.Result:
    return queries.run(con, "sov_headline", snapshot=snapshot)


def scores(con: duckdb.DuckDBPyConnection, swaps: Iterable[Swap | dict] = (),
           snapshot: date | None = None) -> queries.Result:
    return queries.run(con, "sov_scores", snapshot=snapshot, swaps=swaps_json(swaps))


def layers(con: duckdb.DuckDBPyConnection, snapshot: date | None = None) -> queries.Result:
    return queries.run(con, "sov_layers", snapshot=snapshot)


def trend(con: duckdb.DuckDBPyConnection) -> queries.Result:
    return queries.run(con, "sov_trend")


def levers(con: duckdb.DuckDBPyConnection, snapshot: date | None = None, limit: int = 50) -> queries.Result:
    return queries.run(con, "sov_levers", snapshot=snapshot, limit=limit)


def framework(con: duckdb.DuckDBPyConnection, snapshot: date | None = None,
              rubric: str | None = None) -> queries.Result:
    return queries.run(con, "sov_framework", snapshot=snapshot, rubric=str(rubric or RUBRIC_PATH))
