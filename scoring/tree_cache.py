"""The criteria tree of a set, read once per process and revision: the ordered nodes, their depth and
area, the leaves and the engine's tree, which every autosave and page of the self-assessment needs.

The key is the set's id and `CriteriaSet.revision`, which every change of the set's nodes or rules
bumps in the change's own transaction (scoring/signals.py). A reader that loaded the set row therefore
never sees an older tree under a newer revision, so each process may keep its own copy: there is
nothing to invalidate across processes, and a hit costs no query, no network round trip and no
unpickling (a shared Redis cache would cost all three for ~160 small rows).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from . import engine
from .models import CriteriaNode, CriteriaSet
from .nodes import engine_tree, ordered_nodes

MAX_TREES = 64  # sets × revisions kept per process: a province has 2–3 blocks per period


@dataclass(frozen=True)
class CachedTree:
    criteria_set_id: int
    revision: int
    nodes: tuple[CriteriaNode, ...]  # depth-first: parents before children, siblings by position
    by_id: dict[int, CriteriaNode]
    depth: dict[int, int]
    area_of: dict[int, str | None]  # node id → code of its area (None above the areas)
    leaf_ids: frozenset[int]
    engine: engine.CriteriaTree
    has_survey: bool

    def ancestors(self, node_id: int) -> list[CriteriaNode]:
        """The node and its ancestors, root last."""
        chain, current = [], self.by_id.get(node_id)
        while current is not None:
            chain.append(current)
            current = self.by_id.get(current.parent_id) if current.parent_id else None
        return chain


_trees: OrderedDict[tuple[int, int], CachedTree] = OrderedDict()
_lock = threading.Lock()


def criteria_tree(criteria_set: CriteriaSet) -> CachedTree:
    """The set's tree at the revision of `criteria_set` as the caller read it (one query on a miss)."""
    key = (criteria_set.pk, criteria_set.revision)
    with _lock:
        tree = _trees.get(key)
        if tree is not None:
            _trees.move_to_end(key)
            return tree
    tree = _build(criteria_set)
    with _lock:
        _trees[key] = tree
        while len(_trees) > MAX_TREES:
            _trees.popitem(last=False)
    return tree


def criteria_tree_clear() -> None:
    """Forgets every tree of this process (tests)."""
    with _lock:
        _trees.clear()


def _build(criteria_set: CriteriaSet) -> CachedTree:
    # guidance and expected evidence are long texts the pages read from here too, so they stay loaded
    nodes = ordered_nodes(list(CriteriaNode.objects.filter(criteria_set_id=criteria_set.pk)))
    parent_ids = {node.parent_id for node in nodes if node.parent_id}
    depth: dict[int, int] = {}
    area_of: dict[int, str | None] = {}
    for node in nodes:
        depth[node.id] = depth[node.parent_id] + 1 if node.parent_id else 0
        area_of[node.id] = node.code if node.is_area else area_of.get(node.parent_id)
    return CachedTree(
        criteria_set_id=criteria_set.pk,
        revision=criteria_set.revision,
        nodes=tuple(nodes),
        by_id={node.id: node for node in nodes},
        depth=depth,
        area_of=area_of,
        leaf_ids=frozenset(node.id for node in nodes if node.id not in parent_ids),
        engine=engine_tree(nodes) if nodes else engine.CriteriaTree(()),
        has_survey=any(node.rule == "survey" for node in nodes),
    )
