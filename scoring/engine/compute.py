"""Totals, indices and the block's decisions (rank, band, head class, review flags)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import ROUND_HALF_UP, Context, Decimal

from .model import (
    AgencyInput,
    AgencyResult,
    BlockRules,
    CriteriaTree,
    EngineError,
    LeafInput,
    Message,
    NodeScore,
    gettext_noop,
)
from .ranking import rank_indices
from .rules import leaf_has_input, leaf_points

ZERO = Decimal("0")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")
NOT_SCORED = LeafInput()

# Where exact points live: the snapshot stores every point figure with STORED_PLACES decimals. The
# engine computes with 28 significant digits, so any value from 0.001 up has at most 30 decimals and
# is stored digit for digit; a smaller one publishes as 0.00 either way. A published figure is
# therefore the same whether rounded from the engine's value or from the stored one: rounded once.
STORED_PLACES = 30
_STORED_QUANTUM = Decimal(1).scaleb(-STORED_PLACES)
_WIDE = Context(prec=80)


def publish_round(value: Decimal) -> Decimal:
    """The published form of any figure (points, index, area index): 2 decimals, half up, once."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def published_index(points: Decimal, applicable_max: Decimal) -> Decimal:
    """The published points (rounded once) as % of the applicable max, rounded once: a reader who divides
    the published points by the max gets it (domain.md §4). From the unrounded points, 88.195 of 98 would
    publish 88,20 points beside an index of 89,99 where the reader computes 90,00, across a band's floor."""
    return publish_round(publish_round(points) * HUNDRED / applicable_max)


def stored_exact(value: Decimal) -> Decimal:
    """The exact value as the snapshot stores it (STORED_PLACES decimals)."""
    return value.quantize(_STORED_QUANTUM, rounding=ROUND_HALF_UP, context=_WIDE)


def compute_agency(tree: CriteriaTree, agency: AgencyInput) -> AgencyResult:
    """Every node's points and applicable max, the area indices and the index of one agency.

    Bonus points count in their ancestors' points and the agency's total, never in an area index
    (area index = non-bonus points ÷ applicable non-bonus max). A bonus node is capped at its max.
    """
    scores: dict[str, NodeScore] = {}
    unscored: list[str] = []
    for node in reversed(tree.nodes):  # children come after their parents, so reversed is bottom-up
        children = tree.children(node.code)
        if not children:
            leaf = agency.leaves.get(node.code, NOT_SCORED)
            if leaf.applicable:
                survey_value = agency.survey_values.get(node.code)
                if not leaf_has_input(node, leaf, survey_value):
                    unscored.append(node.code)
                points = +leaf_points(node, leaf, survey_value)  # unary plus: the engine's 28 digits
                scores[node.code] = NodeScore(
                    points, node.max_points, True, points if node.is_bonus else ZERO
                )
            else:
                scores[node.code] = NodeScore(ZERO, ZERO, False)
            continue
        child_scores = [(tree.node(code), scores[code]) for code in children]
        points = sum((score.points for _, score in child_scores), ZERO)
        bonus_points = sum((score.bonus_points for _, score in child_scores), ZERO)
        applicable_max = sum((s.applicable_max for child, s in child_scores if not child.is_bonus), ZERO)
        applicable = any(score.applicable for _, score in child_scores)
        if node.is_bonus:
            points = min(points, node.max_points)
            applicable_max = node.max_points if applicable else ZERO
            bonus_points = points
        scores[node.code] = NodeScore(points, applicable_max, applicable, bonus_points)

    roots = [(tree.node(code), scores[code]) for code in tree.roots]
    total_points = sum((score.points for _, score in roots), ZERO)
    total_max = sum((score.applicable_max for node, score in roots if not node.is_bonus), ZERO)
    if total_max <= 0:
        raise EngineError(
            Message(gettext_noop("agency %(agency)s has no applicable criteria"), {"agency": agency.key})
        )
    exact_index = total_points * HUNDRED / total_max
    area_indices: dict[str, Decimal | None] = {}
    for area in tree.areas:
        score = scores[area.code]
        if area.is_bonus or score.applicable_max <= 0:
            area_indices[area.code] = None
        else:
            area_indices[area.code] = published_index(score.points - score.bonus_points, score.applicable_max)
    order = {node.code: position for position, node in enumerate(tree.nodes)}
    return AgencyResult(
        key=agency.key,
        nodes=scores,
        points=total_points,
        max_points=total_max,
        exact_index=exact_index,
        index=published_index(total_points, total_max),
        area_indices=area_indices,
        unscored=tuple(sorted(unscored, key=order.__getitem__)),
        ranked=agency.ranked,
    )


def decide_band(index: Decimal, rules: BlockRules) -> str | None:
    for band in sorted(rules.bands, key=lambda b: b.min_index, reverse=True):
        if index >= band.min_index:
            return band.code
    return None


def decide_head_class(index: Decimal, area_indices: Mapping[str, Decimal | None], rules: BlockRules) -> str:
    """First rule that holds wins: the index floor and every applicable area's floor."""
    applicable_areas = [value for value in area_indices.values() if value is not None]
    for rule in rules.head_rules:
        if index >= rule.min_index and all(value >= rule.min_area_index for value in applicable_areas):
            return rule.head_class
    return rules.default_head_class


def decide_review_flags(area_indices: Mapping[str, Decimal | None], rules: BlockRules) -> tuple[str, ...]:
    return tuple(
        trigger.area_code
        for trigger in rules.review_triggers
        if (area_index := area_indices.get(trigger.area_code)) is not None and area_index < trigger.below
    )


def compute_block(
    tree: CriteriaTree,
    rules: BlockRules,
    agencies: Iterable[AgencyInput],
    previous_ranks: Mapping[str, int] | None = None,
) -> list[AgencyResult]:
    """Results of every agency of one block, best first; decisions use the published (rounded) values.

    An agency not ranked gets its index, areas, head class and review flags, but no rank, band or rank
    change, and takes no place among the others; it comes after the ranked ones.
    """
    previous_ranks = previous_ranks or {}
    computed = [compute_agency(tree, agency) for agency in agencies]
    ranks = rank_indices(((r.key, r.index, r.exact_index) for r in computed if r.ranked), rules.tie_rule)
    results = []
    for result in computed:
        head = decide_head_class(result.index, result.area_indices, rules)
        flags = decide_review_flags(result.area_indices, rules)
        if not result.ranked:
            results.append(replace(result, head_class=head, review_flags=flags))
            continue
        rank = ranks[result.key]
        previous = previous_ranks.get(result.key)
        results.append(
            replace(
                result,
                band=decide_band(result.index, rules),
                head_class=head,
                review_flags=flags,
                rank=rank,
                rank_change=None if previous is None else previous - rank,
            )
        )
    results.sort(key=lambda r: (not r.ranked, r.rank or 0, -r.exact_index, r.key))
    return results
