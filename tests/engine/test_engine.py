"""The scoring engine, without a database: each rule, the totals, and each decision, with exact Decimals."""

import re
from decimal import Decimal as D

import pytest

from scoring.engine import (
    AgencyInput,
    Band,
    BlockRules,
    CriteriaTree,
    EngineError,
    HeadClassRule,
    LeafInput,
    Node,
    ReviewTrigger,
    compute_agency,
    compute_block,
    leaf_points,
    publish_round,
    rank_indices,
    validate_rule_params,
)

HAI_DUONG_RULES = BlockRules(
    bands=(Band("tu-90", "≥90", D(90)), Band("80-90", "80–<90", D(80)), Band("duoi-80", "<80", D(0))),
    head_rules=(
        HeadClassRule("excellent", D(90), D(80)),
        HeadClassRule("good", D(80), D(70)),
        HeadClassRule("completed", D(65), D(50)),
    ),
    review_triggers=(ReviewTrigger("3", D(75)), ReviewTrigger("7", D(75))),
)


def leaf(code, max_points, rule="manual", parent=None, **params):
    return Node(code=code, title=code, max_points=D(max_points), parent_code=parent, rule=rule, params=params)


# --- rules -------------------------------------------------------------------------------------------


def test_manual_points_within_max_and_step():
    """Manual points are taken as entered when within 0…max and on the step."""
    node = leaf("1.1", "2", step="0.25")
    assert leaf_points(node, LeafInput(points=D("1.75"))) == D("1.75")
    assert leaf_points(node, LeafInput()) == D(0)


@pytest.mark.parametrize("points", ["2.25", "-0.25", "1.1"])
def test_manual_points_off_range_or_step_are_refused(points):
    """Points above max, below 0 or off the step are refused, naming the leaf."""
    refusal = rf"^1\.1: points {re.escape(points)} (outside 0…2|are not a multiple of the step 0\.25)$"
    with pytest.raises(EngineError, match=refusal) as error:
        leaf_points(leaf("1.1", "2", step="0.25"), LeafInput(points=D(points)))
    assert error.value.code == "1.1"


def test_levels_give_the_level_points():
    """A named level gives its points; an unknown level is refused."""
    node = leaf(
        "1.2", "1", "levels", levels=[{"key": "dung-han", "points": "1"}, {"key": "cham", "points": "0.5"}]
    )
    assert leaf_points(node, LeafInput(level="cham")) == D("0.5")
    with pytest.raises(EngineError, match=re.escape("1.2: unknown level 'khong-co'")):
        leaf_points(node, LeafInput(level="khong-co"))


LATE_TASKS = leaf(
    "1.10",
    "1",
    "threshold",
    bands=[
        {"min": None, "max": "0", "max_inclusive": True, "points": "1"},
        {"min": "0", "min_inclusive": False, "max": "5", "max_inclusive": True, "points": "0.5"},
        {"min": "5", "min_inclusive": False, "max": None, "points": "0"},
    ],
)


@pytest.mark.parametrize(
    ("late", "points"), [("0", "1"), ("0.01", "0.5"), ("5", "0.5"), ("5.01", "0"), ("40", "0")]
)
def test_threshold_bands_with_inclusive_bounds(late, points):
    """Vân Đồn's 'tasks late ≤5% → ½ point': bounds are inclusive or exclusive as configured."""
    assert leaf_points(LATE_TASKS, LeafInput(value=D(late))) == D(points)


def test_threshold_default_bounds_are_min_inclusive_max_exclusive():
    """[80, 100) → 0,5 and [100, ∞) → 1: exactly 100 scores 1."""
    node = leaf(
        "x",
        "1",
        "threshold",
        bands=[
            {"min": None, "max": "80", "points": "0"},
            {"min": "80", "max": "100", "points": "0.5"},
            {"min": "100", "max": None, "points": "1"},
        ],
    )
    assert leaf_points(node, LeafInput(value=D("99.99"))) == D("0.5")
    assert leaf_points(node, LeafInput(value=D("100"))) == D("1")


def test_proportional_is_capped_and_takes_an_agency_target():
    """max × achieved ÷ target, never above max; an agency's own target overrides the rule's."""
    node = leaf("7.1", "2", "proportional", target="100")
    assert leaf_points(node, LeafInput(value=D("87.5"))) == D("1.75")
    assert leaf_points(node, LeafInput(value=D("130"))) == D("2")
    assert leaf_points(node, LeafInput(value=D("40"), target=D("50"))) == D("1.6")


def test_deduction_is_floored_at_zero():
    """max − penalty × events, never below 0."""
    node = leaf("5.5", "2.5", "deduction", penalty="0.5")
    assert leaf_points(node, LeafInput(value=D(2))) == D("1.5")
    assert leaf_points(node, LeafInput(value=D(9))) == D(0)
    assert leaf_points(node, LeafInput(value=D(0))) == D("2.5")


def test_survey_is_max_times_value():
    """Survey points = max × the aggregated value; a value outside 0…1 is refused."""
    node = leaf("8.1", "18.5", "survey")
    assert leaf_points(node, LeafInput(), D("0.9")) == D("16.65")
    with pytest.raises(EngineError, match=re.escape("8.1: survey value 1.2 outside 0…1")):
        leaf_points(node, LeafInput(), D("1.2"))


@pytest.mark.parametrize(
    ("rule", "params", "expected"),
    [
        (
            "threshold",
            {"bands": [{"min": None, "max": "5", "points": "1"}, {"min": "4", "max": None, "points": "0"}]},
            "overlap",
        ),
        (
            "threshold",
            {"bands": [{"min": None, "max": "5", "points": "1"}, {"min": "6", "max": None, "points": "0"}]},
            "gap between",
        ),
        (
            "threshold",
            {
                "bands": [
                    {"min": None, "max": "5", "max_inclusive": True, "points": "1"},
                    {"min": "5", "max": None, "points": "0"},
                ]
            },
            "both include",
        ),
        (
            "threshold",
            {
                "bands": [
                    {"min": None, "max": "5", "points": "1"},
                    {"min": "5", "min_inclusive": False, "max": None, "points": "0"},
                ]
            },
            "includes",
        ),
        ("threshold", {"bands": [{"min": None, "max": None, "points": "3"}]}, "must lie within"),
        ("manual", {"step": "0"}, "step must be positive"),
        ("manual", {"step": "0.3"}, "not a multiple of step"),
        ("deduction", {"penalty": "0"}, "penalty must be positive"),
        ("levels", {"levels": [{"key": "a", "points": "3"}]}, "must lie within"),
        ("levels", {"levels": [{"key": "a", "points": "1"}, {"key": "a", "points": "0"}]}, "appears twice"),
        ("percent", {}, "unknown rule"),
    ],
)
def test_rule_parameter_problems_are_named(rule, params, expected):
    """Each malformed rule is refused with a message that says what is wrong."""
    problems = validate_rule_params(rule, params, D("2"))
    assert any(expected in str(problem) for problem in problems), [str(p) for p in problems]


def test_valid_rule_parameters_have_no_problems():
    """The sample's rules validate clean."""
    assert validate_rule_params(LATE_TASKS.rule, LATE_TASKS.params, D(1)) == []


# --- totals ------------------------------------------------------------------------------------------


def tree_with_bonus():
    return CriteriaTree(
        (
            Node("3", "TTHC", D(6), is_area=True),
            leaf("3.1", "4", parent="3"),
            leaf("3.2", "2", parent="3"),
            Node("7", "CQĐT", D(4), is_area=True),
            leaf("7.1", "4", parent="7"),
            Node("9", "Thưởng", D(1), is_bonus=True),
            leaf("9.1", "2", parent="9"),
        )
    )


def test_index_is_points_over_applicable_max():
    """Index = points ÷ applicable max × 100; area index likewise."""
    result = compute_agency(
        tree_with_bonus(),
        AgencyInput(
            "a", {"3.1": LeafInput(points=D(3)), "3.2": LeafInput(points=D(2)), "7.1": LeafInput(points=D(3))}
        ),
    )
    assert (result.points, result.max_points, result.index) == (D(8), D(10), D("80.00"))
    assert result.area_indices == {"3": D("83.33"), "7": D("75.00")}


def test_not_applicable_leaf_leaves_points_and_max():
    """A not-applicable leaf drops out of both points and max."""
    result = compute_agency(
        tree_with_bonus(),
        AgencyInput(
            "a",
            {
                "3.1": LeafInput(points=D(3)),
                "3.2": LeafInput(applicable=False),
                "7.1": LeafInput(points=D(4)),
            },
        ),
    )
    assert (result.points, result.max_points) == (D(7), D(8))
    assert result.nodes["3"].applicable_max == D(4)


def test_fully_not_applicable_area_has_no_index():
    """An area with nothing applicable has no index (and no floor to meet)."""
    result = compute_agency(
        tree_with_bonus(),
        AgencyInput(
            "a",
            {
                "3.1": LeafInput(points=D(4)),
                "3.2": LeafInput(points=D(2)),
                "7.1": LeafInput(applicable=False),
            },
        ),
    )
    assert result.area_indices["7"] is None
    assert result.index == D("100.00")


def test_bonus_adds_to_points_not_max_and_is_capped():
    """Bonus points count toward the total, not the max, and stop at the bonus node's cap."""
    result = compute_agency(
        tree_with_bonus(),
        AgencyInput(
            "a",
            {
                "3.1": LeafInput(points=D(4)),
                "3.2": LeafInput(points=D(2)),
                "7.1": LeafInput(points=D(3)),
                "9.1": LeafInput(points=D(2)),
            },
        ),
    )
    assert (result.points, result.max_points, result.index) == (D(10), D(10), D("100.00"))


@pytest.mark.parametrize(
    ("exact", "published"),
    [("90.305", "90.31"), ("90.3049999", "90.30"), ("72.925", "72.93"), ("79.0649", "79.06")],
)
def test_published_index_rounds_half_up(exact, published):
    assert publish_round(D(exact)) == D(published)


# --- decisions ----------------------------------------------------------------------------------------


def agency(key, index, area3, area7):
    """An agency whose index and two area indices come out as given (areas of 100 points, the rest 1,000)."""
    tree = CriteriaTree(
        (
            Node("3", "TTHC", D(100), is_area=True),
            leaf("3.1", "100", parent="3", step="0.001"),
            Node("7", "CQĐT", D(100), is_area=True),
            leaf("7.1", "100", parent="7", step="0.001"),
            Node("8", "Khảo sát", D(1000)),
            leaf("8.1", "1000", parent="8", step="0.0001"),
        )
    )
    rest = D(index) * 12 - D(area3) - D(area7)
    return tree, AgencyInput(
        key,
        {"3.1": LeafInput(points=D(area3)), "7.1": LeafInput(points=D(area7)), "8.1": LeafInput(points=rest)},
    )


def decide(index, area3, area7):
    tree, agency_input = agency("a", index, area3, area7)
    return compute_block(tree, HAI_DUONG_RULES, [agency_input])[0]


@pytest.mark.parametrize(
    ("index", "area3", "area7", "head_class"),
    [
        ("92", "85", "80", "excellent"),
        ("92", "85", "79.99", "good"),  # ≥90 but an area under 80
        ("90", "85", "79.99", "good"),
        ("85", "72", "90", "good"),
        ("85", "69.99", "90", "completed"),  # the cascade: 80–90 with one area under 70
        ("72.93", "62.5", "61.11", "completed"),
        ("70", "49.99", "90", "not_completed"),
        ("64.99", "80", "80", "not_completed"),
    ],
)
def test_head_classes_first_rule_that_holds(index, area3, area7, head_class):
    assert decide(index, area3, area7).head_class == head_class


def test_bands_are_decided_on_the_published_index():
    """89,995 publishes as 90,00 and falls in the ≥90% band."""
    assert decide("89.995", "90", "90").band == "tu-90"
    assert decide("89.994", "90", "90").band == "80-90"


def test_review_flags_below_threshold_on_rounded_area_indices():
    """TTHC or e-government under 75% flags a review; exactly 75 does not; 74,996 rounds to 75,00."""
    assert decide("85", "74.99", "80").review_flags == ("3",)
    assert decide("85", "75", "74").review_flags == ("7",)
    assert decide("85", "74.996", "75").review_flags == ()


def test_ties_share_a_rank_and_rank_change_uses_the_previous_rank():
    """Equal published indices share a rank (1, 2, 2, 4); rank change = previous − current."""
    inputs = []
    tree = None
    for key, index in (("a", "91"), ("b", "85.004"), ("c", "85.001"), ("d", "80")):
        tree, agency_input = agency(key, index, "90", "90")
        inputs.append(agency_input)
    results = compute_block(tree, HAI_DUONG_RULES, inputs, previous_ranks={"a": 3, "b": 1})
    assert [(r.key, r.rank) for r in results] == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]
    assert [r.rank_change for r in results] == [2, -1, None, None]


def test_exact_tie_rule_breaks_ties_by_unrounded_index():
    ranks = rank_indices([("b", D("85.00"), D("85.001")), ("c", D("85.00"), D("85.004"))], "exact")
    assert ranks == {"c": 1, "b": 2}
