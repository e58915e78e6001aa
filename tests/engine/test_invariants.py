"""Invariants of the engine over random trees and inputs (hypothesis)."""

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine import AgencyInput, CriteriaTree, LeafInput, Node, compute_agency, rank_indices
from scoring.engine.ranking import TIE_RULES

QUARTERS = st.integers(min_value=1, max_value=40).map(lambda q: D(q) / 4)


@st.composite
def trees(draw):
    """1–4 areas, each with 1–4 criteria that are leaves or have 1–3 manual leaves; maxima in quarters."""
    nodes = []
    for area_number in range(1, draw(st.integers(1, 4)) + 1):
        area_children = []
        for criterion_number in range(1, draw(st.integers(1, 4)) + 1):
            code = f"{area_number}.{criterion_number}"
            if draw(st.booleans()):
                leaves = [
                    Node(f"{code}.{n}", "", draw(QUARTERS), code, "manual")
                    for n in range(1, draw(st.integers(1, 3)) + 1)
                ]
                area_children.append(
                    (Node(code, "", sum(leaf.max_points for leaf in leaves), str(area_number)), leaves)
                )
            else:
                area_children.append((Node(code, "", draw(QUARTERS), str(area_number), "manual"), []))
        area_max = sum(node.max_points for node, _ in area_children)
        nodes.append(Node(str(area_number), "", area_max, is_area=True))
        for node, leaves in area_children:
            nodes.append(node)
            nodes.extend(leaves)
    return CriteriaTree(tuple(nodes))


@st.composite
def tree_and_inputs(draw):
    tree = draw(trees())
    inputs = {}
    for leaf in tree.leaves:
        quarters = draw(st.integers(0, int(leaf.max_points * 4)))
        inputs[leaf.code] = LeafInput(
            applicable=draw(st.booleans()) or leaf is tree.leaves[0], points=D(quarters) / 4
        )
    return tree, inputs


@settings(max_examples=100, deadline=None)
@given(tree_and_inputs())
def test_index_lies_between_0_and_100_without_bonus(case):
    tree, inputs = case
    result = compute_agency(tree, AgencyInput("a", inputs))
    assert D(0) <= result.index <= D(100)
    assert result.points <= result.max_points


@settings(max_examples=100, deadline=None)
@given(tree_and_inputs(), st.data())
def test_not_applicable_leaf_is_as_if_it_were_not_in_the_tree(case, data):
    """Marking a leaf not applicable gives the same totals as removing it (and any parent left empty)."""
    tree, inputs = case
    applicable = [leaf for leaf in tree.leaves if inputs[leaf.code].applicable]
    if len(applicable) < 2:
        return
    dropped = data.draw(st.sampled_from(applicable))
    marked = compute_agency(tree, AgencyInput("a", {**inputs, dropped.code: LeafInput(applicable=False)}))
    removed = {dropped.code}
    while True:  # parents whose every child is removed go too, and their max with them
        empty = {
            n.code
            for n in tree.nodes
            if n.code not in removed and tree.children(n.code) and set(tree.children(n.code)) <= removed
        }
        if not empty:
            break
        removed |= empty
    kept = []
    for node in tree.nodes:
        if node.code in removed:
            continue
        lost = sum(
            (tree.node(c).max_points for c in _descendant_leaves(tree, node.code) if c in removed), D(0)
        )
        kept.append(
            Node(
                node.code,
                node.title,
                node.max_points - lost,
                node.parent_code,
                node.rule,
                node.params,
                node.is_area,
            )
        )
    smaller = compute_agency(CriteriaTree(tuple(kept)), AgencyInput("a", inputs))
    assert (marked.points, marked.max_points, marked.index) == (
        smaller.points,
        smaller.max_points,
        smaller.index,
    )


def _descendant_leaves(tree, code):
    if tree.is_leaf(code):
        return [code]
    return [leaf for child in tree.children(code) for leaf in _descendant_leaves(tree, child)]


INDICES = st.lists(st.integers(0, 10000).map(lambda i: D(i) / 100), min_size=1, max_size=30)


@settings(max_examples=150, deadline=None)
@given(INDICES, st.randoms(use_true_random=False), st.sampled_from(TIE_RULES))
def test_ranking_is_a_pure_function_of_the_indices(indices, random, tie_rule):
    """Shuffling the agencies changes no rank; equal indices share a rank; ranks are competition ranks."""
    entries = [(f"a{n}", index, index) for n, index in enumerate(indices)]
    ranks = rank_indices(entries, tie_rule)
    shuffled = entries[:]
    random.shuffle(shuffled)
    assert rank_indices(shuffled, tie_rule) == ranks
    for key, index, _ in entries:
        assert ranks[key] == 1 + sum(other > index for _, other, _ in entries)
