"""Frozen value types the engine reads and returns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

HEAD_CLASSES = ("excellent", "good", "completed", "not_completed")


def gettext_noop(message: str) -> str:
    """Marks text for translation (extracted by makemessages); callers translate, the engine stays Django-free."""
    return message


@dataclass(frozen=True)
class Message:
    """A translatable English template with %(name)s parameters."""

    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, translate: Callable[[str], str] = lambda text: text) -> str:
        return translate(self.template) % dict(self.params) if self.params else translate(self.template)

    def __str__(self) -> str:
        return self.render()


class EngineError(ValueError):
    """An input the engine cannot score; `code` names the node concerned."""

    def __init__(self, message: Message | str, code: str | None = None):
        self.message = message if isinstance(message, Message) else Message(message)
        self.code = code
        self.detail = self.message
        super().__init__(f"{code}: {self.message}" if code else str(self.message))


@dataclass(frozen=True)
class Node:
    code: str
    title: str
    max_points: Decimal
    parent_code: str | None = None
    rule: str | None = None  # leaves only: manual, levels, threshold, proportional, deduction, survey
    params: Mapping[str, Any] = field(default_factory=dict)
    is_area: bool = False
    is_bonus: bool = False


@dataclass(frozen=True)
class CriteriaTree:
    """Nodes in display order; parents before children."""

    nodes: tuple[Node, ...]
    # Indexes built once from `nodes` (not fields: not compared, hashed or shown).
    _by_code: dict[str, Node] = field(init=False, repr=False, compare=False)
    _children: dict[str | None, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        children: dict[str | None, list[str]] = {}
        by_code: dict[str, Node] = {}
        for node in self.nodes:
            if node.code in by_code:
                raise EngineError(Message(gettext_noop("duplicate code")), node.code)
            if node.parent_code is not None and node.parent_code not in by_code:
                raise EngineError(
                    Message(
                        gettext_noop("parent %(parent)s must come before its child"),
                        {"parent": node.parent_code},
                    ),
                    node.code,
                )
            by_code[node.code] = node
            children.setdefault(node.parent_code, []).append(node.code)
        object.__setattr__(self, "_by_code", by_code)
        object.__setattr__(self, "_children", {k: tuple(v) for k, v in children.items()})

    def node(self, code: str) -> Node:
        return self._by_code[code]

    def children(self, code: str | None) -> tuple[str, ...]:
        return self._children.get(code, ())

    def is_leaf(self, code: str) -> bool:
        return not self._children.get(code)

    @property
    def roots(self) -> tuple[str, ...]:
        return self.children(None)

    @property
    def leaves(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes if self.is_leaf(n.code))

    @property
    def areas(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes if n.is_area)


@dataclass(frozen=True)
class LeafInput:
    """What one stage (self-assessment, appraisal, …) says about one leaf of one agency."""

    applicable: bool = True
    points: Decimal | None = None  # manual
    level: str | None = None  # levels
    value: Decimal | None = None  # threshold: measured value; proportional: achieved; deduction: count
    target: Decimal | None = None  # proportional: overrides the rule's target for this agency


@dataclass(frozen=True)
class AgencyInput:
    key: str
    leaves: Mapping[str, LeafInput]  # leaf code → input; a missing leaf scores 0 and is listed unscored
    survey_values: Mapping[str, Decimal] = field(default_factory=dict)  # survey leaf code → 0…1
    ranked: bool = True  # False: scored and classified, but outside ranks, bands and rank changes


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    min_index: Decimal  # inclusive lower bound; bands are tried from the highest min down


@dataclass(frozen=True)
class HeadClassRule:
    head_class: str
    min_index: Decimal
    min_area_index: Decimal  # every applicable area must reach it


@dataclass(frozen=True)
class ReviewTrigger:
    area_code: str
    below: Decimal  # an area index under this (published, rounded) forces a review


@dataclass(frozen=True)
class BlockRules:
    bands: tuple[Band, ...]
    head_rules: tuple[HeadClassRule, ...]  # first that holds wins
    review_triggers: tuple[ReviewTrigger, ...] = ()
    tie_rule: str = "shared"  # shared: equal published indices share a rank; exact: unrounded breaks ties
    default_head_class: str = "not_completed"


@dataclass(frozen=True)
class NodeScore:
    points: Decimal  # exact, bonus included
    applicable_max: Decimal  # bonus excluded
    applicable: bool
    bonus_points: Decimal = Decimal(0)  # the part of `points` from bonus nodes: never in an area index


@dataclass(frozen=True)
class AgencyResult:
    key: str
    nodes: Mapping[str, NodeScore]
    points: Decimal
    max_points: Decimal
    exact_index: Decimal
    index: Decimal  # published: rounded half up to 2 decimals
    area_indices: Mapping[str, Decimal | None]  # area code → published index; None when not applicable
    band: str | None = None  # None for an agency not ranked
    head_class: str | None = None
    review_flags: tuple[str, ...] = ()
    rank: int | None = None  # None for an agency not ranked
    rank_change: int | None = None
    unscored: tuple[str, ...] = ()  # applicable leaves without a final input (scored 0), in tree order
    ranked: bool = True
