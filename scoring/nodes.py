"""Criteria rows → the engine's values: the one node converter, the tree order and depth walk, and a
leaf's stored input as the engine reads it. Every caller (computation, self-assessment, appraisal,
measured data, the sample, reports) converts through here, so a node means the same thing everywhere."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from . import engine
from .models import CriteriaNode, CriteriaSet


def ordered_nodes(nodes: list[CriteriaNode]) -> list[CriteriaNode]:
    """Depth-first order (parents before children, siblings by position), whatever order rows came in."""
    children: dict[int | None, list[CriteriaNode]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    for siblings in children.values():
        siblings.sort(key=lambda n: (n.position, n.code))
    ordered: list[CriteriaNode] = []
    stack = list(reversed(children[None]))
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(children[node.id]))
    return ordered


def node_depths(ordered: Iterable[CriteriaNode]) -> dict[int, int]:
    """Node id → depth (0 for a root), for nodes in `ordered_nodes` order (parents first)."""
    depth: dict[int, int] = {}
    for node in ordered:
        depth[node.id] = 0 if node.parent_id is None else depth[node.parent_id] + 1
    return depth


def engine_node(node: CriteriaNode, parent_code: str | None = None) -> engine.Node:
    """One criteria row as the engine's node: an empty rule is no rule, empty parameters are {}."""
    return engine.Node(
        code=node.code,
        title=node.title,
        max_points=node.max_points,
        parent_code=parent_code,
        rule=node.rule or None,
        params=node.rule_params or {},
        is_area=node.is_area,
        is_bonus=node.is_bonus,
    )


def engine_tree(nodes: list[CriteriaNode]) -> engine.CriteriaTree:
    by_id = {node.id: node for node in nodes}
    return engine.CriteriaTree(
        tuple(
            engine_node(node, by_id[node.parent_id].code if node.parent_id else None)
            for node in ordered_nodes(nodes)
        )
    )


def engine_rules(criteria_set: CriteriaSet, bands, head_rules, triggers) -> engine.BlockRules:
    return engine.BlockRules(
        bands=tuple(engine.Band(b.code, b.label, b.min_index) for b in bands),
        head_rules=tuple(
            engine.HeadClassRule(r.head_class, r.min_index, r.min_area_index) for r in head_rules
        ),
        review_triggers=tuple(engine.ReviewTrigger(t.area_code, t.below) for t in triggers),
        tie_rule=criteria_set.tie_rule,
    )


def leaf_input(applicable: bool, data: dict | None) -> engine.LeafInput:
    data = data or {}

    def number(key):
        return None if data.get(key) in (None, "") else engine.rules.to_decimal(data[key], key)

    return engine.LeafInput(
        applicable=applicable,
        points=number("points"),
        level=None if data.get("level") in (None, "") else str(data["level"]),
        value=number("value"),
        target=number("target"),
    )
