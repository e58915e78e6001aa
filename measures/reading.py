"""Reads an uploaded XLSX or CSV file of values into rows, measured first by parindex.safe_files
(settings.FILE_LIMITS, kind "measures"): an XLSX's ZIP directory before it is opened, a sheet's declared
dimension before its rows, the row and column caps while the rows stream, a CSV's bytes before decoding.

`envelope_check` is the part that takes milliseconds whatever the file claims to hold: the page runs it
in the request, and everything else in the background job."""

from __future__ import annotations

import csv
import io

from parindex.safe_files import (
    NOT_A_WORKBOOK,
    FileLimits,
    FileRefused,
    csv_rows_capped,
    csv_size_check,
    file_limits,
    is_zip,
    sheet_rows,
    source_size,
    xlsx_open,
    zip_check,
)
from parindex.safe_files import _megabytes as megabytes
from scoring.engine.model import gettext_noop

SHEET = "Số liệu"
KIND = "measures"
NEITHER = gettext_noop("The file is neither an XLSX workbook nor a CSV file.")
NOT_UTF8 = gettext_noop("A CSV file must be encoded in UTF-8.")
TOO_LARGE = gettext_noop("the file is %(size)s; at most %(limit)s are accepted")


def limits() -> FileLimits:
    return file_limits(KIND)


def envelope_check(source) -> None:
    """Refuses (FileRefused) a file over the limits by what it declares, without unpacking or parsing it:
    an XLSX by its ZIP directory, a CSV by its size."""
    bounds = limits()
    if is_zip(source):
        # Packed, a workbook is smaller than unpacked: a larger file holds something else besides.
        if source_size(source) > bounds.total_bytes:
            raise FileRefused(
                TOO_LARGE, size=megabytes(source_size(source)), limit=megabytes(bounds.total_bytes)
            )
        try:
            zip_check(source, bounds)
        except FileRefused as refused:
            if refused.message.template == NOT_A_WORKBOOK:
                raise FileRefused(NEITHER) from None
            raise
    else:
        csv_size_check(source_size(source), bounds)


def read_rows(content: bytes) -> list[tuple[int, tuple]]:
    """(row number as a spreadsheet shows it, cell values) of the file's sheet "Số liệu" (or its first
    sheet), header row included; raises FileRefused for a file over the limits or not a table."""
    bounds = limits()
    envelope_check(content)
    if is_zip(content):
        return _xlsx_rows(content, bounds)
    return list(_csv_rows(content, bounds))


def _xlsx_rows(content: bytes, bounds: FileLimits) -> list[tuple[int, tuple]]:
    try:
        workbook = xlsx_open(content, bounds)
    except FileRefused as refused:
        if refused.message.template == NOT_A_WORKBOOK:
            raise FileRefused(NEITHER) from None
        raise
    try:
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
        return list(enumerate(sheet_rows(sheet, bounds), start=1))
    finally:
        workbook.close()


def _csv_rows(content: bytes, bounds: FileLimits):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(NOT_UTF8) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)  # Excel in a comma-decimal locale writes ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for number, values in csv_rows_capped(enumerate(reader, start=1), bounds):
        yield number, tuple(values)
