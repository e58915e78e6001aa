"""The one helper pair every writer uses: xlsx_keep_text (no formula ever, the text read back exactly)
and csv_text (OWASP's rule on text fields, nothing else touched)."""

import io
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from parindex.safe_files import csv_text, csv_texts, xlsx_keep_text


def round_trip(values: list) -> list:
    workbook = Workbook()
    workbook.active.append(values)
    xlsx_keep_text(workbook)
    out = io.BytesIO()
    workbook.save(out)
    row = next(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())
    assert all(cell.data_type != "f" for cell in row)
    return [cell.value for cell in row]


def test_formula_like_text_comes_back_as_the_same_text_and_numbers_stay_numbers():
    values = ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "=", "a=b", 90.3, -2]
    assert round_trip(values) == values


@given(
    st.text(alphabet=string.printable.replace("\x0b", "").replace("\x0c", "").replace("\r", ""), max_size=30)
)
def test_any_text_starting_with_an_equals_sign_round_trips(text):
    assert round_trip(["=" + text.strip() + "x"]) == ["=" + text.strip() + "x"]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_csv_text_field_starting_like_a_formula_gets_a_quote(start):
    assert csv_text(start + "1") == "'" + start + "1"


@pytest.mark.parametrize("value", ["", "Sở A", "a=b", "'=x", 5, -2, None])
def test_other_csv_fields_are_unchanged(value):
    assert csv_text(value) == value


def test_numeric_columns_are_never_quoted():
    row = {"agency_name": "-2", "points": "-2.00", "rank_change": -3}
    assert csv_texts(row, {"points", "rank_change"}) == {
        "agency_name": "'-2",
        "points": "-2.00",
        "rank_change": -3,
    }
