"""Ranking within a block: a pure function of the indices."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

TIE_RULES = ("shared", "exact")


def rank_indices(entries: Iterable[tuple[str, Decimal, Decimal]], tie_rule: str = "shared") -> dict[str, int]:
    """Competition ranking (1, 2, 2, 4) of (key, published index, exact index), highest first.

    `shared`: equal published indices share a rank. `exact`: the unrounded index breaks ties of the
    published one, and only those: the published index orders first, so a higher published index is never
    ranked below a lower one (88,195 of 98 publishes 90,00 with an exact 89,9949); agencies equal even in
    the exact index still share.
    """
    if tie_rule not in TIE_RULES:
        raise ValueError(f"unknown tie rule {tie_rule!r}")

    def key(entry: tuple[str, Decimal, Decimal]) -> tuple[Decimal, ...]:
        return (entry[1],) if tie_rule == "shared" else (entry[1], entry[2])

    ordered = sorted(entries, key=key, reverse=True)
    ranks: dict[str, int] = {}
    previous_value = None
    previous_rank = 0
    for place, entry in enumerate(ordered, start=1):
        value = key(entry)
        rank = previous_rank if value == previous_value else place
        ranks[entry[0]] = rank
        previous_value, previous_rank = value, rank
    return ranks
