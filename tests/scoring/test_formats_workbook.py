"""The XLSX helpers shared by the file formats (scoring/formats/workbook.py): the header sheet's text
columns, numbers as an official types them, and a number cell read by SheetReader itself."""

from decimal import Decimal as D

import pytest
from django.utils import translation
from openpyxl import Workbook

from parindex.safe_files import file_limits
from scoring.formats.workbook import SheetReader, decimal_or_none, header_sheet


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_a_header_sheet_formats_only_its_text_columns_as_text():
    columns = [("code", "Mã", 10), ("value", "Giá trị", 10)]
    sheet = header_sheet(Workbook(), "Mẫu", columns, [{"code": "01", "value": 1}], text_keys=("code",))
    assert (sheet["A2"].number_format, sheet["B2"].number_format) == ("@", "General")
    assert sheet["A1"].number_format == "General"
    plain = header_sheet(Workbook(), "Mẫu", columns, [{"code": "01", "value": 1}])
    assert plain["A2"].number_format == "General"


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("0,75", D("0.75")),
        (" 1,5 ", D("1.5")),
        ("2", D("2")),
        (3, D("3")),
        (0.5, D("0.5")),
        (None, None),
        (True, None),
        (False, None),
        ("", None),
        ("hai", None),
        ("inf", None),
        ("-Infinity", None),
        ("NaN", None),
    ],
)
def test_a_number_as_typed_or_none(value, number):
    assert decimal_or_none(value) == number
    assert type(decimal_or_none(value)) is (D if number is not None else type(None))


def reader(problems) -> SheetReader:
    return SheetReader(
        Workbook(), "Điểm", [("points", "Điểm", 10)], problems, file_limits("list"), required=False
    )


def test_a_number_cell_read_by_the_shared_reader():
    problems = []
    sheet = reader(problems)
    assert sheet.number(2, {"points": "0,50"}, "points") == "0.5"
    assert sheet.number(3, {"points": 2}, "points") == "2"
    assert problems == []
    assert sheet.number(4, {"points": "nửa"}, "points") is None
    assert [str(p) for p in problems] == ["sheet Điểm, row 4, column Điểm: nửa is not a number"]


@pytest.mark.parametrize("empty", [None, ""])
def test_an_empty_number_cell_is_required_unless_said_otherwise(empty):
    problems = []
    sheet = reader(problems)
    assert sheet.number(5, {"points": empty}, "points", required=False) is None
    assert problems == []
    assert sheet.number(5, {"points": empty}, "points") is None
    assert [str(p) for p in problems] == ["sheet Điểm, row 5, column Điểm: a number is required"]
