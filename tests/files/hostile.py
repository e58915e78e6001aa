"""Hostile workbooks built in the tests: a zip bomb (a small XLSX whose sheet expands hugely) and
workbooks whose sheet declares, or holds, more rows than allowed."""

from __future__ import annotations

import functools
import io
import zipfile

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
ROW = b'<row><c t="inlineStr"><is><t>x</t></is></c><c t="inlineStr"><is><t>y</t></is></c></row>'


def _base(header=("a",)) -> bytes:
    workbook = Workbook()
    workbook.active.append(list(header))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def with_sheet(chunks, header=("a",)) -> bytes:
    """A valid workbook whose first sheet's XML is replaced by the given chunks, streamed into the ZIP."""
    source = zipfile.ZipFile(io.BytesIO(_base(header)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for entry in source.infolist():
            if entry.filename == SHEET:
                info = zipfile.ZipInfo(SHEET, date_time=entry.date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                with target.open(info, "w", force_zip64=True) as sheet:
                    for chunk in chunks:
                        sheet.write(chunk)
            else:
                target.writestr(entry, source.read(entry.filename))
    return out.getvalue()


@functools.cache
def zip_bomb(megabytes: int = 200) -> bytes:
    """A few hundred KB that inflate to `megabytes` MB of identical rows (about 1000:1)."""
    block = ROW * (1024 * 1024 // len(ROW))

    def chunks():
        yield HEAD + b"<sheetData>"
        for _ in range(megabytes):
            yield block
        yield b"</sheetData></worksheet>"

    return with_sheet(chunks())


def declared_rows(rows: int, written: int, width: int = 2, dimension: str | None = None) -> bytes:
    """A sheet declaring A1:<col><rows> (or `dimension`) whose data holds `written` rows."""
    from openpyxl.utils import get_column_letter

    ref = dimension or f"A1:{get_column_letter(width)}{rows}"

    def chunks():
        yield HEAD + f'<dimension ref="{ref}"/><sheetData>'.encode()
        for _ in range(written):
            yield ROW
        yield b"</sheetData></worksheet>"

    return with_sheet(chunks())
