"""The engine at the edges (issue 12): rounding once, leaves without input, bonus and area indices,
one-value threshold bands, agencies scored but not ranked. Exact Decimals, no database."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine import (
    AgencyInput,
    Band,
    BlockRules,
    CriteriaTree,
    HeadClassRule,
    LeafInput,
    Node,
    compute_agency,
    compute_block,
    leaf_points,
    publish_round,
    stored_exact,
    validate_rule_params,
)
from scoring.engine.compute import STORED_PLACES


def leaf(code, max_points, rule="manual", parent=None, bonus=False, **params):
    return Node(code, code, D(max_points), parent, rule, params, is_bonus=bonus)


RULES = BlockRules(
    bands=(Band("A", "≥90", D(90)), Band("B", "80–<90", D(80)), Band("C", "<80", D(0))),
    head_rules=(
        HeadClassRule("excellent", D(90), D(80)),
        HeadClassRule("good", D(80), D(70)),
        HeadClassRule("completed", D(65), D(50)),
    ),
)


# --- 1. points are rounded once, half up ----------------------------------------------------------------

HUNDRED_TREE = CriteriaTree(
    (Node("1", "", D(100), is_area=True), leaf("1.1", "100", parent="1", step="0.000001"))
)


@pytest.mark.parametrize(
    ("raw", "published"),
    [
        ("89.994999", "89.99"),
        ("88.125", "88.13"),
        ("89.995", "90.00"),
        ("0.005", "0.01"),
        ("0.004999", "0.00"),
        ("88.135", "88.14"),
    ],
)
def test_points_and_index_publish_alike_from_the_stored_value(raw, published):
    """Points of 100 publish exactly like the index: the exact value rounded once, half up."""
    result = compute_agency(HUNDRED_TREE, AgencyInput("a", {"1.1": LeafInput(points=D(raw))}))
    assert result.points == D(raw)
    assert publish_round(stored_exact(result.points)) == D(published)
    assert result.index == D(published)
    assert result.area_indices["1"] == D(published)


def test_a_stored_value_keeps_every_digit_of_the_engine():
    """2/3 of a point is stored with all the engine's 28 digits, not rounded at 4 places."""
    node = leaf("7.1", "2", "proportional", target="3")
    exact = leaf_points(node, LeafInput(value=D(1)))
    assert exact == D(2) / D(3)
    assert stored_exact(exact) == exact  # every digit kept
    assert stored_exact(exact).as_tuple().exponent == -STORED_PLACES
    assert stored_exact(D("0.6667")) != exact  # what 4 stored places made of it


@st.composite
def trees_with_inputs(draw):
    """Areas of manual, proportional (any target), survey and deduction leaves; maybe a bonus area child."""
    nodes, leaves = [], {}
    survey = {}
    for area in range(1, draw(st.integers(1, 3)) + 1):
        children = []
        for number in range(1, draw(st.integers(1, 4)) + 1):
            code = f"{area}.{number}"
            kind = draw(st.sampled_from(["manual", "proportional", "survey", "deduction"]))
            max_points = D(draw(st.integers(1, 4000))) / 100
            if kind == "manual":
                children.append(leaf(code, max_points, parent=str(area)))
                leaves[code] = LeafInput(points=D(draw(st.integers(0, int(max_points * 100)))) / 100)
            elif kind == "proportional":
                target = D(draw(st.integers(1, 10**7))) / D(10 ** draw(st.integers(0, 4)))
                children.append(leaf(code, max_points, "proportional", parent=str(area), target=str(target)))
                leaves[code] = LeafInput(
                    value=D(draw(st.integers(0, 10**7))) / D(10 ** draw(st.integers(0, 4)))
                )
            elif kind == "survey":
                children.append(leaf(code, max_points, "survey", parent=str(area)))
                survey[code] = D(draw(st.integers(0, 10**6))) / D(10**6)
            else:
                children.append(leaf(code, max_points, "deduction", parent=str(area), penalty="0.25"))
                leaves[code] = LeafInput(value=D(draw(st.integers(0, 20))))
        if draw(st.booleans()):
            children.append(leaf(f"{area}.9", "1", parent=str(area), bonus=True))
            leaves[f"{area}.9"] = LeafInput(points=D(draw(st.integers(0, 100))) / 100)
        area_max = sum((c.max_points for c in children if not c.is_bonus), D(0))
        nodes.append(Node(str(area), "", area_max, is_area=True))
        nodes.extend(children)
    return CriteriaTree(tuple(nodes)), AgencyInput("a", leaves, survey)


@settings(max_examples=300, deadline=None)
@given(trees_with_inputs())
def test_every_published_point_figure_is_the_exact_one_rounded_once(case):
    """Over random trees, each node's points and the total publish the same from the stored value as
    from the engine's exact value (no double rounding at any boundary)."""
    tree, agency = case
    result = compute_agency(tree, agency)
    for score in [*result.nodes.values()]:
        assert publish_round(stored_exact(score.points)) == publish_round(score.points)
    assert publish_round(stored_exact(result.points)) == publish_round(result.points)
    # The reader's check (domain.md §4): the published points ÷ the applicable max give the published index.
    assert result.index == publish_round(publish_round(result.points) * 100 / result.max_points)
    for area in tree.areas:
        score = result.nodes[area.code]
        if not score.bonus_points and score.applicable_max:
            published = publish_round(score.points)
            assert result.area_indices[area.code] == publish_round(published * 100 / score.applicable_max)


# The max is not 100 once a node is not applicable (or by the set's design): exact points 88.195 of 98.
NINETY_EIGHT = CriteriaTree(
    (
        Node("1", "", D(100), is_area=True),
        leaf("1.1", "86", parent="1"),
        leaf("1.2", "12", "proportional", parent="1", target="12000"),
        leaf("1.3", "2", parent="1"),
    )
)


@pytest.mark.parametrize(
    ("achieved", "points", "index"),
    [
        ("2195", "88.20", "90.00"),  # 88.195: the exact index 89.9949 would publish as 89.99
        ("2194", "88.19", "89.99"),  # 88.194
        ("2170", "88.17", "89.97"),  # 88.17 → 89.9693…
    ],
)
def test_the_published_points_divided_by_the_max_give_the_published_index(achieved, points, index):
    """A reader who divides the published points by the max gets the published index, and the band and
    head class follow that index: 88,20 of 98 is 90,00, not the 89,99 of the unrounded 88.195."""
    agency = AgencyInput(
        "a",
        {
            "1.1": LeafInput(points=D(86)),
            "1.2": LeafInput(value=D(achieved)),
            "1.3": LeafInput(applicable=False),
        },
    )
    result = compute_agency(NINETY_EIGHT, agency)
    assert (publish_round(result.points), result.max_points) == (D(points), D(98))
    assert result.index == D(index) == result.area_indices["1"]


# --- 2. a leaf without input scores 0 under every rule, and is listed -------------------------------------

EVERY_RULE = CriteriaTree(
    (
        Node("1", "", D(12), is_area=True),
        leaf("1.1", "2", "manual", parent="1"),
        leaf("1.2", "2", "levels", parent="1", levels=[{"key": "a", "points": "2"}]),
        leaf("1.3", "2", "threshold", parent="1", bands=[{"min": None, "max": None, "points": "2"}]),
        leaf("1.4", "2", "proportional", parent="1", target="10"),
        leaf("1.5", "2", "deduction", parent="1", penalty="0.5"),
        leaf("1.6", "2", "survey", parent="1"),
    )
)


def test_a_leaf_without_input_scores_zero_under_every_rule():
    """No input is 0 points, deduction included (it used to count as "no events", full marks)."""
    result = compute_agency(EVERY_RULE, AgencyInput("a", {}))
    assert {code: result.nodes[code].points for code in ("1.1", "1.2", "1.3", "1.4", "1.5", "1.6")} == {
        code: D(0) for code in ("1.1", "1.2", "1.3", "1.4", "1.5", "1.6")
    }
    assert result.points == D(0)
    assert result.unscored == ("1.1", "1.2", "1.3", "1.4", "1.5", "1.6")


def test_zero_events_is_an_input_and_full_marks():
    """A count of 0 is an input: max points, not listed."""
    result = compute_agency(EVERY_RULE, AgencyInput("a", {"1.5": LeafInput(value=D(0))}, {"1.6": D(0)}))
    assert result.nodes["1.5"].points == D(2)
    assert result.nodes["1.6"].points == D(0)
    assert result.unscored == ("1.1", "1.2", "1.3", "1.4")


def test_a_leaf_not_applicable_is_not_unscored():
    result = compute_agency(
        EVERY_RULE,
        AgencyInput(
            "a",
            {
                "1.1": LeafInput(points=D(1)),
                "1.2": LeafInput(applicable=False),
                "1.3": LeafInput(value=D(3)),
                "1.4": LeafInput(value=D(5)),
                "1.5": LeafInput(value=D(1)),
            },
            {"1.6": D("0.5")},
        ),
    )
    assert result.unscored == ()
    assert (result.points, result.max_points) == (D("6.5"), D(10))


# --- 3. bonus points never enter an area index ------------------------------------------------------------

BONUS_IN_AREA = CriteriaTree(
    (
        Node("1", "", D(10), is_area=True),
        leaf("1.1", "10", parent="1"),
        Node("1.9", "", D(1), "1", is_bonus=True),
        leaf("1.9.1", "2", parent="1.9"),
        Node("2", "", D(10), is_area=True),
        leaf("2.1", "10", parent="2"),
    )
)


def test_a_bonus_inside_an_area_counts_in_the_total_not_in_the_area_index():
    """Area 1: 10 of 10 plus a bonus capped at 1: area index 100,00, total 19 of 20 = 95,00."""
    inputs = {"1.1": LeafInput(points=D(10)), "1.9.1": LeafInput(points=D(2)), "2.1": LeafInput(points=D(8))}
    result = compute_agency(BONUS_IN_AREA, AgencyInput("a", inputs))
    assert result.nodes["1.9"].points == D(1)  # a bonus node's cap is its max
    assert result.nodes["1"].points == D(11)
    assert result.area_indices == {"1": D("100.00"), "2": D("80.00")}
    assert (result.points, result.max_points, result.index) == (D(19), D(20), D("95.00"))


def test_a_bonus_cannot_lift_an_area_over_a_head_class_floor():
    """Area 1 at 69 % stays 69 % whatever its bonus, so the head is 'completed', not 'good'."""
    tree = CriteriaTree(
        (
            Node("1", "", D(100), is_area=True),
            leaf("1.1", "100", parent="1", step="0.01"),
            leaf("1.2", "5", parent="1", bonus=True),
            Node("2", "", D(100), is_area=True),
            leaf("2.1", "100", parent="2", step="0.01"),
        )
    )
    inputs = {"1.1": LeafInput(points=D(69)), "1.2": LeafInput(points=D(5)), "2.1": LeafInput(points=D(100))}
    result = compute_block(tree, RULES, [AgencyInput("a", inputs)])[0]
    assert result.area_indices["1"] == D("69.00")
    assert result.index == D("87.00")
    assert result.head_class == "completed"


# --- 4. a threshold band of one value ----------------------------------------------------------------------

ONE_VALUE = [
    {"min": "0", "max": "0", "max_inclusive": True, "points": "1"},
    {"min": "0", "min_inclusive": False, "max": "5", "max_inclusive": True, "points": "0.5"},
    {"min": "5", "min_inclusive": False, "max": None, "points": "0"},
]


def test_a_band_of_one_value_is_valid_and_scores():
    """0 % of tasks late → 1 point: the band [0, 0] with both bounds included."""
    assert validate_rule_params("threshold", {"bands": ONE_VALUE}, D(1)) == []
    node = leaf("1.10", "1", "threshold", bands=ONE_VALUE)
    assert leaf_points(node, LeafInput(value=D(0))) == D(1)
    assert leaf_points(node, LeafInput(value=D("0.001"))) == D("0.5")
    assert leaf_points(node, LeafInput(value=D("5"))) == D("0.5")


@pytest.mark.parametrize(
    "band",
    [
        {"min": "0", "max": "0", "points": "1"},  # max excluded by default
        {"min": "0", "max": "0", "min_inclusive": False, "max_inclusive": True, "points": "1"},
        {"min": "1", "max": "0", "min_inclusive": True, "max_inclusive": True, "points": "1"},
    ],
)
def test_an_empty_band_is_refused(band):
    problems = validate_rule_params("threshold", {"bands": [band]}, D(1))
    assert any("must be below max" in str(problem) for problem in problems), [str(p) for p in problems]


# --- 5. agencies scored but not ranked --------------------------------------------------------------------


def one_leaf_agency(key, points, ranked=True):
    return AgencyInput(key, {"1.1": LeafInput(points=D(points))}, ranked=ranked)


def test_an_agency_not_ranked_is_classified_but_takes_no_rank_or_band():
    """The unranked agency (index 95) is outside the ranks, bands and rank changes; its head class is
    decided; the others rank 1, 2 as if it were absent."""
    results = compute_block(
        HUNDRED_TREE,
        RULES,
        [
            one_leaf_agency("a", "85"),
            one_leaf_agency("special", "95", ranked=False),
            one_leaf_agency("b", "91"),
        ],
        previous_ranks={"special": 1, "b": 3},
    )
    assert [(r.key, r.rank, r.band, r.rank_change, r.ranked) for r in results] == [
        ("b", 1, "A", 2, True),
        ("a", 2, "B", None, True),
        ("special", None, None, None, False),
    ]
    special = results[2]
    assert (special.index, special.area_indices["1"], special.head_class) == (
        D("95.00"),
        D("95.00"),
        "excellent",
    )
