"""Sovereignty what-if scenarios (the ``sov_*`` queries hold every formula).

A what-if scenario is a list of substitutions passed to the queries as one JSON parameter
(``$swaps``); nothing is written to the store, so the stored records never change.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Iterable


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
