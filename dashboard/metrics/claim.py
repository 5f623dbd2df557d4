"""The claim's plausibility in words, read from perf_claim_check's rows (kept here so pages only draw).

perf_claim_check classifies the target at each precision ("reading": above the nameplate,
matches the dense or sparse nameplate, below it); this module only puts those rows into one
sentence, and says what a delivered/target share means when it is far above 1.
"""
from __future__ import annotations

import pandas as pd

from .. import units

PRECISION_ORDER = ("fp64", "tf32", "bf16", "fp8", "fp4")
FAR_ABOVE = 2.0  # delivered ≥ this many times the target: the target cannot be at this precision


def _tf(value: float) -> str:
    return units.fmt(value, "TFLOPS")


def _pct(ratio: float) -> str:
    pct = ratio * 100
    return f"{pct:,.1f} %" if pct < 10 else f"{pct:,.0f} %"


def _names(precisions: list[str]) -> str:
    up = [p.upper() for p in precisions]
    return up[0] if len(up) == 1 else ", ".join(up[:-1]) + " and " + up[-1]


def verdict(claim: pd.DataFrame) -> str | None:
    """One sentence: what the target per GPU means against the fleet's nameplate at each precision.

    ``claim`` is perf_claim_check's frame (fleet and model rows). None when the inventory is empty.
    """
    fleet = claim[claim["scope"] == "fleet"].set_index("precision").reindex(list(PRECISION_ORDER)).dropna(
        subset=["gpus"])
    if fleet.empty or not fleet["gpus"].max():
        return None
    gpus = int(fleet["gpus"].max())
    per_gpu = float(fleet["target_per_gpu_tflops"].dropna().iloc[0])
    target = float(fleet["target_tflops"].iloc[0])
    models = claim[(claim["scope"] == "model") & (claim["gpus"] > 0)]
    mix = ", ".join(f"{int(n):,} {m}" for m, n in
                    models.drop_duplicates("model").set_index("model")["gpus"].sort_values(ascending=False).items())
    head = f"On {gpus:,} GPUs ({mix}) the {_tf(target)} target is {_tf(per_gpu)} per GPU"

    matches = fleet[fleet["reading"].fillna("").str.startswith("matches")]
    if not matches.empty:
        p = matches.index[0]
        basis = "sparse" if matches["reading"].iloc[0] == "matches sparse" else "dense"
        share = matches[f"target_share_{basis}"].iloc[0]
        return (f"{head}: it matches the fleet's {p.upper()} {basis} nameplate ({_pct(share)} of it), so it most "
                f"likely denotes a nameplate peak at {p.upper()} {basis} — a figure on paper, not a measured one.")

    above = [p for p in fleet.index if fleet.loc[p, "reading"] == "above nameplate"]
    below = [p for p in fleet.index if fleet.loc[p, "reading"] == "below nameplate"]
    parts = []
    if above:
        best = models[models["precision"].isin(above)].sort_values("per_gpu_dense_tflops", ascending=False)
        figures = "; ".join(f"{_tf(r.per_gpu_dense_tflops)} on an {r.model}"
                            for r in best.drop_duplicates("model").itertuples() if pd.notna(r.per_gpu_dense_tflops))
        parts.append(f"above the {_names(above)} peak" + (f" ({figures})" if figures else ""))
    if below:
        shares = pd.concat([fleet.loc[below, "target_share_dense"], fleet.loc[below, "target_share_sparse"]]).dropna()
        parts.append(f"{_pct(shares.min())}–{_pct(shares.max())} of the {_names(below)} peaks (dense and sparse)")
    if not below:
        return (f"{head}: {parts[0]} — above the nameplate at every precision, so the fleet cannot reach it "
                "even on paper.")
    return (f"{head}: " + " and ".join(parts) + ", so it matches no standard precision's nameplate and most "
            "likely denotes a measured or sustained figure at an unstated precision.")


def target_note(share: float | None, precision: str, exaflops: float) -> str:
    """The short note under a delivered-FLOPS tile: the share of the target (a tile's note has little room)."""
    if share is None or share != share:
        return f"no estimate against the {exaflops:g} EF target"
    if share >= FAR_ABOVE:
        return f"{share:,.1f}× the {exaflops:g} EF target"
    return f"{share * 100:,.1f} % of the {exaflops:g} EF target"


def share_of_target(share: float | None) -> str:
    """A share of the target for a tile's note: "14.0 % of target", or "8.8× the target" from 2× up."""
    if share is None or share != share:
        return units.NO_DATA
    return f"{share:,.1f}× the target" if share >= FAR_ABOVE else f"{share * 100:,.1f} % of target"


def target_meaning(share: float | None, precision: str, exaflops: float) -> str | None:
    """What a delivered/target share far above 1 means, in one sentence; None when it needs no words."""
    if share is None or share != share or share < FAR_ABOVE:
        return None
    return (f"The fleet's estimated delivered {precision.upper()} FLOPS are {share:,.1f}× the {exaflops:g} EF "
            f"target: read at {precision.upper()}, the target is far below what the fleet already does, so it "
            f"cannot be a {precision.upper()} nameplate or delivered figure for this fleet — see the plausibility "
            "check below.")
