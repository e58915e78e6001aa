"""The Vietnamese catalog is complete and compiled: every message a user can meet has its translation."""

import re
from pathlib import Path

from django.utils import translation

CATALOG = Path(__file__).resolve().parents[2] / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def test_every_message_has_a_vietnamese_translation():
    text = CATALOG.read_text(encoding="utf-8")
    header, _, body = text.partition("\n\n")
    empty = re.findall(r'\nmsgid ((?:".*"\n?)+)msgstr ""\n(?!")', "\n" + body + "\n")
    assert empty == []
    assert "#, fuzzy" not in body


def test_the_compiled_catalog_is_current():
    with translation.override("vi"):
        assert translation.gettext("the file is not an XLSX workbook") == "tệp không phải là bảng tính XLSX"
