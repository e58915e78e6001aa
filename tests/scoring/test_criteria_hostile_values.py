"""Values of a criteria document of the wrong type or size are refused whole, each named, never a server
error: through the API and the command the document is JSON, so any type can come in any place."""

import re

import pytest
from django.utils import translation

from scoring.formats import CriteriaFileError, criteria_set_from_document, criteria_set_to_document
from scoring.formats.xlsx import document_to_xlsx
from scoring.models import CriteriaNode, CriteriaSet
from tests.documents import small_document
from tests.factories import BlockFactory, PeriodFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def place():
    return PeriodFactory(year=2022), BlockFactory(code="so-nganh")


def leaf(document, position):
    return document["nodes"][0]["children"][position]


SPOILS = {
    "max as a huge float": (
        lambda d: d["nodes"][0].update(max_points=1e308),
        "criterion 1: max_points 1e+308 is too large",
    ),
    "max with a huge exponent": (
        lambda d: d["nodes"][0].update(max_points="1e999999999"),
        "criterion 1: max_points 1e+999999999 is too large",
    ),
    "max more precise than stored": (
        lambda d: leaf(d, 0).update(max_points="2.00001"),
        "criterion 1.1: max_points 2.00001 has more than 4 decimal places",
    ),
    "max over what is stored": (
        lambda d: d["nodes"][0].update(max_points="100000"),
        "criterion 1: max_points 100000 is too large",
    ),
    "band start as a huge float": (
        lambda d: d["bands"][0].update(min_index=1e308),
        "band 1: min_index 1e+308 is too large",
    ),
    "penalty beyond any count": (
        lambda d: leaf(d, 2)["params"].update(penalty=10**29),
        "criterion 1.3: penalty 100000000000000000000000000000 is too large",
    ),
    "step with a huge exponent": (
        lambda d: leaf(d, 0)["params"].update(step="1e999999999"),
        "criterion 1.1: step 1e+999999999 is too large",
    ),
    "step with a tiny exponent": (
        lambda d: leaf(d, 0)["params"].update(step="1e-999999999"),
        "criterion 1.1: step 1e-999999999 has more than 6 decimal places",
    ),
    "rule not a text": (
        lambda d: leaf(d, 0).update(rule=[]),
        "criterion 1.1: unknown rule []",
    ),
    "level label not a text": (
        lambda d: leaf(d, 1)["params"]["levels"][0].update(label=["a"]),
        "criterion 1.2: the label of level dung_han must be text",
    ),
    "level label not a number": (
        lambda d: leaf(d, 1)["params"]["levels"][0].update(label=float("nan")),
        "criterion 1.2: the label of level dung_han must be text",
    ),
}


@pytest.mark.parametrize("name", SPOILS)
def test_a_value_of_the_wrong_type_or_size_is_refused_and_named(place, name):
    spoil, expected = SPOILS[name]
    period, block = place
    document = small_document()
    spoil(document)
    with pytest.raises(CriteriaFileError, match=re.escape(expected)):
        criteria_set_from_document(period=period, block=block, document=document)
    assert not CriteriaSet.objects.exists() and not CriteriaNode.objects.exists()


def test_a_set_within_the_bounds_exports_to_a_workbook(place):
    period, block = place
    document = small_document()
    leaf(document, 2)["params"]["penalty"] = "0.0001"
    stored = criteria_set_from_document(period=period, block=block, document=document)
    assert document_to_xlsx(criteria_set_to_document(stored))[:2] == b"PK"


@pytest.mark.parametrize("triggers", [True, {"area_code": "2", "below": "75"}, "2"])
def test_review_triggers_that_are_no_list_are_none_as_validated(place, triggers):
    """Validation reads review triggers that are no list as none; the import stored them the same way
    instead of failing on a bool or iterating a mapping's keys."""
    period, block = place
    document = small_document()
    document["review_triggers"] = triggers
    stored = criteria_set_from_document(period=period, block=block, document=document)
    assert not stored.review_triggers.exists()
