"""XLSX response files are read by calamine (parindex.safe_files.xlsx_sheet_rows) only after the sheet's
XML is scanned: every row and cell plainly referenced, within the caps, and the dense grid calamine builds
up to the last cell within CALAMINE_CELLS. Any other sheet is streamed by openpyxl, which names the limit."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from parindex import safe_files
from parindex.safe_files import FileRefused, file_limits, sheet_rows, xlsx_open, xlsx_sheet_rows

from .hostile import HEAD, SHEET, with_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limits(settings):
    settings.FILE_LIMITS = {**settings.FILE_LIMITS, "responses_rows": 10}


def cells(*rows) -> bytes:
    """A sheet of plainly referenced cells: rows of (reference, text)."""
    xml = [HEAD + b"<sheetData>"]
    for number, row in rows:
        xml.append(f'<row r="{number}">'.encode())
        for reference, text in row:
            xml.append(f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'.encode())
        xml.append(b"</row>")
    xml.append(b"</sheetData></worksheet>")
    return with_sheet(xml)


def plain(data: bytes, limits=None) -> bool:
    limits = limits or file_limits("responses")
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(SHEET) as member:
        return safe_files._grid_within(member, limits, limits.rows + 1)


def read(data: bytes) -> list[tuple]:
    limits = file_limits("responses")
    workbook = xlsx_open(data, limits)
    try:
        return list(xlsx_sheet_rows(data, workbook.worksheets[0], limits))
    finally:
        workbook.close()


def test_an_ordinary_workbook_is_read_by_calamine_as_openpyxl_reads_it():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Số phiếu", "Mã nhóm", "1", "2"])
    sheet.append(["S1", "dan", 1, None])
    sheet.append(["S2", "dan", None, "9"])
    out = io.BytesIO()
    workbook.save(out)
    data = out.getvalue()
    assert plain(data)
    limits = file_limits("responses")
    streamed = list(sheet_rows(xlsx_open(data, limits).worksheets[0], limits))
    padded = [(*("" if v is None else v for v in row), *[""] * (4 - len(row))) for row in streamed]
    assert read(data) == padded
    assert read(data)[1] == ("S1", "dan", 1.0, "")


def test_a_sheet_starting_below_a1_keeps_its_row_numbers_and_columns():
    data = cells((3, [("B3", "x")]), (4, [("C4", "y")]))
    assert read(data) == [("", "", "")] * 2 + [("", "x", ""), ("", "", "y")]


def test_a_single_far_cell_is_not_handed_to_calamine():
    assert plain(cells((1, [("A1", "a")]), (2, [("A2", "b")])))
    assert not plain(cells((1, [("A1", "a")]), (2, [("A1048576", "b")])))  # past the row cap
    assert not plain(cells((1, [("A1", "a")]), (2, [("XFD2", "b")])))  # past the column cap


def test_the_column_cap_is_a_boundary():
    assert plain(cells((1, [("A1", "a"), ("SF1", "b")])))  # column 500, the cap
    assert not plain(cells((1, [("A1", "a"), ("SG1", "b")])))  # column 501


def test_a_grid_over_the_cell_budget_is_streamed_instead(monkeypatch):
    data = cells((1, [("A1", "a")]), (10, [("J10", "b")]))  # 10 × 10 cells up to the last one
    monkeypatch.setattr(safe_files, "CALAMINE_CELLS", 100)
    assert plain(data)
    monkeypatch.setattr(safe_files, "CALAMINE_CELLS", 99)
    assert not plain(data)
    assert read(data)[0][0] == "a"  # still read, by openpyxl


def test_unusual_markup_is_streamed_by_openpyxl():
    no_references = with_sheet(
        [HEAD, b'<sheetData><row><c t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>']
    )
    assert not plain(no_references)
    assert read(no_references) == [("x",)]
    prefixed = with_sheet(
        [
            b'<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
            b'<x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c></x:row>',
            b"</x:sheetData></x:worksheet>",
        ]
    )
    assert not plain(prefixed)
    reference_not_first = with_sheet(
        [
            HEAD,
            b'<sheetData><row r="1"><c t="inlineStr" r="A1"><is><t>x</t></is></c></row></sheetData></worksheet>',
        ]
    )
    assert not plain(reference_not_first)


def test_plainly_referenced_rows_past_the_cap_are_refused_with_the_same_message(small_limits):
    limits = file_limits("responses")
    at_cap = cells(*((n, [(f"A{n}", "x")]) for n in range(1, 12)))  # the header and ten data rows
    assert plain(at_cap, limits) and len(read(at_cap)) == 11
    over = cells(*((n, [(f"A{n}", "x")]) for n in range(1, 13)))
    with pytest.raises(FileRefused, match="the sheet Sheet has more than 10 rows; at most 10 are accepted"):
        read(over)
