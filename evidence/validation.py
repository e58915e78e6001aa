"""Checks on an uploaded evidence file by its content (libmagic), not its name; streaming SHA-256."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import PurePath

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

HEAD_BYTES = 8 * 1024
HASH_CHUNK_BYTES = 1024 * 1024

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"

# libmagic names a ZIP container by its first members; older versions (and DOCX files written by some
# tools, whose first member is not [Content_Types].xml) come out as plain ZIP. The members decide.
ZIP_TYPES = frozenset({ZIP, "application/x-zip-compressed", "application/octet-stream"})
OOXML_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX}
ODF_TYPES = frozenset(
    {"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet"}
)
# Legacy Office files are OLE compound documents; when libmagic cannot tell Word from Excel it says
# CDFV2 and the name's extension decides between the two (both are allowed).
OLE_TYPES = frozenset({"application/CDFV2", "application/x-ole-storage", "application/vnd.ms-office"})
OLE_BY_SUFFIX = {".doc": DOC, ".xls": XLS}

# Refusals name the kind of file in words (the detected MIME type stays in the error's params for logs).
WRONG_TYPE = _(
    "The file %(name)s is not of a kind accepted; allowed: PDF, Word, Excel, OpenDocument, JPG, PNG, ZIP."
)
NOT_THAT_KIND = _(
    "The file %(name)s is not a %(kind)s file, although its name ends in %(suffix)s; allowed: PDF, Word, "
    "Excel, OpenDocument, JPG, PNG, ZIP."
)
KIND_BY_SUFFIX = {
    ".pdf": "PDF", ".doc": "Word", ".docx": "Word", ".xls": "Excel", ".xlsx": "Excel",
    ".odt": "OpenDocument", ".ods": "OpenDocument", ".jpg": "JPG", ".jpeg": "JPG", ".png": "PNG", ".zip": "ZIP",
}  # fmt: skip
TOO_LARGE = _("The file %(name)s is %(size)s; the limit is %(limit)s.")
EMPTY = _("The file %(name)s is empty.")


def check_upload(uploaded_file: File) -> str:
    """The file's content type, detected from its first 8 KB; ValidationError if its size or type is refused."""
    name = uploaded_file.name
    size = uploaded_file.size
    if not size:
        raise ValidationError(EMPTY, code="empty", params={"name": name})
    if size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            TOO_LARGE,
            code="too_large",
            params={
                "name": name,
                "size": filesizeformat(size),
                "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES),
            },
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(HEAD_BYTES)
    uploaded_file.seek(0)
    content_type = magic.from_buffer(head, mime=True)
    if content_type in ZIP_TYPES and head.startswith(b"PK\x03\x04"):
        content_type = _zip_container_type(uploaded_file)
    elif content_type in OLE_TYPES:
        content_type = OLE_BY_SUFFIX.get(PurePath(name).suffix.lower(), content_type)
    if content_type not in settings.EVIDENCE_ALLOWED_TYPES:
        suffix = PurePath(name).suffix.lower()
        params = {"name": name, "type": content_type, "suffix": suffix, "kind": KIND_BY_SUFFIX.get(suffix)}
        raise ValidationError(
            NOT_THAT_KIND if params["kind"] else WRONG_TYPE, code="wrong_type", params=params
        )
    return content_type


def _zip_container_type(uploaded_file: File) -> str:
    """DOCX, XLSX, ODT/ODS by their members, else plain ZIP. Reads only the archive's directory."""
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                # Only the first bytes are inflated: a "mimetype" member may be a zip bomb.
                with archive.open("mimetype") as member:
                    declared = member.read(100).decode("ascii", "replace").strip()
                if declared in ODF_TYPES:
                    return declared
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return "application/octet-stream"  # starts like a ZIP but is not one
    finally:
        uploaded_file.seek(0)
    if "[Content_Types].xml" in names:
        for part, content_type in OOXML_PARTS.items():
            if part in names:
                return content_type
    return ZIP


def sha256_of(uploaded_file: File) -> str:
    """Hex SHA-256 of the file, read in chunks so a large upload never sits in memory whole."""
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks(HASH_CHUNK_BYTES):
        digest.update(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest()
