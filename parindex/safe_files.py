"""Files in and out are hostile: every XLSX/CSV a user gives is measured before it is parsed, and every
text cell we write stays text (never a formula).

Reading. An XLSX is a ZIP: its central directory states each member's compressed and uncompressed size
without inflating anything, so members, sizes and compression ratio are checked in milliseconds before
openpyxl opens the file. A sheet's declared dimension is checked before its rows are read (openpyxl pads
every row to the declared width), and since a dimension can lie, the row and column caps are enforced
again while the rows stream. A CSV is capped in bytes before reading and in rows while reading. Limits
come from settings.FILE_LIMITS (README, Configuration), per kind of file: "responses" (survey response
files, the large imports), "list" (accounts, criteria sets, questionnaires) and "measures" (measured data
and survey values).

Writing. openpyxl stores any string that starts with "=" as a formula; `xlsx_keep_text` turns every such
cell back into text just before a workbook is saved, so a name like =HYPERLINK(…) is written, and read
back, exactly. CSV has no types: `csv_text` applies OWASP's rule (a text field starting with = + - @ TAB or
CR gets a leading single quote), for text columns only, so numbers stay numbers (docs/formats.md).

Django-free apart from reading the limits, so the criteria formats can use it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from scoring.engine.model import Message, gettext_noop

MB = 1024 * 1024
# Small members (styles, relations) compress far better than data; the ratio is judged above this size.
RATIO_FROM_BYTES = 1 * MB
NOT_A_WORKBOOK = gettext_noop("the file is not an XLSX workbook")


@dataclass(frozen=True)
class FileLimits:
    rows: int  # data rows under the header, per sheet
    columns: int
    member_bytes: int  # each ZIP member, uncompressed
    total_bytes: int  # all members, uncompressed
    members: int
    ratio: int  # uncompressed ÷ compressed, for members above RATIO_FROM_BYTES
    csv_bytes: int


def file_limits(kind: str = "list") -> FileLimits:
    """The limits for a kind of file ("responses", "list" or "measures"), from settings.FILE_LIMITS."""
    from django.conf import settings

    values = settings.FILE_LIMITS
    return FileLimits(
        rows=values[f"{kind}_rows"],
        columns=values["columns"],
        member_bytes=values[f"{kind}_member_bytes"],
        total_bytes=values[f"{kind}_total_bytes"],
        members=values["zip_members"],
        ratio=values["zip_ratio"],
        csv_bytes=values[f"{kind}_csv_bytes"],
    )


class FileRefused(ValueError):
    """A file refused before (or while) it is parsed; `message` names the limit and the file's value."""

    def __init__(self, template: str, /, **params):
        self.message = Message(template, params)
        super().__init__(self.message.render())


def _megabytes(size: int) -> str:
    """Sizes as people read them here: 102,4 MB."""
    from parindex.formatting import format_vi

    # Exact: a whole number of bytes over 2**20 has a finite decimal expansion.
    return format_vi(Decimal(size) / MB, places=1, thousands=True) + " MB"


def _count(number: int) -> str:
    from parindex.formatting import format_vi

    return format_vi(number, places=0, thousands=True)


# --- reading ------------------------------------------------------------------------------------------


def _open_binary(source) -> tuple[BinaryIO, bool]:
    """A seekable binary file for bytes, a path or a file object (and whether to close it)."""
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source), True
    if isinstance(source, str | Path):
        return open(source, "rb"), True  # noqa: SIM115 - closed by the caller
    source.seek(0)
    return source, False


def is_zip(source) -> bool:
    handle, close = _open_binary(source)
    try:
        return handle.read(4) == b"PK\x03\x04"
    finally:
        handle.seek(0)
        if close:
            handle.close()


def zip_check(source, limits: FileLimits) -> None:
    """Refuses a ZIP (XLSX) whose members, by their central directory, are too many, too large, or
    inflate too much. Nothing is decompressed."""
    handle, close = _open_binary(source)
    try:
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            raise FileRefused(NOT_A_WORKBOOK) from None
        members = archive.infolist()
        if len(members) > limits.members:
            raise FileRefused(
                gettext_noop("the file holds %(count)s parts; at most %(limit)s are accepted"),
                count=_count(len(members)),
                limit=_count(limits.members),
            )
        total = 0
        for member in members:
            if member.file_size > limits.member_bytes:
                raise FileRefused(
                    gettext_noop("the part %(name)s expands to %(size)s; at most %(limit)s are accepted"),
                    name=member.filename[:80],
                    size=_megabytes(member.file_size),
                    limit=_megabytes(limits.member_bytes),
                )
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > RATIO_FROM_BYTES and ratio > limits.ratio:
                raise FileRefused(
                    gettext_noop(
                        "the part %(name)s expands %(ratio)s times its packed size; at most %(limit)s "
                        "times is accepted (ordinary workbooks stay under 20)"
                    ),
                    name=member.filename[:80],
                    ratio=_count(int(ratio)),
                    limit=_count(limits.ratio),
                )
            total += member.file_size
        if total > limits.total_bytes:
            raise FileRefused(
                gettext_noop("the workbook expands to %(size)s; at most %(limit)s are accepted"),
                size=_megabytes(total),
                limit=_megabytes(limits.total_bytes),
            )
    finally:
        if close:
            handle.close()
        else:
            handle.seek(0)


def xlsx_open(source, limits: FileLimits):
    """A read-only openpyxl workbook of a file that passed `zip_check`; FileRefused otherwise. The caller
    closes it (workbook.close())."""
    from openpyxl import load_workbook

    zip_check(source, limits)
    # A path is opened by openpyxl itself, so workbook.close() closes the file too.
    target = source if isinstance(source, str | Path) else _open_binary(source)[0]
    try:
        return load_workbook(target, read_only=True, data_only=True)
    except Exception:  # openpyxl raises several types for a file that is not a workbook
        raise FileRefused(NOT_A_WORKBOOK) from None


def sheet_rows(sheet, limits: FileLimits, *, min_row: int = 1, header_rows: int = 1) -> Iterator[tuple]:
    """The sheet's rows as value tuples from `min_row`, refusing a declared dimension over the limits
    first and, while streaming, the first row past `limits.rows` data rows or `limits.columns` columns."""
    declared_rows = getattr(sheet, "max_row", None) or 0
    declared_columns = getattr(sheet, "max_column", None) or 0
    if declared_rows > limits.rows + header_rows:
        raise FileRefused(
            gettext_noop("the sheet %(sheet)s declares %(rows)s rows; at most %(limit)s are accepted"),
            sheet=sheet.title,
            rows=_count(declared_rows - header_rows),
            limit=_count(limits.rows),
        )
    if declared_columns > limits.columns:
        raise FileRefused(
            gettext_noop("the sheet %(sheet)s declares %(columns)s columns; at most %(limit)s are accepted"),
            sheet=sheet.title,
            columns=_count(declared_columns),
            limit=_count(limits.columns),
        )
    if hasattr(sheet, "reset_dimensions"):
        # Within the limits, but it may still be wrong: openpyxl would pad rows to it, or silently stop at
        # its last row. Read the rows as they are instead, capped below.
        sheet.reset_dimensions()
    last = limits.rows + header_rows
    for number, values in enumerate(sheet.iter_rows(min_row=min_row, values_only=True), start=min_row):
        if number > last:
            raise FileRefused(
                gettext_noop(
                    "the sheet %(sheet)s has more than %(limit)s rows; at most %(limit)s are accepted"
                ),
                sheet=sheet.title,
                limit=_count(limits.rows),
            )
        if len(values) > limits.columns:
            raise FileRefused(
                gettext_noop("row %(row)s has more than %(limit)s columns; at most %(limit)s are accepted"),
                row=number,
                limit=_count(limits.columns),
            )
        yield values


def csv_size_check(size: int, limits: FileLimits) -> None:
    if size > limits.csv_bytes:
        raise FileRefused(
            gettext_noop("the CSV file is %(size)s; at most %(limit)s are accepted"),
            size=_megabytes(size),
            limit=_megabytes(limits.csv_bytes),
        )


def csv_rows_capped(rows: Iterable[tuple[int, list]], limits: FileLimits, header_rows: int = 1):
    """(number, values) rows of a CSV reader, refusing the first past the row or column cap."""
    last = limits.rows + header_rows
    for number, values in rows:
        if number > last:
            raise FileRefused(
                gettext_noop("the file has more than %(limit)s rows; at most %(limit)s are accepted"),
                limit=_count(limits.rows),
            )
        if len(values) > limits.columns:
            raise FileRefused(
                gettext_noop("row %(row)s has more than %(limit)s columns; at most %(limit)s are accepted"),
                row=number,
                limit=_count(limits.columns),
            )
        yield number, values


def source_size(source) -> int:
    if isinstance(source, bytes | bytearray):
        return len(source)
    if isinstance(source, str | Path):
        return Path(source).stat().st_size
    size = getattr(source, "size", None)
    if size is not None:
        return size
    position = source.tell()
    end = source.seek(0, io.SEEK_END)
    source.seek(position)
    return end


# --- writing ----------------------------------------------------------------------------------------

CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def xlsx_keep_text(workbook) -> None:
    """Every cell openpyxl took for a formula (a string starting with "=") is written as the text it is.
    Call just before saving; our writers never mean to write a formula."""
    for sheet in workbook.worksheets:
        # _cells holds only the cells that exist: iterating it does not create empty ones.
        for cell in sheet._cells.values():
            if cell.data_type == "f" and isinstance(cell._value, str):
                cell.data_type = "s"


def csv_text(value):
    """A text field as a spreadsheet may open it without running it: OWASP's CSV-injection rule."""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_STARTS):
        return "'" + value
    return value


def csv_texts(row: dict, numeric: Iterable[str] = ()) -> dict:
    """The row with `csv_text` applied to every field but the numeric ones (which stay as they are)."""
    numeric = set(numeric)
    return {key: value if key in numeric else csv_text(value) for key, value in row.items()}


# --- workbooks of the file formats (criteria sets, questionnaires) -------------------------------------


def number_cell(value):
    """A document's decimal text as a cell number: integers stay integers."""
    if value in (None, ""):
        return None
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)


def columns_sheet(workbook, title: str, columns, rows: Iterable[dict], *, fill, text_keys=()):
    """A sheet with a styled header (columns: key, header, width), one row per dict, frozen header; the
    columns of `text_keys` formatted as text ("01" must not become 1)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    sheet.append([header for _, header, _ in columns])
    for index, (_, _, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        header = sheet.cell(row=1, column=index)
        header.font = Font(bold=True)
        header.fill = fill
        header.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        sheet.append([row.get(key) for key, _, _ in columns])
    for index, (key, _, _) in enumerate(columns, start=1):
        if key in text_keys:
            for (text_cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                text_cell.number_format = "@"
    sheet.freeze_panes = "A2"
    return sheet


def keyed_rows(sheet, columns, limits: FileLimits) -> Iterator[tuple[int, dict]]:
    """(row number, {column key: value}) for the non-empty rows under the header, within the limits."""
    for number, values in enumerate(sheet_rows(sheet, limits, min_row=2), start=2):
        if all(value in (None, "") for value in values):
            continue
        yield (
            number,
            {key: values[i] if i < len(values) else None for i, (key, _, _) in enumerate(columns)},
        )
