"""Evidence files are checked by content and size, and hashed in chunks."""

import hashlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import TemporaryUploadedFile

from evidence.validation import DOCX, XLSX, check_upload, sha256_of

from .factories import (
    EXE_BYTES,
    HTML_BYTES,
    TEXT_BYTES,
    docx_bytes,
    docx_reordered_bytes,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    upload,
    zip_bytes,
)


def xlsx_bytes() -> bytes:
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Số liệu"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def odt_bytes() -> bytes:
    """An OpenDocument text: its first member, stored uncompressed, is `mimetype`."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (pdf_bytes(), "a.pdf", "application/pdf"),
        (png_bytes(), "a.png", "image/png"),
        (jpeg_bytes(), "a.jpg", "image/jpeg"),
        (docx_bytes(), "a.docx", DOCX),
        (xlsx_bytes(), "a.xlsx", XLSX),
        (odt_bytes(), "a.odt", "application/vnd.oasis.opendocument.text"),
        (zip_bytes(), "a.zip", "application/zip"),
        (pdf_bytes(), "no-extension", "application/pdf"),
    ],
    ids=["pdf", "png", "jpeg", "docx", "xlsx", "odt", "zip", "pdf-without-extension"],
)
def test_allowed_files_are_recognised_by_content(content, name, expected):
    """PDF, images, Office and OpenDocument files and ZIP archives pass, with their detected type."""
    assert check_upload(upload(content, name)) == expected


def test_docx_seen_as_zip_by_libmagic_is_still_a_docx():
    """A DOCX whose first member is not [Content_Types].xml is recognised by its members."""
    assert check_upload(upload(docx_reordered_bytes(), "bao-cao.docx")) == DOCX


@pytest.mark.parametrize(
    ("content", "detected"),
    [(EXE_BYTES, "application/x-dosexec"), (HTML_BYTES, "text/html"), (TEXT_BYTES, "text/plain")],
    ids=["exe", "html", "text"],
)
def test_renamed_executable_html_or_text_is_refused(content, detected):
    """The .pdf extension does not help a file that is not a PDF; the message names the file and says in
    words that it is not a PDF (never the detected MIME type)."""
    with pytest.raises(ValidationError, match=re.escape("The file bao-cao.pdf is not a PDF file")) as caught:
        check_upload(upload(content, "bao-cao.pdf"))
    assert caught.value.code == "wrong_type"
    assert caught.value.messages == [
        "The file bao-cao.pdf is not a PDF file, although its name ends in .pdf; allowed: PDF, Word, Excel, OpenDocument, JPG, PNG, ZIP."
    ]
    assert detected not in caught.value.messages[0]


def test_truncated_zip_is_refused():
    """Something that starts like a ZIP but has no directory is not accepted as an archive."""
    with pytest.raises(ValidationError, match=re.escape("The file ho-so.zip is not a ZIP file")) as caught:
        check_upload(upload(zip_bytes()[:40] + b"\x00" * 64, "ho-so.zip"))
    assert caught.value.code == "wrong_type"


def test_oversized_file_is_refused(settings):
    """Above EVIDENCE_MAX_BYTES the file is refused before its content is read."""
    settings.EVIDENCE_MAX_BYTES = 1000
    content = pdf_bytes() + b"%" * 2000
    with pytest.raises(
        ValidationError, match=re.escape("The file lon.pdf is ") + r".*the limit is 1000"
    ) as caught:
        check_upload(upload(content, "lon.pdf"))
    assert caught.value.code == "too_large"
    assert caught.value.messages == [
        f"The file lon.pdf is {len(content) / 1024:.1f}\xa0KB; the limit is 1000\xa0bytes."
    ]


def test_empty_file_is_refused():
    with pytest.raises(ValidationError, match=re.escape("The file rong.pdf is empty.")) as caught:
        check_upload(upload(b"", "rong.pdf"))
    assert caught.value.messages == ["The file rong.pdf is empty."]


def test_sha256_is_streamed_from_a_temporary_file():
    """A large upload on disk is hashed in chunks and left rewound for storage."""
    content = pdf_bytes() + bytes(range(256)) * 20_000
    uploaded = TemporaryUploadedFile("gros.pdf", "application/pdf", len(content), None)
    uploaded.write(content)
    uploaded.flush()
    assert check_upload(uploaded) == "application/pdf"
    assert sha256_of(uploaded) == hashlib.sha256(content).hexdigest()
    assert uploaded.tell() == 0
    uploaded.close()


def test_a_mimetype_member_is_never_inflated_whole():
    """A ZIP whose "mimetype" member unpacks to 200 MB is typed from its first bytes only."""
    import io
    import tracemalloc
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("mimetype", "w", force_zip64=True) as member:
            member.write(b"application/vnd.oasis.opendocument.text")
            for _ in range(200):
                member.write(b" " * (1024 * 1024))
        archive.writestr("content.xml", "<office:document-content/>")
    assert len(buffer.getvalue()) < 1024 * 1024
    tracemalloc.start()
    try:
        detected = check_upload(upload(buffer.getvalue(), "ho-so.odt"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert detected == "application/vnd.oasis.opendocument.text"
    assert peak < 20 * 1024 * 1024
