"""Where a renamed or merged agency's last-period figures come from: the one rule, used by computation
inputs, ranking pages, result pages and report tables (docs/formats.md, "Rank change of merged agencies").

- An agency merged from two or more has no rank change (no single previous rank compares with its
  own), whether or not it kept the code of one of them; its predecessors are shown with their ranks
  instead (its own previous result among them).
- Otherwise an agency compares with its own result of the last period, else with its single
  predecessor's (renamed, or kept as it was under a new code).

scoring.inputs.previous_standings applies it when a snapshot is computed; the snapshot stores the outcome,
which every output reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .models import Agency


@dataclass(frozen=True)
class Former:
    """A predecessor of an agency."""

    id: int
    code: str
    name: str  # the short name where it has one: it stands beside other names in a table cell


@dataclass(frozen=True)
class PredecessorRank:
    """A former agency of a merged one, with its rank and index in the results rank changes compare with."""

    agency_id: int
    code: str
    name: str
    rank: int | None  # None: not ranked, or no result in that snapshot
    index: Decimal | None


def formers_of(agency_ids: Iterable[int]) -> dict[int, list[Former]]:
    """Agency id → its predecessors (one query; an agency without any has no entry)."""
    found: dict[int, list[Former]] = defaultdict(list)
    links = Agency.predecessors.through.objects.filter(from_agency_id__in=list(agency_ids)).order_by(
        "to_agency__position", "to_agency__name"
    )
    for successor, former_id, code, name, short_name in links.values_list(
        "from_agency_id", "to_agency_id", "to_agency__code", "to_agency__name", "to_agency__short_name"
    ):
        found[successor].append(Former(former_id, code, short_name or name))
    return found


def carried_key(own_key, former_keys: list, values: dict):
    """Which key's value in `values` an agency compares with: its own, else its single predecessor's;
    None when it has neither (merged from two or more, or new)."""
    if own_key in values:
        return own_key
    if len(former_keys) == 1 and former_keys[0] in values:
        return former_keys[0]
    return None


def is_merged(formers: list[Former]) -> bool:
    return len(formers) >= 2


def predecessor_ranks(formers: list[Former], previous: dict[int, tuple[int | None, Decimal | None]]):
    """The predecessors of a merged agency with their (rank, index) in `previous`, best rank first."""
    rows = [PredecessorRank(f.id, f.code, f.name, *previous.get(f.id, (None, None))) for f in formers]
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.name))
