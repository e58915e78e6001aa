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
import re
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


def sheet_dimension_check(sheet, limits: FileLimits, *, header_rows: int = 1) -> None:
    """Refuses a sheet whose declared dimension is over the row or column cap."""
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


def _rows_capped(rows: Iterable[tuple[int, tuple]], title: str, limits: FileLimits, header_rows: int):
    last = limits.rows + header_rows
    for number, values in rows:
        if number > last:
            raise FileRefused(
                gettext_noop(
                    "the sheet %(sheet)s has more than %(limit)s rows; at most %(limit)s are accepted"
                ),
                sheet=title,
                limit=_count(limits.rows),
            )
        if len(values) > limits.columns:
            raise FileRefused(
                gettext_noop("row %(row)s has more than %(limit)s columns; at most %(limit)s are accepted"),
                row=number,
                limit=_count(limits.columns),
            )
        yield values


def sheet_rows(sheet, limits: FileLimits, *, min_row: int = 1, header_rows: int = 1) -> Iterator[tuple]:
    """The sheet's rows as value tuples from `min_row`, refusing a declared dimension over the limits
    first and, while streaming, the first row past `limits.rows` data rows or `limits.columns` columns."""
    sheet_dimension_check(sheet, limits, header_rows=header_rows)
    if hasattr(sheet, "reset_dimensions"):
        # Within the limits, but it may still be wrong: openpyxl would pad rows to it, or silently stop at
        # its last row. Read the rows as they are instead, capped below.
        sheet.reset_dimensions()
    rows = enumerate(sheet.iter_rows(min_row=min_row, values_only=True), start=min_row)
    yield from _rows_capped(rows, sheet.title, limits, header_rows)


# The sheet XML as Excel, LibreOffice and openpyxl write it: every row and cell tag carries its reference
# as its first attribute, without namespace prefix. Only such a sheet is handed to calamine.
_ANY_ROW = re.compile(rb"<row[\s/>]")
_ANY_CELL = re.compile(rb"<c[\s/>]")
_ROW_NUMBER = re.compile(rb'<row r="(\d+)"')
_CELL_REFERENCE = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"')
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:row|c)[\s/>]")
# calamine holds the whole sheet as a dense grid from A1 to its last cell: about 95 bytes a cell in all
# (measured: +216 MB for 100,001 rows × 23 columns). At most this many cells (~240 MB, 100,000 responses to
# 22 questions) are read that way; a larger grid within the caps is streamed by openpyxl, in flat memory.
CALAMINE_CELLS = 2_500_000


def _grid_within(member, limits: FileLimits, last_row: int) -> bool:
    """Whether every row and cell of the sheet's XML (a ZIP member, streamed) is plainly referenced, within
    `last_row` rows and `limits.columns` columns, and the grid up to its last cell within CALAMINE_CELLS.
    calamine builds a dense grid up to the last cell, so a single far cell would cost memory: such a sheet,
    or an unusual one, is read by openpyxl's streaming reader instead, which names any limit passed."""
    from openpyxl.utils import column_index_from_string

    rows = columns = 0
    tail = b""
    while True:
        chunk = member.read(1 << 22)
        data = tail + chunk
        if chunk:
            cut = data.rfind(b"<")
            if cut <= 0:  # no complete tag yet
                tail = data
                continue
            data, tail = data[:cut], data[cut:]
        if data:
            references = _CELL_REFERENCE.findall(data)
            if (
                _PREFIXED.search(data)
                or len(_ANY_ROW.findall(data)) != data.count(b'<row r="')
                or len(_ANY_CELL.findall(data)) != len(references)
            ):
                return False
            numbers = set(_ROW_NUMBER.findall(data))
            if references:
                letters, digits = zip(*references, strict=True)
                numbers.update(digits)
                columns = max(columns, *(column_index_from_string(c.decode()) for c in set(letters)))
            rows = max(rows, *map(int, numbers), 0)
            if rows > last_row or columns > limits.columns or rows * columns > CALAMINE_CELLS:
                return False
        if not chunk:
            return True


def xlsx_sheet_rows(source, sheet, limits: FileLimits, *, header_rows: int = 1) -> Iterator[tuple]:
    """The rows of `sheet` (of a workbook from `xlsx_open`, so past `zip_check`) as value tuples from the
    first, read by calamine (several times faster than openpyxl), under the same checks as `sheet_rows`:
    the declared dimension, then every row and cell reference of the sheet's XML within the caps, then the
    caps again on the rows read. A sheet that fails the scan is read by `sheet_rows` (whose message names
    the limit). Values as openpyxl gives them, but empty cells are "" (every row padded to the last column)
    and numbers floats (1.0)."""
    from python_calamine import CalamineWorkbook

    sheet_dimension_check(sheet, limits, header_rows=header_rows)
    path = getattr(sheet, "_worksheet_path", None)
    last_row = limits.rows + header_rows
    handle, close = _open_binary(source)
    try:
        if path is None:
            plain = False
        else:
            with zipfile.ZipFile(handle) as archive, archive.open(path) as member:
                plain = _grid_within(member, limits, last_row)
        if not plain:
            yield from sheet_rows(sheet, limits, header_rows=header_rows)
            return
        handle.seek(0)
        try:
            workbook = CalamineWorkbook.from_filelike(handle)
            data = workbook.get_sheet_by_name(sheet.title)
        except Exception:  # calamine raises several types for a file it cannot read
            raise FileRefused(NOT_A_WORKBOOK) from None
        # Rows come from row 1 (empty ones before the first cell), columns from the first cell's: pad them.
        pad = ("",) * (data.start or (0, 0))[1]
        rows = enumerate(
            (pad + tuple(values) for values in data.iter_rows()) if pad else map(tuple, data.iter_rows()),
            start=1,
        )
        yield from _rows_capped(rows, sheet.title, limits, header_rows)
    finally:
        if close:
            handle.close()
        else:
            handle.seek(0)


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


def workbook_bytes(workbook) -> bytes:
    """The workbook's file, every text cell kept text (xlsx_keep_text): how every writer saves."""
    xlsx_keep_text(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


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
