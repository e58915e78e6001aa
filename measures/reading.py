"""Reads an uploaded XLSX or CSV file into rows, bounded in bytes, unpacked size and rows.

The one reading function of this app: a shared bounded reader is planned (issue 12, `files`); pointing
`read_rows` at it changes nothing else here.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_BYTES = 2 * 1024 * 1024  # a file of values for a province is some kilobytes
MAX_UNPACKED = 40 * 1024 * 1024  # an XLSX is a zip: its unpacked members together
MAX_ROWS = 20_000  # ~170 communes × ~30 data/survey leaves, with room
SHEET = "Số liệu"


@dataclass(frozen=True)
class FileProblem(Exception):
    message: str


def limits() -> tuple[int, int, int]:
    return (
        getattr(settings, "MEASURES_MAX_BYTES", MAX_BYTES),
        getattr(settings, "MEASURES_MAX_UNPACKED", MAX_UNPACKED),
        getattr(settings, "MEASURES_MAX_ROWS", MAX_ROWS),
    )


def read_rows(content: bytes) -> list[tuple[int, tuple]]:
    """(row number as a spreadsheet shows it, cell values) of the file's first sheet (or the sheet
    "Số liệu"), header row included; raises FileProblem for a file too large or not a table."""
    max_bytes, max_unpacked, max_rows = limits()
    if len(content) > max_bytes:
        raise FileProblem(
            _("The file has %(size)s bytes; at most %(max)s are accepted.")
            % {"size": len(content), "max": max_bytes}
        )
    rows = _xlsx_rows(content, max_unpacked) if content[:4] == b"PK\x03\x04" else _csv_rows(content)
    result = []
    for number, values in rows:
        if number > max_rows + 1:  # the header row is not counted
            raise FileProblem(_("The file has more than %(max)s rows.") % {"max": max_rows})
        result.append((number, values))
    return result


def _xlsx_rows(content: bytes, max_unpacked: int):
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise FileProblem(_("The file is neither an XLSX workbook nor a CSV file.")) from None
    if unpacked > max_unpacked:
        raise FileProblem(_("The workbook unpacks to more than %(max)s bytes.") % {"max": max_unpacked})
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises several types for a damaged workbook
        raise FileProblem(_("The file is neither an XLSX workbook nor a CSV file.")) from None
    try:
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    finally:
        workbook.close()


def _csv_rows(content: bytes):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(_("A CSV file must be encoded in UTF-8.")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)  # Excel in a comma-decimal locale writes ";"
    for number, values in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
        yield number, tuple(values)
