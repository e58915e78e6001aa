"""Text of a criteria document that cannot be stored (U+0000 in PostgreSQL) or written to a workbook
(the other C0 control characters, e.g. the vertical tab Word puts for a line break) is refused at import,
named by where it is, instead of failing the import or every later XLSX export with a server error."""

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


@pytest.mark.parametrize(
    "spoil, expected",
    [
        (lambda d: d["nodes"][0]["children"][0].update(title="Kế hoạch\x00"), "criterion 1.1: the title"),
        (
            lambda d: d["nodes"][0]["children"][0].update(guidance="Dòng 1\x0bDòng 2"),
            "criterion 1.1: the scoring guidance",
        ),
        (
            lambda d: d["nodes"][0]["children"][0].update(evidence_expected="Quyết định\x07"),
            "criterion 1.1: the evidence expected",
        ),
        (lambda d: d["nodes"][0].update(title="Chỉ đạo\x1f"), "criterion 1: the title"),
        (
            lambda d: d["nodes"][0]["children"][1]["params"]["levels"][0].update(label="Đúng\x0chạn"),
            "criterion 1.2: the label of level dung_han",
        ),
        (lambda d: d.update(name="Bộ\x00 tiêu chí"), "name: the name"),
        (lambda d: d["bands"][0].update(label="Từ\x0b90%"), "band 1: the label"),
    ],
)
def test_a_control_character_in_the_text_is_refused_and_named(place, spoil, expected):
    period, block = place
    document = small_document()
    spoil(document)
    with pytest.raises(CriteriaFileError, match=re.escape(expected)) as refused:
        criteria_set_from_document(period=period, block=block, document=document)
    assert "control character" in str(refused.value)
    assert not CriteriaSet.objects.exists() and not CriteriaNode.objects.exists()


def test_tabs_and_line_breaks_are_kept_and_the_set_exports_to_a_workbook(place):
    period, block = place
    document = small_document()
    document["nodes"][0]["children"][0]["guidance"] = "Dòng 1\nDòng 2\r\n\tDòng 3"
    stored = criteria_set_from_document(period=period, block=block, document=document)
    assert document_to_xlsx(criteria_set_to_document(stored))[:2] == b"PK"
