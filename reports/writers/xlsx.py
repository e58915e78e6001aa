"""Report tables as XLSX: one sheet per table named by its number (A1, B12, TH3), the official form's
title rows merged above a styled header, numbers stored as numbers with `#,##0.00` (a Vietnamese Excel
shows 90,30), A4 landscape, header rows repeated on every printed page, fitted to the page width."""

from __future__ import annotations

import io
import zipfile
from copy import copy
from datetime import UTC, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from parindex.safe_files import xlsx_keep_text

from ..tables import CHANGE, CODE, INDEX, INT, POINTS, RANK, TEXT, Table
from .archive import zip_normalize

FONT = "Times New Roman"
NUMBER_FORMATS = {
    POINTS: "#,##0.00",
    INDEX: "#,##0.00",
    INT: "#,##0",
    RANK: "0",
    CHANGE: "+0;-0;0",
    CODE: "@",
    TEXT: "General",
}
THIN = Side(style="thin", color="000000")
MEDIUM = Side(style="medium", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E8ECEF")
LIGHT_FILL = PatternFill("solid", fgColor="F2F4F6")


class _Styles:
    """Named styles created on first use: far cheaper per cell than separate font/border/fill objects."""

    def __init__(self, workbook: Workbook):
        self.workbook = workbook
        self.arrays: dict[str, StyleArray] = {}

    def apply(self, cell, kind: str, variant: str = "", depth: int = 0) -> None:
        """Gives the cell the named style (as openpyxl's `cell.style = name` does, without its lookups)."""
        name = self.get(kind, variant, depth)
        cell._style = copy(self.arrays[name])

    def get(self, kind: str, variant: str = "", depth: int = 0) -> str:
        name = f"r-{kind}-{variant or 'plain'}-{depth}"
        if name in self.arrays:
            return name
        bold = variant in ("bold", "area", "total", "section", "fact", "header")
        style = NamedStyle(name=name)
        style.font = Font(
            name=FONT,
            size=11,
            bold=bold,
            italic=variant == "muted",
            color="555555" if variant == "muted" else "000000",
        )
        style.border = Border(left=THIN, right=THIN, top=MEDIUM if variant == "total" else THIN, bottom=THIN)
        if variant in ("header", "total"):
            style.fill = HEADER_FILL
        elif variant in ("area", "section"):
            style.fill = LIGHT_FILL
        numeric = kind in (POINTS, INDEX, INT, CHANGE, RANK)
        style.alignment = Alignment(
            horizontal="center"
            if variant == "header" or kind in (CODE, RANK)
            else ("right" if numeric else "left"),
            vertical="center" if variant == "header" else "top",
            wrap_text=not numeric or variant == "header",
            indent=depth,
        )
        style.number_format = "General" if variant == "header" else NUMBER_FORMATS.get(kind, "General")
        self.workbook.add_named_style(style)
        self.arrays[name] = style.as_tuple()
        return name


def _variant(style: str) -> str:
    if "muted" in style:
        return "muted"
    return {"group": "bold"}.get(style, style)


def _plain(
    ws: Worksheet,
    row: int,
    column: int,
    value,
    *,
    bold=False,
    italic=False,
    size=11,
    align="center",
    wrap=False,
):
    cell = ws.cell(row=row, column=column, value=value)
    cell.font = Font(name=FONT, size=size, bold=bold, italic=italic)
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap)
    return cell


def sheet_write(ws: Worksheet, table: Table, styles: _Styles) -> None:
    columns = len(table.columns)
    last = get_column_letter(columns)
    for index, column in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width * 1.15
    # The form's head: issuer at the left (over about half the width), the table number at the right.
    split = columns // 2 + columns % 2  # the right half starts after this column
    row = 1
    if columns < 2:
        _plain(ws, row, 1, table.caption, bold=True, italic=True)
        row += 1
    for line in table.issuer or [""]:
        if split > 1:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=split)
        _plain(ws, row, 1, line, bold=True)
        row += 1
    if columns >= 2:
        if columns - split > 1:
            ws.merge_cells(start_row=1, start_column=split + 1, end_row=1, end_column=columns)
        _plain(ws, 1, split + 1, table.caption, bold=True, italic=True, align="right")
    row += 1
    for line in table.titles:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
        _plain(ws, row, 1, line, bold=True, size=13)
        row += 1
    for line in table.subtitles:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
        _plain(ws, row, 1, line, italic=True)
        row += 1
    row += 1
    header_start = row
    if table.rows:
        headers = table.header_rows()
        for offset, header in enumerate(headers):
            for cell in header:
                column = cell["index"] + 1
                target = ws.cell(row=row + offset, column=column, value=cell["label"])
                styles.apply(target, TEXT, "header")
                if cell["colspan"] > 1 or cell["rowspan"] > 1:
                    end_row = row + offset + cell["rowspan"] - 1
                    end_column = column + cell["colspan"] - 1
                    for r in range(row + offset, end_row + 1):
                        for c in range(column, end_column + 1):
                            styles.apply(ws.cell(row=r, column=c), TEXT, "header")
                    ws.merge_cells(
                        start_row=row + offset, start_column=column, end_row=end_row, end_column=end_column
                    )
        row += len(headers)
        header_end = row - 1
        ws.print_title_rows = f"{header_start}:{header_end}"
        ws.freeze_panes = ws.cell(row=row, column=1)
        for data_row in table.rows:
            variant = _variant(data_row.style)
            if data_row.style == "section":
                for c in range(1, columns + 1):
                    styles.apply(ws.cell(row=row, column=c), TEXT, "section")
                ws.cell(row=row, column=1, value=data_row.cells[0])
                ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
            elif data_row.style == "fact":
                label, value = data_row.cells
                kind = data_row.kinds[1] if data_row.kinds else TEXT
                for c in range(1, columns + 1):
                    styles.apply(ws.cell(row=row, column=c), TEXT if c < 3 else kind, "fact")
                ws.cell(row=row, column=1, value=label)
                ws.cell(row=row, column=3, value=value)
                ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
                ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=columns)
                ws.cell(row=row, column=3).alignment = Alignment(
                    horizontal="left", vertical="top", wrap_text=True
                )
            else:
                for c, (value, column) in enumerate(zip(data_row.cells, table.columns, strict=True), start=1):
                    kind = data_row.kinds[c - 1] if data_row.kinds else column.kind
                    depth = data_row.depth if c - 1 == table.text_column else 0
                    cell = ws.cell(row=row, column=c, value=None if value == "" else value)
                    styles.apply(cell, kind, variant, min(depth, 4))
            row += 1
    if table.empty_message:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
        _plain(ws, row, 1, table.empty_message, italic=True, align="left", wrap=True)
        ws.row_dimensions[row].height = 30
        row += 1
    for note in table.notes:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
        _plain(ws, row, 1, note, italic=True, size=10, align="left", wrap=True)
        total_width = sum(c.width for c in table.columns) * 1.15
        ws.row_dimensions[row].height = 15 * max(1, -(-len(note) * 1.1 // total_width))
        row += 1
    if table.signature is not None:
        sign = table.signature
        row += 1
        right = min(split + 1, columns)  # the signer's block over the right half, the preparer's at the left

        def block(at_row, text, start, end, **style):
            if end > start:
                ws.merge_cells(start_row=at_row, start_column=start, end_row=at_row, end_column=end)
            _plain(ws, at_row, start, text, **style)

        block(row, sign.date_line, right, columns, italic=True)
        row += 1
        if sign.left_caption and right > 1:
            block(row, sign.left_caption, 1, right - 1, bold=True)
        block(row, sign.right_caption, right, columns, bold=True)
        if sign.right_title:
            block(row + 1, sign.right_title, right, columns, bold=True)
        row += 6
        if sign.right_name:
            block(row, sign.right_name, right, columns, bold=True)
    # Print: A4 landscape, one page wide, header rows on every page, the table number and page in the footer.
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top, ws.page_margins.bottom = 0.5, 0.6
    ws.oddFooter.left.text = table.caption
    ws.oddFooter.right.text = "Trang &P/&N"
    ws.print_area = f"A1:{last}{max(row, 1)}"
    ws.sheet_view.zoomScale = 90


def workbook_bytes(tables: list[Table], *, stamp: datetime, title: str = "") -> bytes:
    """One workbook, one sheet per table, with fixed document properties and ZIP entry times."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    styles = _Styles(workbook)
    for table in tables:
        sheet_write(workbook.create_sheet(title=table.sheet_name), table, styles)
    moment = stamp.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    workbook.properties.creator = "ParIndex"
    workbook.properties.lastModifiedBy = "ParIndex"
    workbook.properties.title = title or (tables[0].titles[0] if tables else "")
    workbook.properties.created = moment
    workbook.properties.modified = moment
    xlsx_keep_text(workbook)  # a criterion or agency named "=…" stays text
    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(workbook, archive).save()  # not save_workbook(): it would stamp "modified" with now
    return zip_normalize(buffer.getvalue(), stamp.replace(microsecond=0))
