"""The engine at its edges: each comparison on both sides of its bound, each refusal by its exact words.

Written against the public calls (`leaf_points`, `validate_rule_params`, `compute_agency`,
`compute_block`, `rank_indices`) so that a `>=` turned `>`, a dropped check or a lost branch fails here
(see `make mutate`, docs/testing.md).
"""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine import (
    AgencyInput,
    Band,
    BlockRules,
    CriteriaTree,
    EngineError,
    HeadClassRule,
    LeafInput,
    Message,
    Node,
    ReviewTrigger,
    compute_agency,
    compute_block,
    leaf_points,
    publish_round,
    rank_indices,
    validate_rule_params,
)
from scoring.engine.rules import threshold_bands, to_decimal


def leaf(code="x", max_points="2", rule="manual", parent=None, **params):
    return Node(code=code, title=code, max_points=D(max_points), parent_code=parent, rule=rule, params=params)


def problems(rule, params, max_points="2"):
    return [str(problem) for problem in validate_rule_params(rule, params, D(max_points))]


def refusal(node, leaf_input, survey_value=None) -> str:
    with pytest.raises(EngineError) as refused:
        leaf_points(node, leaf_input, survey_value)
    assert refused.value.code == node.code
    return str(refused.value)


# --- numbers --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(D("1.50"), D("1.50")), (0.1, D("0.1")), (3, D(3)), (" 2,5 ", D("2.5")), ("-0", D("-0"))],
)
def test_numbers_are_read_exactly(value, expected):
    """Decimals pass as they are; floats go through their text; a decimal comma and spaces are accepted."""
    result = to_decimal(value)
    assert result == expected and str(result) == str(expected)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "value must be a number"),
        (True, "value must be a number"),
        (False, "value must be a number"),
        ("hai", "value must be a number, not 'hai'"),
        ("NaN", "value must be a finite number"),
        ("Infinity", "value must be a finite number"),
        (D("-Infinity"), "value must be a finite number"),
    ],
)
def test_what_is_not_a_finite_number_is_refused_by_name(value, message):
    with pytest.raises(EngineError) as refused:
        to_decimal(value)
    assert str(refused.value) == message
    assert refused.value.code is None


def test_a_refusal_names_what_was_not_a_number():
    with pytest.raises(EngineError, match=r"^step must be a number, not 'x'$"):
        to_decimal("x", "step")


# --- manual ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("points", ["0", "0.25", "2"])
def test_manual_points_on_the_bounds_are_taken(points):
    assert leaf_points(leaf(step="0.25"), LeafInput(points=D(points))) == D(points)


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("-0.01", "x: points -0.01 outside 0…2"),
        ("2.01", "x: points 2.01 outside 0…2"),
        ("0.1", "x: points 0.1 are not a multiple of the step 0.25"),
    ],
)
def test_manual_points_past_a_bound_or_off_the_step_are_refused(points, message):
    assert refusal(leaf(step="0.25"), LeafInput(points=D(points))) == message


def test_manual_points_without_a_step_take_any_value():
    assert leaf_points(leaf(), LeafInput(points=D("1.37"))) == D("1.37")
    assert leaf_points(leaf(), LeafInput(points="1,5")) == D("1.5")


def test_a_leaf_without_input_scores_zero_for_every_rule_deduction_included():
    """No entry yet scores 0 under every rule (issue 12): a deduction leaf nobody has counted earns
    nothing, while an entered count of 0 keeps the whole max."""
    nodes = [
        leaf(),
        leaf(rule="levels", levels=[{"key": "a", "points": "2"}]),
        leaf(rule="threshold", bands=[{"min": None, "max": None, "points": "2"}]),
        leaf(rule="proportional", target="10"),
        leaf(rule="survey"),
        leaf(rule="deduction", penalty="0.5"),
    ]
    for node in nodes:
        assert leaf_points(node, LeafInput()) == D(0), node.rule
    assert leaf_points(leaf(rule="deduction", penalty="0.5"), LeafInput(value=D(0))) == D(2)


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        ("0.5", []),
        ("2", []),
        ("0", ["step must be positive"]),
        ("-0.5", ["step must be positive"]),
        ("0.3", ["max 2 is not a multiple of step 0.3"]),
        ("3", ["max 2 is not a multiple of step 3"]),
        ("x", ["step must be a number, not 'x'"]),
        (True, ["step must be a number"]),
    ],
)
def test_manual_step_is_positive_and_divides_the_max(step, expected):
    assert problems("manual", {"step": step}) == expected


def test_manual_without_parameters_is_valid():
    assert problems("manual", None) == []
    assert problems("manual", {}) == []


# --- levels ---------------------------------------------------------------------------------------------


def test_levels_give_the_first_matching_level_and_refuse_an_unknown_one():
    node = leaf(rule="levels", levels=[{"key": "1", "points": "2"}, {"key": "b", "points": "0.5"}])
    assert leaf_points(node, LeafInput(level="b")) == D("0.5")
    assert leaf_points(node, LeafInput(level="1")) == D(2)  # keys compare as text
    assert refusal(node, LeafInput(level="c")) == "x: unknown level 'c'"


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ([{"key": "a", "points": "0"}, {"key": "b", "points": "2"}], []),
        (None, ["levels rule needs a non-empty list 'levels'"]),
        ([], ["levels rule needs a non-empty list 'levels'"]),
        ({"key": "a"}, ["levels rule needs a non-empty list 'levels'"]),
        (["a"], ["level 1 needs a key"]),
        ([{"key": "a", "points": "1"}, {"key": " ", "points": "1"}], ["level 2 needs a key"]),
        ([{"points": "1"}], ["level 1 needs a key"]),
        (
            [{"key": "a", "points": "1"}, {"key": "a", "points": "1"}, {"key": "a", "points": "9"}],
            [
                "level key a appears twice",
                "level key a appears twice",
                "points of level a (9) must lie within 0…2",
            ],
        ),
        ([{"key": "a"}], ["points of level a must be a number"]),
        ([{"key": "a", "points": "-0.01"}], ["points of level a (-0.01) must lie within 0…2"]),
        ([{"key": "a", "points": "2.01"}], ["points of level a (2.01) must lie within 0…2"]),
        (
            [{"key": "a", "points": "z"}, {"key": "b", "points": "3"}],
            ["points of level a must be a number, not 'z'", "points of level b (3) must lie within 0…2"],
        ),
    ],
)
def test_levels_parameters(levels, expected):
    assert problems("levels", {"levels": levels}) == expected


# --- threshold ------------------------------------------------------------------------------------------


def band(low, high, points="1", **flags):
    return {"min": low, "max": high, "points": points, **flags}


@pytest.mark.parametrize(
    ("flags", "value", "points"),
    [
        ({}, "5", "1"),  # min inclusive by default
        ({}, "4.99", None),
        ({}, "9.99", "1"),
        ({}, "10", None),  # max exclusive by default
        ({"min_inclusive": False}, "5", None),
        ({"min_inclusive": False}, "5.01", "1"),
        ({"max_inclusive": True}, "10", "1"),
        ({"max_inclusive": True}, "10.01", None),
    ],
)
def test_one_band_on_both_sides_of_each_bound(flags, value, points):
    node = leaf(rule="threshold", bands=[band("5", "10", **flags)])
    if points is None:
        assert refusal(node, LeafInput(value=D(value))) == f"x: measured value {value} falls in no band"
    else:
        assert leaf_points(node, LeafInput(value=D(value))) == D(points)


def test_open_bands_reach_every_value():
    node = leaf(rule="threshold", bands=[band(None, "0", "2", max_inclusive=True), band("0", None, "0.5")])
    assert leaf_points(node, LeafInput(value=D("-1000000"))) == D(2)
    assert leaf_points(node, LeafInput(value=D("0"))) == D(2)
    assert leaf_points(node, LeafInput(value=D("0.001"))) == D("0.5")
    assert leaf_points(node, LeafInput(value="1000000")) == D("0.5")


def test_threshold_bands_are_parsed_with_their_defaults():
    assert threshold_bands({"bands": [{"min": "", "max": "3,5", "points": 1}]}) == [
        {"min": None, "max": D("3.5"), "min_inclusive": True, "max_inclusive": False, "points": D(1)}
    ]
    assert threshold_bands({}) == []


@pytest.mark.parametrize(
    ("bands", "expected"),
    [
        ([band(None, "5", "0"), band("5", "8", "2"), band("8", None, "1")], []),
        (None, ["threshold rule needs a non-empty list 'bands'"]),
        ([], ["threshold rule needs a non-empty list 'bands'"]),
        ([band(None, None), "b"], ["band 2 must be an object"]),
        ([band(None, "5", "x"), band("5", None)], ["points of band 1 must be a number, not 'x'"]),
        ([band(None, "5", "1"), band("5", None, None)], ["points of band 2 must be a number"]),
        ([band(None, "x")], ["max of band 1 must be a number, not 'x'"]),
        ([band("x", None)], ["min of band 1 must be a number, not 'x'"]),
        ([band(None, None, "-0.01")], ["points of band 1 (-0.01) must lie within 0…2"]),
        ([band(None, None, "2.01")], ["points of band 1 (2.01) must lie within 0…2"]),
        ([band("5", "5")], ["band 1: min 5 must be below max 5, or equal to it with both bounds included"]),
        (
            [band("5", "5", min_inclusive=False, max_inclusive=True)],
            ["band 1: min 5 must be below max 5, or equal to it with both bounds included"],
        ),
        ([band("5", "5", max_inclusive=True)], []),  # a band of one value, both bounds included
        (
            [band("6", "5", max_inclusive=True)],
            ["band 1: min 6 must be below max 5, or equal to it with both bounds included"],
        ),
        ([band("6", "5")], ["band 1: min 6 must be below max 5, or equal to it with both bounds included"]),
        ([band("4.99", "5")], []),
        (
            [band(None, "5"), band(None, "8"), band("8", None)],
            ["band 2: only the first band may have an open min"],
        ),
        ([band(None, None), band("5", None)], ["band 1: only the last band may have an open max"]),
        ([band(None, "5"), band("5.01", None)], ["gap between band 1 and band 2 (5…5.01)"]),
        ([band(None, "5"), band("4.99", None)], ["band 1 and band 2 overlap (4.99…5)"]),
        (
            [band(None, "5", max_inclusive=True), band("5", None)],
            ["band 1 and band 2 both include 5"],
        ),
        (
            [band(None, "5"), band("5", None, min_inclusive=False)],
            ["neither band 1 nor band 2 includes 5"],
        ),
        ([band(None, "5", max_inclusive=True), band("5", None, min_inclusive=False)], []),
        (
            [band(None, "1"), band("1", "2"), band("2.5", "3"), band("2.9", None)],
            ["gap between band 2 and band 3 (2…2.5)", "band 3 and band 4 overlap (2.9…3)"],
        ),
    ],
)
def test_threshold_parameters(bands, expected):
    assert problems("threshold", {"bands": bands}) == expected


# --- proportional, deduction, survey -------------------------------------------------------------------


def test_proportional_on_both_sides_of_the_target():
    node = leaf(max_points="2", rule="proportional", target="80")
    assert leaf_points(node, LeafInput(value=D(0))) == D(0)
    assert leaf_points(node, LeafInput(value=D(60))) == D("1.5")
    assert leaf_points(node, LeafInput(value=D(80))) == D(2)
    assert leaf_points(node, LeafInput(value=D("80.01"))) == D(2)
    assert leaf_points(node, LeafInput(value=D(30), target=D(40))) == D("1.5")
    assert leaf_points(node, LeafInput(value="30", target="40")) == D("1.5")


@pytest.mark.parametrize(
    ("node", "leaf_input", "message"),
    [
        (leaf(rule="proportional"), LeafInput(value=D(1)), "x: proportional rule needs a target"),
        (
            leaf(rule="proportional", target="5"),
            LeafInput(value=D("-0.01")),
            "x: achieved must be ≥ 0 and target > 0",
        ),
        (
            leaf(rule="proportional", target="5"),
            LeafInput(value=D(1), target=D(0)),
            "x: achieved must be ≥ 0 and target > 0",
        ),
        (leaf(rule="proportional"), LeafInput(value=D(1), target="t"), "target must be a number, not 't'"),
    ],
)
def test_proportional_refusals(node, leaf_input, message):
    with pytest.raises(EngineError) as refused:
        leaf_points(node, leaf_input)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (None, []),
        ("0.01", []),
        ("0", ["target must be positive"]),
        ("-1", ["target must be positive"]),
        ("t", ["target must be a number, not 't'"]),
    ],
)
def test_proportional_parameters(target, expected):
    assert problems("proportional", {} if target is None else {"target": target}) == expected


@pytest.mark.parametrize(("count", "points"), [("0", "2"), ("1", "1.5"), ("4", "0"), ("5", "0")])
def test_deduction_down_to_zero_and_no_further(count, points):
    node = leaf(rule="deduction", penalty="0.5")
    assert leaf_points(node, LeafInput(value=D(count))) == D(points)


def test_deduction_refuses_a_negative_count():
    assert refusal(leaf(rule="deduction", penalty="0.5"), LeafInput(value=D(-1))) == (
        "x: the counted events cannot be negative"
    )


@pytest.mark.parametrize(
    ("penalty", "expected"),
    [
        ("0.01", []),
        ("0", ["penalty must be positive"]),
        ("-0.5", ["penalty must be positive"]),
        (None, ["penalty must be a number"]),
        ("p", ["penalty must be a number, not 'p'"]),
    ],
)
def test_deduction_parameters(penalty, expected):
    assert problems("deduction", {"penalty": penalty}) == expected


@pytest.mark.parametrize(("value", "points"), [("0", "0"), ("0.5", "5"), ("1", "10")])
def test_survey_within_zero_and_one(value, points):
    assert leaf_points(leaf(max_points="10", rule="survey"), LeafInput(), D(value)) == D(points)


@pytest.mark.parametrize("value", ["-0.01", "1.01"])
def test_survey_outside_zero_and_one_is_refused(value):
    assert refusal(leaf(rule="survey"), LeafInput(), D(value)) == f"x: survey value {value} outside 0…1"


def test_survey_parameters_are_free():
    assert problems("survey", {"anything": "1"}) == []


# --- rules in general -----------------------------------------------------------------------------------


def test_unknown_rules_and_parameters_that_are_not_an_object():
    expected = "unknown rule %s (expected one of: manual, levels, threshold, proportional, deduction, survey)"
    assert problems("percent", {}) == [expected % "percent"]
    assert problems(None, {}) == [expected % "None"]
    assert problems("manual", ["step"]) == ["rule parameters must be an object"]
    assert problems("levels", None) == ["levels rule needs a non-empty list 'levels'"]
    assert refusal(leaf(rule="guess"), LeafInput()) == "x: unknown rule 'guess'"


def test_messages_render_their_parameters_through_the_translation():
    message = Message("%(a)s of %(b)s", {"a": 1, "b": "2"})
    assert message.render() == "1 of 2" == str(message)
    assert message.render(lambda text: "«" + text + "»") == "«1 of 2»"
    assert Message("100%").render(lambda text: text + "!") == "100%!"  # without parameters, % is plain text
    error = EngineError("plain words", "1.2")
    assert (str(error), error.code, error.message, error.detail) == (
        "1.2: plain words",
        "1.2",
        Message("plain words"),
        Message("plain words"),
    )
    assert str(EngineError(Message("no code"))) == "no code"


# --- the tree -------------------------------------------------------------------------------------------


def test_a_tree_refuses_a_repeated_code_and_a_parent_after_its_child():
    with pytest.raises(EngineError) as refused:
        CriteriaTree((Node("1", "", D(1)), Node("1", "", D(1))))
    assert (str(refused.value), refused.value.code) == ("1: duplicate code", "1")
    with pytest.raises(EngineError) as refused:
        CriteriaTree((Node("1.1", "", D(1), "1"), Node("1", "", D(1))))
    assert (str(refused.value), refused.value.code) == ("1.1: parent 1 must come before its child", "1.1")


def test_a_tree_knows_roots_children_leaves_and_areas():
    tree = CriteriaTree(
        (
            Node("1", "", D(2), is_area=True),
            leaf("1.1", "1", parent="1"),
            leaf("1.2", "1", parent="1"),
            Node("2", "", D(1)),
        )
    )
    assert tree.roots == ("1", "2")
    assert tree.children("1") == ("1.1", "1.2")
    assert tree.children("1.1") == ()
    assert (tree.is_leaf("1"), tree.is_leaf("1.1"), tree.is_leaf("2")) == (False, True, True)
    assert [n.code for n in tree.leaves] == ["1.1", "1.2", "2"]
    assert [n.code for n in tree.areas] == ["1"]
    assert tree.node("1.2").max_points == D(1)


# --- totals ---------------------------------------------------------------------------------------------


def scored(tree, **points):
    inputs = {
        code.replace("_", "."): LeafInput(applicable=False) if value is None else LeafInput(points=D(value))
        for code, value in points.items()
    }
    return compute_agency(tree, AgencyInput("a", inputs))


BONUS_TREE = CriteriaTree(
    (
        Node("1", "", D(4), is_area=True),
        leaf("1.1", "4", parent="1"),
        Node("9", "", D(1), is_bonus=True),
        leaf("9.1", "2", parent="9"),
        leaf("9.2", "2", parent="9"),
    )
)


@pytest.mark.parametrize(
    ("bonus", "points", "bonus_points"),
    [(("0.5", "0.5"), "3.5", "1"), (("0.5", "0.25"), "3.25", "0.75"), (("2", "2"), "3.5", "1")],
)
def test_bonus_counts_up_to_its_cap_and_never_in_the_max(bonus, points, bonus_points):
    result = scored(BONUS_TREE, **{"1_1": "2.5", "9_1": bonus[0], "9_2": bonus[1]})
    assert (result.points, result.max_points) == (D(points), D(4))
    assert result.nodes["9"].points == D(bonus_points)
    assert result.nodes["9"].applicable_max == D(1)
    assert result.exact_index == D(points) * 100 / D(4)


def test_a_bonus_nothing_applies_to_gives_nothing():
    result = scored(BONUS_TREE, **{"1_1": "2", "9_1": None, "9_2": None})
    assert result.nodes["9"] == type(result.nodes["9"])(D(0), D(0), False)
    assert (result.points, result.max_points, result.index) == (D(2), D(4), D("50.00"))


def test_a_bonus_inside_an_area_counts_in_the_area_points_but_never_in_its_index():
    tree = CriteriaTree(
        (
            Node("1", "", D(2), is_area=True),
            leaf("1.1", "2", parent="1"),
            Node("1.9", "", D("0.5"), "1", is_bonus=True),
            leaf("1.9.1", "1", parent="1.9"),
        )
    )
    result = scored(tree, **{"1_1": "1", "1_9_1": "1"})
    assert result.nodes["1"].points == D("1.5")
    assert result.nodes["1"].applicable_max == D(2)
    # issue 12: area index = non-bonus points / applicable non-bonus max = 1 / 2, the bonus left out
    assert result.area_indices == {"1": D("50.00")}


def test_an_agency_with_nothing_applicable_is_refused():
    tree = CriteriaTree((leaf("1"), Node("9", "", D(1), is_bonus=True), leaf("9.1", "1", parent="9")))
    with pytest.raises(EngineError, match=r"^agency a has no applicable criteria$"):
        scored(tree, **{"1": None, "9_1": "1"})


def test_an_area_of_not_applicable_leaves_has_no_index_and_no_applicable_max():
    tree = CriteriaTree(
        (Node("1", "", D(1), is_area=True), leaf("1.1", "1", parent="1"), Node("2", "", D(1), is_area=True))
        + (leaf("2.1", "1", parent="2"),)
    )
    result = scored(tree, **{"1_1": None, "2_1": "0.5"})
    assert result.area_indices == {"1": None, "2": D("50.00")}
    assert result.nodes["1"] == type(result.nodes["1"])(D(0), D(0), False)
    assert result.nodes["2"].applicable is True
    assert result.nodes["1.1"].applicable is False


@pytest.mark.parametrize(
    ("exact", "published"),
    [("0.005", "0.01"), ("0.0049999", "0.00"), ("99.995", "100.00"), ("-0.005", "-0.01"), ("7", "7.00")],
)
def test_publish_round_is_half_up_to_cents(exact, published):
    result = publish_round(D(exact))
    assert result == D(published) and str(result) == published


# --- decisions ------------------------------------------------------------------------------------------

RULES = BlockRules(
    bands=(Band("low", "<80", D(0)), Band("top", "≥90", D(90)), Band("mid", "80–<90", D(80))),  # any order
    head_rules=(HeadClassRule("excellent", D(90), D(80)), HeadClassRule("good", D(80), D(70))),
    review_triggers=(ReviewTrigger("1", D(75)), ReviewTrigger("2", D(75)), ReviewTrigger("absent", D(75))),
)


def block(*agencies, rules=RULES, previous_ranks=None):
    """Agencies given as (key, area 1 points, area 2 points or None); each area has a max of 100."""
    tree = CriteriaTree(
        (
            Node("1", "", D(100), is_area=True),
            leaf("1.1", "100", parent="1"),
            Node("2", "", D(100), is_area=True),
            leaf("2.1", "100", parent="2"),
        )
    )
    inputs = [
        AgencyInput(
            key,
            {
                "1.1": LeafInput(points=D(one)),
                "2.1": LeafInput(applicable=False) if two is None else LeafInput(points=D(two)),
            },
        )
        for key, one, two in agencies
    ]
    return compute_block(tree, rules, inputs, previous_ranks)


def decided(one, two):
    return block(("a", one, two))[0]


@pytest.mark.parametrize(
    ("one", "two", "band"),
    [
        ("90", "90", "top"),
        ("90", "89.98", "mid"),  # 89,99
        ("90", "89.97", "mid"),  # 89,985 publishes as 89,99
        ("80", "80", "mid"),
        ("80", "79.98", "low"),
        ("0", "0", "low"),
    ],
)
def test_each_band_starts_at_its_minimum(one, two, band):
    assert decided(one, two).band == band


def test_an_index_under_every_band_has_none():
    rules = BlockRules(bands=(Band("top", "", D(50)),), head_rules=())
    assert block(("a", "49.98", "50"), rules=rules)[0].band is None
    assert block(("a", "50", "50"), rules=rules)[0].band == "top"


@pytest.mark.parametrize(
    ("one", "two", "head_class"),
    [
        ("100", "80", "excellent"),  # index 90, area floor 80 met exactly
        ("100", "79.98", "good"),  # index 89,99: under the index floor
        ("99.98", "80", "good"),  # index 89,99 again, through the other area
        ("80", "100", "excellent"),
        ("79.99", "100", "good"),  # index ≥ 90 but an area under 80
        ("70", "90", "good"),  # index 80, area floor 70 met exactly
        ("69.99", "100", "not_completed"),  # an area under 70
        ("80", "79.98", "not_completed"),  # index 79,99
        ("90", None, "excellent"),  # a not-applicable area has no floor to meet
        ("89.99", None, "good"),
    ],
)
def test_head_class_floors_are_inclusive(one, two, head_class):
    assert decided(one, two).head_class == head_class


def test_head_class_default_when_no_rule_holds():
    rules = BlockRules(bands=RULES.bands, head_rules=(), default_head_class="completed")
    assert block(("a", "100", "100"), rules=rules)[0].head_class == "completed"


@pytest.mark.parametrize(
    ("one", "two", "flags"),
    [
        ("75", "75", ()),
        ("74.99", "75", ("1",)),
        ("75", "74.99", ("2",)),
        ("74.99", "74.99", ("1", "2")),
        ("74.995", "75", ()),  # published 75,00
        ("74.994", None, ("1",)),  # a not-applicable area is never flagged
    ],
)
def test_review_flags_strictly_below_on_published_area_indices(one, two, flags):
    assert decided(one, two).review_flags == flags


def test_ranks_rank_changes_and_order():
    results = block(
        ("c", "50", "50"),
        ("b", "90", "90"),
        ("a", "50", "50"),
        ("d", "10", "10"),
        previous_ranks={"a": 1, "b": 2, "d": 4},
    )
    assert [(r.key, r.rank, r.rank_change) for r in results] == [
        ("b", 1, 1),
        ("a", 2, -1),
        ("c", 2, None),
        ("d", 4, 0),
    ]
    assert [r.rank for r in block(("a", "1", "1"))] == [1]


def test_a_block_decides_on_published_values_but_orders_by_exact_ones():
    # 180,004 and 180,0049 of 200 both publish as 180,00 points, so as 90,00 (exact: 90,002 and 90,00245)
    results = block(("a", "90.004", "90"), ("b", "90.0049", "90"))
    assert [(r.key, r.rank, r.index) for r in results] == [("b", 1, D("90.00")), ("a", 1, D("90.00"))]
    exact = BlockRules(bands=RULES.bands, head_rules=(), tie_rule="exact")
    assert [(r.key, r.rank) for r in block(("a", "90.004", "90"), ("b", "90.0049", "90"), rules=exact)] == [
        ("b", 1),
        ("a", 2),
    ]


def test_ranking_refuses_an_unknown_tie_rule():
    with pytest.raises(ValueError, match=r"^unknown tie rule 'coin'$"):
        rank_indices([("a", D(1), D(1))], "coin")


def test_ranking_defaults_to_shared_ties():
    entries = [("a", D("80.00"), D("80.001")), ("b", D("80.00"), D("80.004")), ("c", D("70"), D("70"))]
    assert rank_indices(entries) == {"a": 1, "b": 1, "c": 3}
    assert rank_indices(entries, "exact") == {"b": 1, "a": 2, "c": 3}
    assert rank_indices([]) == {}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 10000), min_size=1, max_size=12))
def test_band_is_the_highest_whose_minimum_the_index_reaches(hundredths):
    """Over any indices: the band's minimum ≤ index, and the next band's minimum > index."""
    rules = BlockRules(bands=RULES.bands, head_rules=RULES.head_rules)
    minima = {b.code: b.min_index for b in rules.bands}
    agencies = [(f"a{n}", str(D(h) / 100), str(D(h) / 100)) for n, h in enumerate(hundredths)]
    for result in block(*agencies, rules=rules):
        assert minima[result.band] <= result.index
        assert all(minimum > result.index for minimum in minima.values() if minimum > minima[result.band])


def test_manual_points_that_are_not_a_number_are_refused_by_name():
    with pytest.raises(EngineError, match=r"^points must be a number, not 'hai'$"):
        leaf_points(leaf(), LeafInput(points="hai"))


@pytest.mark.parametrize(("target", "points"), [("1", "1"), ("0.5", "2"), ("0.01", "2")])
def test_a_proportional_target_may_be_any_positive_number(target, points):
    node = leaf(max_points="2", rule="proportional")
    assert leaf_points(node, LeafInput(value=D("0.5"), target=D(target))) == D(points)


def test_survey_leaves_take_the_agency_survey_value():
    tree = CriteriaTree(
        (Node("1", "", D(10), is_area=True), leaf("1.1", "4", "survey", "1"), leaf("1.2", "6", "survey", "1"))
    )
    result = compute_agency(tree, AgencyInput("a", {}, survey_values={"1.1": D("0.5"), "1.3": D(1)}))
    assert (result.nodes["1.1"].points, result.nodes["1.2"].points, result.points) == (D(2), D(0), D(2))
    assert result.area_indices == {"1": D("20.00")}


def test_exact_tie_rule_breaks_only_ties_of_the_published_index():
    # a: 179,985 of 200 publish as 179,99 points, so as 90,00 (exact 89,9925); b: 89,994 of 100 publish as
    # 89,99 (exact 89,994). The exact index may only break a tie on the published one: b's exact index is
    # higher, but a reader of the table sees a 90,00 in the top band ranked below an 89,99 otherwise.
    exact = BlockRules(bands=RULES.bands, head_rules=(), tie_rule="exact")
    results = block(("a", "100", "79.985"), ("b", "89.994", None), rules=exact)
    assert [(r.key, r.index, r.band, r.rank) for r in results] == [
        ("a", D("90.00"), "top", 1),
        ("b", D("89.99"), "mid", 2),
    ]
    entries = [("a", D("90.00"), D("89.9925")), ("b", D("89.99"), D("89.994"))]
    assert rank_indices(entries, "exact") == {"a": 1, "b": 2}
