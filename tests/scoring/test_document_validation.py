"""Criteria-document validation, one check at a time: each problem by its exact words and place.

`validate_document` needs no database; each test spoils one thing of the valid small document (or builds
a minimal one) and expects exactly the problems that thing causes (see `make mutate`, docs/testing.md).
"""

import copy
from decimal import Decimal as D

import pytest
from django.utils import translation

from scoring.engine import Message
from scoring.formats import CriteriaFileError, Problem, validate_document
from scoring.formats.document import canonical_params, plain_decimal
from tests.documents import small_document


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def problems_of(document, locations=None) -> list[str]:
    return [str(problem) for problem in validate_document(document, locations)]


def spoiled(change) -> list[str]:
    document = small_document()
    change(document)
    return problems_of(document)


def leaf(code, max_points="1", **extra):
    return {"code": code, "title": "t" + code, "max_points": max_points, "rule": "manual", **extra}


def minimal(*nodes, **extra) -> dict:
    """A valid document around the given nodes (one band from 0, no head rules)."""
    return {
        "bands": [{"code": "A", "label": "all", "min_index": "0"}],
        "head_rules": [],
        "nodes": list(nodes) or [leaf("1")],
        **extra,
    }


def test_the_small_and_the_minimal_documents_are_valid():
    assert problems_of(small_document()) == []
    assert problems_of(minimal()) == []


@pytest.mark.parametrize("document", [None, [], "text"])
def test_a_document_that_is_not_an_object(document):
    assert problems_of(document) == ["file: the document must be an object"]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"format": "parindex-criteria/1"}, []),
        (
            {"format": "parindex-criteria/2"},
            ["format: unknown format parindex-criteria/2, expected parindex-criteria/1"],
        ),
        ({"format": None}, ["format: unknown format None, expected parindex-criteria/1"]),
        ({"tie_rule": "shared"}, []),
        ({"tie_rule": "exact"}, []),
        ({"tie_rule": "coin"}, ["tie rule: unknown tie rule coin (expected shared, exact)"]),
        ({"tie_rule": None}, ["tie rule: unknown tie rule None (expected shared, exact)"]),
    ],
)
def test_format_and_tie_rule(extra, expected):
    assert problems_of(minimal(**extra)) == expected


@pytest.mark.parametrize(
    ("unranked", "refused"),
    [
        ([], False),
        (["so-y-te", "bql-kcn"], False),
        ("so-y-te", True),  # a text, not a list
        (None, True),
        ({"so-y-te": True}, True),
        (["so-y-te", " "], True),  # a blank code in a list
        (["so-y-te", ""], True),
        ([7], True),  # a code that is not text
    ],
)
def test_agencies_not_ranked_are_a_list_of_codes(unranked, refused):
    expected = ["agencies not ranked: 'unranked' must be a list of agency codes"] if refused else []
    assert problems_of(minimal(unranked=unranked)) == expected


@pytest.mark.parametrize("nodes", [None, [], {"code": "1"}])
def test_a_set_without_criteria(nodes):
    document = minimal()
    document["nodes"] = nodes
    assert problems_of(document) == ["criteria: the set has no criteria"]


def test_criteria_that_are_not_objects_are_named_by_position():
    document = minimal(leaf("1"), "2")
    assert problems_of(document) == ["criterion 2: a criterion must be an object"]
    parent = {"code": "1", "title": "t", "max_points": "1", "children": [leaf("1.1"), 7]}
    assert problems_of(minimal(parent)) == ["sub-criterion 2 of 1: a criterion must be an object"]


@pytest.mark.parametrize("code", [None, "", "  "])
def test_a_criterion_without_code_is_named_by_position(code):
    assert problems_of(minimal(leaf("1"), {**leaf("2"), "code": code})) == [
        "criterion 2: the criterion has no code"
    ]


def test_a_code_is_trimmed_and_compared_as_text():
    assert problems_of(minimal(leaf(" 1 "), {**leaf("x"), "code": 1})) == [
        "criterion 1: duplicate code 1 (also at criterion 1)"
    ]


def test_a_duplicate_code_names_both_places():
    locations = {"1": Message("sheet %(s)s, row %(r)s", {"s": "T", "r": 3})}
    assert problems_of(minimal(leaf("1"), leaf("2"), leaf("1")), locations) == [
        "sheet T, row 3: duplicate code 1 (also at sheet T, row 3)"
    ]
    parent = {"code": "1", "title": "t", "max_points": "2", "children": [leaf("1.1"), leaf("1.1")]}
    assert problems_of(minimal(parent)) == ["criterion 1.1: duplicate code 1.1 (also at criterion 1.1)"]
    assert problems_of(minimal(leaf("1"), leaf("1"), leaf("1"))) == [
        "criterion 1: duplicate code 1 (also at criterion 1)",
        "criterion 1: duplicate code 1 (also at criterion 1)",
    ]


@pytest.mark.parametrize("title", [None, "", "   "])
def test_a_criterion_needs_a_title(title):
    assert problems_of(minimal(leaf("1", title=title))) == ["criterion 1: the criterion has no title"]


@pytest.mark.parametrize(
    ("max_points", "expected"),
    [
        ("0", []),
        ("-0.01", ["criterion 1: negative max -0.01"]),
        ("hai", ["criterion 1: max_points must be a number, not 'hai'"]),
        (None, ["criterion 1: max_points must be a number"]),
    ],
)
def test_a_criterion_max(max_points, expected):
    assert problems_of(minimal(leaf("1", max_points))) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (None, []),
        ("", []),
        ("evidence", []),
        ("survey", []),
        ("data", []),
        ("guess", ["criterion 1: unknown source guess (expected evidence, survey, data)"]),
    ],
)
def test_a_criterion_source(source, expected):
    assert problems_of(minimal(leaf("1", source=source))) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (None, []),
        ("", []),
        ("survey", []),
        ("evidence", ["criterion 1: a survey criterion must have the source 'survey'"]),
        ("data", ["criterion 1: a survey criterion must have the source 'survey'"]),
    ],
)
def test_a_survey_criterion_takes_its_points_from_a_survey(source, expected):
    assert problems_of(minimal(leaf("1", source=source, rule="survey"))) == expected


def test_a_leaf_rule_problem_is_named_by_the_leaf():
    assert problems_of(minimal(leaf("1", rule="levels", params={"levels": []}))) == [
        "criterion 1: levels rule needs a non-empty list 'levels'"
    ]
    assert problems_of(minimal(leaf("1", max_points="1", params={"step": "0.3"}))) == [
        "criterion 1: max 1 is not a multiple of step 0.3"
    ]


def test_a_leaf_whose_max_is_unreadable_is_not_checked_further():
    assert problems_of(minimal(leaf("1", max_points="x", rule="guess"))) == [
        "criterion 1: max_points must be a number, not 'x'"
    ]


def test_children_must_be_a_list_and_a_parent_has_no_rule():
    assert problems_of(minimal(leaf("1", children="1.1"))) == ["criterion 1: children must be a list"]
    parent = leaf("1", children=[leaf("1.1")])  # a parent that keeps the rule "manual"
    assert problems_of(minimal(parent)) == [
        "criterion 1: only leaves have a rule; this criterion has sub-criteria"
    ]
    assert problems_of(minimal(leaf("1", children=[]))) == []  # no children: a leaf


@pytest.mark.parametrize(
    ("maxima", "expected"),
    [
        (("1", "1"), []),
        (("1", "1.01"), ["criterion 1: sub-criteria maxima sum to 2.01, over the criterion's max 2"]),
        (("1", "0.99"), ["criterion 1: sub-criteria maxima sum to 1.99, under the criterion's max 2"]),
    ],
)
def test_sub_criteria_maxima_sum_to_the_parent_max(maxima, expected):
    parent = {
        "code": "1",
        "title": "t",
        "max_points": "2",
        "children": [leaf("1.1", maxima[0]), leaf("1.2", maxima[1])],
    }
    assert problems_of(minimal(parent)) == expected


def test_bonus_sub_criteria_stay_out_of_the_sum_and_a_bonus_parent_is_not_summed():
    parent = {
        "code": "1",
        "title": "t",
        "max_points": "2",
        "children": [leaf("1.1", "2"), {**leaf("1.9", "5"), "is_bonus": True}],
    }
    assert problems_of(minimal(parent)) == []
    bonus = {"code": "9", "title": "t", "max_points": "1", "is_bonus": True, "children": [leaf("9.1", "3")]}
    assert problems_of(minimal(leaf("1"), bonus)) == []


def test_a_negative_or_broken_child_max_adds_nothing_to_the_sum():
    parent = {"code": "1", "title": "t", "max_points": "2", "children": [leaf("1.1", "2"), leaf("1.2", "-1")]}
    assert problems_of(minimal(parent)) == ["criterion 1.2: negative max -1"]
    parent["children"][1]["max_points"] = "x"
    assert problems_of(minimal(parent)) == ["criterion 1.2: max_points must be a number, not 'x'"]


def test_a_parent_whose_max_is_unreadable_is_not_summed():
    parent = {"code": "1", "title": "t", "max_points": "x", "children": [leaf("1.1", "2")]}
    assert problems_of(minimal(parent)) == ["criterion 1: max_points must be a number, not 'x'"]


def test_grandchildren_are_summed_into_their_own_parent():
    middle = {
        "code": "1.1",
        "title": "t",
        "max_points": "2",
        "children": [leaf("1.1.1", "1"), leaf("1.1.2", "0.5")],
    }
    parent = {"code": "1", "title": "t", "max_points": "3", "children": [middle, leaf("1.2", "1")]}
    assert problems_of(minimal(parent)) == [
        "criterion 1.1: sub-criteria maxima sum to 1.5, under the criterion's max 2"
    ]


# --- bands, head rules, review triggers ----------------------------------------------------------------


def with_bands(*bands):
    return problems_of(minimal(bands=list(bands)))


def band(code, min_index, label="label"):
    return {"code": code, "label": label, "min_index": min_index}


@pytest.mark.parametrize("bands", [None, [], {"code": "A"}])
def test_a_set_needs_bands(bands):
    assert problems_of(minimal(bands=bands)) == ["bands: the set needs at least one band"]


def test_bands_each_by_position():
    assert with_bands(band("A", "50"), band("B", "0")) == []
    assert with_bands(band("A", "0"), "B") == ["band 2: a band must be an object"]
    assert with_bands("A", band("B", "0", label=" ")) == [
        "band 1: a band must be an object",
        "band 2: the band has no label",
    ]
    assert with_bands(band("A", "50"), band("A", "0")) == ["band 2: band code A is empty or repeated"]
    assert with_bands(band("", "0")) == ["band 1: band code  is empty or repeated"]
    assert with_bands(band(None, "0")) == ["band 1: band code  is empty or repeated"]
    assert with_bands(band("A", "0", label=" ")) == ["band 1: the band has no label"]
    assert with_bands(band("A", "0", label=None)) == ["band 1: the band has no label"]
    assert with_bands(band("A", "0"), band("B", "x")) == ["band 2: min_index must be a number, not 'x'"]
    # The number is written as people read it (message_text): "0", not the stored "0.00".
    assert with_bands(band("A", "0"), band("B", "0.00")) == ["band 2: two bands start at 0"]


@pytest.mark.parametrize(
    ("minima", "expected"),
    [
        (("0",), []),
        (("80", "0.01"), ["bands: the lowest band must start at 0, not 0.01, so every index has a band"]),
        (("-1", "80"), ["bands: the lowest band must start at 0, not -1, so every index has a band"]),
        (("x",), ["band 1: min_index must be a number, not 'x'"]),
    ],
)
def test_the_lowest_band_starts_at_zero(minima, expected):
    assert with_bands(*(band(f"B{n}", minimum) for n, minimum in enumerate(minima))) == expected


def test_head_rules():
    rule = {"head_class": "excellent", "min_index": "90", "min_area_index": "80"}
    assert problems_of(minimal(head_rules=[rule, {**rule, "head_class": "not_completed"}])) == []
    assert problems_of(minimal(head_rules=None)) == ["head rules: head rules must be a list"]
    assert problems_of(minimal(head_rules={"x": 1})) == ["head rules: head rules must be a list"]
    assert problems_of(minimal(head_rules=[rule, "good"])) == ["head rule 2: a head rule must be an object"]
    assert problems_of(minimal(head_rules=["good", {**rule, "head_class": "gioi"}])) == [
        "head rule 1: a head rule must be an object",
        "head rule 2: unknown head class gioi (expected excellent, good, completed, not_completed)",
    ]
    assert problems_of(minimal(head_rules=[rule, {**rule, "head_class": "gioi"}])) == [
        "head rule 2: unknown head class gioi (expected excellent, good, completed, not_completed)"
    ]
    assert problems_of(minimal(head_rules=[{**rule, "min_index": "x", "min_area_index": None}])) == [
        "head rule 1: min_index must be a number, not 'x'",
        "head rule 1: min_area_index must be a number",
    ]


def test_review_triggers_name_a_content_area():
    area = {"code": "1", "title": "t", "max_points": "1", "is_area": True, "children": [leaf("1.1")]}
    other = {"code": "2", "title": "t", "max_points": "1", "children": [leaf("2.1")]}
    document = minimal(area, other)
    assert problems_of({**document, "review_triggers": [{"area_code": "1", "below": "75"}]}) == []
    assert problems_of({**document, "review_triggers": None}) == []
    assert problems_of({**document, "review_triggers": {"area_code": "1"}}) == []  # not a list: none
    assert problems_of({**document, "review_triggers": [{"area_code": "1", "below": "75"}, "2"]}) == [
        "review trigger 2: a review trigger must be an object"
    ]
    assert problems_of({**document, "review_triggers": [{"area_code": "2", "below": "75"}]}) == [
        "review trigger 1: 2 is not a content area of this set"
    ]
    assert problems_of({**document, "review_triggers": [{"area_code": 1, "below": "x"}]}) == [
        "review trigger 1: below must be a number, not 'x'"
    ]
    # a trigger that is not an object does not stop the check of the triggers after it
    assert problems_of({**document, "review_triggers": ["1", {"area_code": "2", "below": "x"}]}) == [
        "review trigger 1: a review trigger must be an object",
        "review trigger 2: 2 is not a content area of this set",
        "review trigger 2: below must be a number, not 'x'",
    ]


def test_an_area_code_counts_only_when_the_criterion_says_so():
    area = {"code": "1", "title": "t", "max_points": "1", "is_area": False, "children": [leaf("1.1")]}
    assert problems_of(minimal(area, review_triggers=[{"area_code": "1", "below": "1"}])) == [
        "review trigger 1: 1 is not a content area of this set"
    ]


def test_every_problem_at_once_in_document_order():
    document = small_document()
    document["format"] = "x"
    document["nodes"][0]["children"][0]["title"] = ""
    document["bands"][0]["label"] = ""
    document["head_rules"][0]["head_class"] = "gioi"
    document["review_triggers"][0]["below"] = "x"
    assert problems_of(document) == [
        "format: unknown format x, expected parindex-criteria/1",
        "criterion 1.1: the criterion has no title",
        "band 1: the band has no label",
        "head rule 1: unknown head class gioi (expected excellent, good, completed, not_completed)",
        "review trigger 1: below must be a number, not 'x'",
    ]


def test_validation_changes_nothing_and_problems_read_in_vietnamese():
    document = small_document()
    document["nodes"][0]["children"][2]["max_points"] = "-2"
    before = copy.deepcopy(document)
    problem, total = validate_document(document)
    assert document == before
    assert str(total) == "criterion 1: sub-criteria maxima sum to 4, under the criterion's max 6"
    assert isinstance(problem, Problem)
    with translation.override("vi"):
        assert str(problem) == "tiêu chí 1.3: điểm tối đa âm -2"
    error = CriteriaFileError([problem, problem])
    assert str(error) == "criterion 1.3: negative max -2\ncriterion 1.3: negative max -2"
    assert error.problems == [problem, problem]


# --- canonical parameters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"), [("14.50", "14.5"), (D("0.250"), "0.25"), ("1E+1", "10"), (3, "3"), ("0,5", "0.5")]
)
def test_plain_decimal_is_the_shortest_exact_text(value, text):
    assert plain_decimal(value) == text


@pytest.mark.parametrize(
    ("rule", "params", "canonical"),
    [
        ("manual", {"step": "0.50"}, {"step": "0.5"}),
        ("manual", {"step": ""}, {}),
        ("manual", None, {}),
        (
            "levels",
            {"levels": [{"key": 1, "label": "", "points": "1.0"}, {"key": "b", "label": "B", "points": 0}]},
            {"levels": [{"key": "1", "points": "1"}, {"key": "b", "label": "B", "points": "0"}]},
        ),
        ("levels", {}, {"levels": []}),
        (
            "threshold",
            {
                "bands": [
                    {"min": "", "max": "5.0", "min_inclusive": True, "max_inclusive": True, "points": "1"},
                    {
                        "min": "5",
                        "max": None,
                        "min_inclusive": False,
                        "max_inclusive": False,
                        "points": "0.50",
                    },
                ]
            },
            {
                "bands": [
                    {"min": None, "max": "5", "max_inclusive": True, "points": "1"},
                    {"min": "5", "max": None, "min_inclusive": False, "points": "0.5"},
                ]
            },
        ),
        (
            "threshold",  # an empty bound, typed or left empty, is open
            {"bands": [{"min": "0", "max": "", "points": "1"}, {"min": "", "max": "0", "points": "0"}]},
            {"bands": [{"min": "0", "max": None, "points": "1"}, {"min": None, "max": "0", "points": "0"}]},
        ),
        ("threshold", {}, {"bands": []}),
        ("proportional", {"target": "100.0"}, {"target": "100"}),
        ("proportional", {"target": ""}, {}),
        ("proportional", {}, {}),
        ("deduction", {"penalty": "0.50"}, {"penalty": "0.5"}),
        ("survey", {"x": "1"}, {}),
        (None, {"step": "1"}, {}),
    ],
)
def test_canonical_parameters_are_the_same_whichever_carrier(rule, params, canonical):
    assert canonical_params(rule, params) == canonical
