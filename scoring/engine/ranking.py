"""Ranking within a block: a pure function of the indices."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

TIE_RULES = ("shared", "exact")


def rank_indices(entries: Iterable[tuple[str, Decimal, Decimal]], tie_rule: str = "shared") -> dict[str, int]:
    """Competition ranking (1, 2, 2, 4) of (key, published index, exact index), highest first.

    `shared`: equal published indices share a rank. `exact`: the unrounded index breaks ties;
    agencies equal even there still share.
    """
    if tie_rule not in TIE_RULES:
        raise ValueError(f"unknown tie rule {tie_rule!r}")
    position = 1 if tie_rule == "shared" else 2
    ordered = sorted(entries, key=lambda entry: entry[position], reverse=True)
    ranks: dict[str, int] = {}
    previous_value = None
    previous_rank = 0
    for place, entry in enumerate(ordered, start=1):
        value = entry[position]
        rank = previous_rank if value == previous_value else place
        ranks[entry[0]] = rank
        previous_value, previous_rank = value, rank
    return ranks
