"""Plain text of an evidence file for the full-text search: PDF (pypdf), DOCX and XLSX where cheap.

Bounded: at most MAX_PAGES pages, MAX_CELLS cells and MAX_CHARS characters are read, so a hostile file
costs the worker a bounded time and the database a bounded row. Archives and images give no text.
"""

from __future__ import annotations

import logging
import zipfile
from typing import BinaryIO

logger = logging.getLogger(__name__)

MAX_CHARS = 200_000
MAX_PAGES = 200
MAX_CELLS = 50_000

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _bounded(parts) -> str:
    out, length = [], 0
    for part in parts:
        if not part:
            continue
        out.append(part)
        length += len(part) + 1
        if length >= MAX_CHARS:
            break
    return "\n".join(out)[:MAX_CHARS].replace("\x00", "")


def _pdf(stream: BinaryIO) -> str:
    from pypdf import PdfReader

    reader = PdfReader(stream)
    return _bounded(page.extract_text() or "" for page in reader.pages[:MAX_PAGES])


def _zip_checked(stream: BinaryIO) -> None:
    """Office files are zips: their members are measured before anything is opened."""
    from parindex.safe_files import file_limits, zip_check

    zip_check(stream, file_limits("list"))
    stream.seek(0)


def _docx(stream: BinaryIO) -> str:
    import docx

    _zip_checked(stream)
    document = docx.Document(stream)
    return _bounded(paragraph.text for paragraph in document.paragraphs)


def _xlsx(stream: BinaryIO) -> str:
    from openpyxl import load_workbook

    _zip_checked(stream)
    workbook = load_workbook(stream, read_only=True, data_only=True)
    try:

        def cells():
            count = 0
            for sheet in workbook.worksheets:
                for row in sheet.iter_rows(values_only=True):
                    for value in row:
                        count += 1
                        if count > MAX_CELLS:
                            return
                        if isinstance(value, str):
                            yield value

        return _bounded(cells())
    finally:
        workbook.close()


READERS = {PDF: _pdf, DOCX: _docx, XLSX: _xlsx}


def extract_text(stream: BinaryIO, content_type: str) -> str:
    """The file's text, "" for a type without a reader or a file that cannot be read."""
    reader = READERS.get(content_type)
    if reader is None:
        return ""
    try:
        return reader(stream)
    except (zipfile.BadZipFile, ValueError, KeyError, OSError, Exception) as error:  # noqa: BLE001
        # A file that passed the upload checks but not the reader (damaged, encrypted, over the zip
        # limits: FileRefused is a ValueError) has no text; the file itself is kept.
        logger.info("no text from a %s: %s", content_type, error)
        return ""
