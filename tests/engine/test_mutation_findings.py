"""Engine rules the mutation run found untested (docs/testing.md): the stored exact value rounds half
up like every other figure; an agency kept out of the ranking still gets its review flags; a broken
level or band does not hide the problems after it. Exact Decimals, no database."""

from decimal import Decimal as D

from scoring.engine import (
    AgencyInput,
    Band,
    BlockRules,
    CriteriaTree,
    LeafInput,
    Node,
    ReviewTrigger,
    compute_block,
    stored_exact,
    validate_rule_params,
)
from scoring.engine.compute import STORED_PLACES


def test_a_digit_past_the_stored_places_rounds_half_up_like_every_published_figure():
    """A value below 0.001 can carry more decimals than are stored (28 significant digits); it is
    rounded the project's one way, half up, never half even."""
    quantum = D(1).scaleb(-STORED_PLACES)
    assert stored_exact(D("2.5") * quantum) == 3 * quantum  # half even would give 2
    assert stored_exact(D("0.5") * quantum) == quantum  # half even would give 0
    assert stored_exact(D("-2.5") * quantum) == -3 * quantum
    assert stored_exact(D("2.4999") * quantum) == 2 * quantum


TREE = CriteriaTree(
    (
        Node("1", "", D(100), is_area=True),
        Node("1.1", "1.1", D(100), "1", "manual"),
        Node("2", "", D(100), is_area=True),
        Node("2.1", "2.1", D(100), "2", "manual"),
    )
)
RULES = BlockRules(
    bands=(Band("A", "≥50", D(50)), Band("B", "<50", D(0))),
    head_rules=(),
    review_triggers=(ReviewTrigger("2", D(75)),),
)


def agency(key, one, two, ranked=True):
    return AgencyInput(key, {"1.1": LeafInput(points=D(one)), "2.1": LeafInput(points=D(two))}, ranked=ranked)


def test_an_agency_not_ranked_is_still_flagged_for_review():
    results = compute_block(
        TREE,
        RULES,
        [agency("special", "100", "60", ranked=False), agency("a", "90", "74.99"), agency("b", "90", "80")],
    )
    assert [(r.key, r.rank, r.band, r.review_flags) for r in results] == [
        ("b", 1, "A", ()),
        ("a", 2, "A", ("2",)),
        ("special", None, None, ("2",)),  # area 2 at 60 < 75, though outside the ranking
    ]


def test_agencies_not_ranked_come_last_best_first():
    results = compute_block(
        TREE,
        RULES,
        [
            agency("low", "10", "10", ranked=False),
            agency("a", "20", "20"),
            agency("high", "95", "95", ranked=False),
            agency("also-low", "10", "10", ranked=False),
        ],
    )
    assert [(r.key, r.rank, r.review_flags) for r in results] == [
        ("a", 1, ("2",)),
        ("high", None, ()),
        ("also-low", None, ("2",)),
        ("low", None, ("2",)),
    ]


# --- every problem of a rule's parameters is named, not only those before the first -------------------


def problems(rule, params, max_points="2"):
    return [str(problem) for problem in validate_rule_params(rule, params, D(max_points))]


def test_a_level_without_key_does_not_hide_the_problems_of_the_next_levels():
    levels = [{"points": "1"}, {"key": "a", "points": "9"}, "b", {"key": "a", "points": "1"}]
    assert problems("levels", {"levels": levels}) == [
        "level 1 needs a key",
        "points of level a (9) must lie within 0…2",
        "level 3 needs a key",
        "level key a appears twice",
    ]


def test_a_band_open_where_it_may_not_be_does_not_hide_a_later_overlap():
    bands = [
        {"min": None, "max": "5", "points": "0"},
        {"min": None, "max": "8", "points": "1"},  # open min on band 2
        {"min": "7", "max": None, "points": "2"},  # overlaps band 2 (7…8)
    ]
    assert problems("threshold", {"bands": bands}) == [
        "band 2: only the first band may have an open min",
        "band 2 and band 3 overlap (7…8)",
    ]


def test_leaves_without_input_are_listed_in_tree_order_not_by_their_code_as_text():
    """Codes like 1.2 and 1.10 sort differently as text; the list follows the criteria set."""
    tree = CriteriaTree(
        (
            Node("1", "", D(6), is_area=True),
            Node("1.2", "1.2", D(2), "1", "manual"),
            Node("1.10", "1.10", D(2), "1", "manual"),
            Node("1.11", "1.11", D(2), "1", "manual"),
        )
    )
    result = compute_block(tree, RULES, [AgencyInput("a", {"1.10": LeafInput(points=D(1))})])[0]
    assert result.unscored == ("1.2", "1.11")
