"""The XLSX helpers of the file formats (criteria sets, questionnaires), in one place, on top of
parindex.safe_files (measured reading; text kept text on writing, workbook_bytes): the header style,
the "x" of a yes cell, reading a workbook within the limits, and a sheet read by column key with
every problem named by sheet, row and column."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from openpyxl.styles import PatternFill

from parindex.safe_files import (
    FileLimits,
    FileRefused,
    columns_sheet,
    file_limits,
    keyed_rows,
    number_cell,
    workbook_bytes,
    xlsx_open,
)
from scoring.engine.model import Message, gettext_noop

from .document import M, Problem, plain_decimal

__all__ = [
    "HEADER_FILL",
    "YES",
    "SheetReader",
    "columns_sheet",
    "decimal_or_none",
    "header_sheet",
    "number_cell",
    "workbook_bytes",
    "workbook_read",
]

HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
YES = frozenset({"x", "1", "true", "có", "co", "yes"})  # what a "(x)" column accepts as yes

T = TypeVar("T")


def header_sheet(workbook, title: str, columns, rows, *, text_keys=()):
    """A sheet with the formats' header style (parindex.safe_files.columns_sheet)."""
    return columns_sheet(workbook, title, columns, rows, fill=HEADER_FILL, text_keys=text_keys)


def workbook_read(data: bytes, read: Callable[..., T], refused: Callable[[list[Problem]], Exception]) -> T:
    """`read(workbook, limits)` on the workbook in `data`, measured first with the "list" limits; a file
    over them raises `refused([problem at "file"])`."""
    limits = file_limits("list")
    try:
        workbook = xlsx_open(data, limits)
        try:
            return read(workbook, limits)
        finally:
            workbook.close()
    except FileRefused as error:
        raise refused([Problem(M(gettext_noop("file")), error.message)]) from None


def decimal_or_none(value) -> Decimal | None:
    """A number from JSON or a cell (0.75, "0,75"); None when it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


class SheetReader:
    """Rows of one sheet by column key (columns: key, header, width), collecting problems named by
    sheet, row and column; a missing sheet is a problem when `required`, an empty row is skipped."""

    NUMBER_REQUIRED = True  # `number` without `required=`

    def __init__(
        self,
        workbook,
        title: str,
        columns,
        problems: list[Problem],
        limits: FileLimits,
        required: bool = True,
    ):
        self.title, self.columns, self.problems, self.limits = title, columns, problems, limits
        self.sheet = workbook[title] if title in workbook.sheetnames else None
        if self.sheet is None and required:
            problems.append(
                Problem(
                    M(gettext_noop("sheet %(sheet)s"), sheet=title), M(gettext_noop("the sheet is missing"))
                )
            )

    def where(self, row: int, key: str | None = None) -> Message:
        header = next((h for k, h, _ in self.columns if k == key), None)
        if header is None:
            return M(gettext_noop("sheet %(sheet)s, row %(row)s"), sheet=self.title, row=row)
        return M(
            gettext_noop("sheet %(sheet)s, row %(row)s, column %(column)s"),
            sheet=self.title,
            row=row,
            column=header,
        )

    def rows(self) -> Iterator[tuple[int, dict]]:
        if self.sheet is None:
            return
        yield from keyed_rows(self.sheet, self.columns, self.limits)

    def text(self, row: dict, key: str) -> str:
        value = row.get(key)
        return "" if value is None else str(value).strip()

    def parse_number(self, value) -> Decimal | None:
        return decimal_or_none(value)

    def number(self, number: int, row: dict, key: str, required: bool | None = None) -> str | None:
        """A number cell as the document's text form; an empty required cell, or a cell that is not a
        number, is a problem here."""
        value = row.get(key)
        if value in (None, ""):
            if self.NUMBER_REQUIRED if required is None else required:
                self.problems.append(
                    Problem(self.where(number, key), M(gettext_noop("a number is required")))
                )
            return None
        parsed = self.parse_number(value)
        if parsed is None:
            self.problems.append(
                Problem(self.where(number, key), M(gettext_noop("%(value)s is not a number"), value=value))
            )
            return None
        return plain_decimal(parsed)
