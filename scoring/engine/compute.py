"""Totals, indices and the block's decisions (rank, band, head class, review flags)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

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
from .rules import leaf_points

ZERO = Decimal("0")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")
NOT_SCORED = LeafInput()


def publish_round(value: Decimal) -> Decimal:
    """The published form of an index: 2 decimals, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def compute_agency(tree: CriteriaTree, agency: AgencyInput) -> AgencyResult:
    """Every node's points and applicable max, the area indices and the index of one agency."""
    scores: dict[str, NodeScore] = {}
    for node in reversed(tree.nodes):  # children come after their parents, so reversed is bottom-up
        children = tree.children(node.code)
        if not children:
            leaf = agency.leaves.get(node.code, NOT_SCORED)
            if leaf.applicable:
                points = leaf_points(node, leaf, agency.survey_values.get(node.code))
                scores[node.code] = NodeScore(points, node.max_points, True)
            else:
                scores[node.code] = NodeScore(ZERO, ZERO, False)
            continue
        child_scores = [(tree.node(code), scores[code]) for code in children]
        points = sum((score.points for _, score in child_scores), ZERO)
        applicable_max = sum((s.applicable_max for child, s in child_scores if not child.is_bonus), ZERO)
        applicable = any(score.applicable for _, score in child_scores)
        if node.is_bonus:
            points, applicable_max = min(points, node.max_points), node.max_points if applicable else ZERO
        scores[node.code] = NodeScore(points, applicable_max, applicable)

    roots = [(tree.node(code), scores[code]) for code in tree.roots]
    total_points = sum((score.points for _, score in roots), ZERO)
    total_max = sum((score.applicable_max for node, score in roots if not node.is_bonus), ZERO)
    if total_max <= 0:
        raise EngineError(
            Message(gettext_noop("agency %(agency)s has no applicable criteria"), {"agency": agency.key})
        )
    exact_index = total_points * HUNDRED / total_max
    area_indices = {
        area.code: publish_round(scores[area.code].points * HUNDRED / scores[area.code].applicable_max)
        if scores[area.code].applicable_max > 0
        else None
        for area in tree.areas
    }
    return AgencyResult(
        key=agency.key,
        nodes=scores,
        points=total_points,
        max_points=total_max,
        exact_index=exact_index,
        index=publish_round(exact_index),
        area_indices=area_indices,
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
        if area_indices.get(trigger.area_code) is not None and area_indices[trigger.area_code] < trigger.below
    )


def compute_block(
    tree: CriteriaTree,
    rules: BlockRules,
    agencies: Iterable[AgencyInput],
    previous_ranks: Mapping[str, int] | None = None,
) -> list[AgencyResult]:
    """Results of every agency of one block, best first; decisions use the published (rounded) values."""
    previous_ranks = previous_ranks or {}
    computed = [compute_agency(tree, agency) for agency in agencies]
    ranks = rank_indices(((r.key, r.index, r.exact_index) for r in computed), rules.tie_rule)
    results = []
    for result in computed:
        rank = ranks[result.key]
        previous = previous_ranks.get(result.key)
        results.append(
            replace(
                result,
                band=decide_band(result.index, rules),
                head_class=decide_head_class(result.index, result.area_indices, rules),
                review_flags=decide_review_flags(result.area_indices, rules),
                rank=rank,
                rank_change=None if previous is None else previous - rank,
            )
        )
    results.sort(key=lambda r: (r.rank, -r.exact_index, r.key))
    return results
