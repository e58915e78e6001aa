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


def test_every_plural_message_has_its_vietnamese_form():
    """Vietnamese has one plural form (msgstr[0]); an empty one shows the English on a Vietnamese page."""
    body = CATALOG.read_text(encoding="utf-8").partition("\n\n")[2]
    plurals = re.findall(r"\nmsgid_plural .*\n", body)
    empty = re.findall(r'\nmsgid (".*")\nmsgid_plural (?:".*"\n)+msgstr\[0\] ""\n(?!")', "\n" + body)
    assert plurals, "the catalog has plural messages (ngettext/blocktranslate count)"
    assert empty == []
    with translation.override("vi"):
        assert (
            translation.ngettext(
                "%(kept)s value entered by hand or imported was kept as it is.",
                "%(kept)s values entered by hand or imported were kept as they are.",
                3,
            )
            % {"kept": 3}
            == "Giữ nguyên 3 giá trị nhập tay hoặc nhập từ tệp."
        )


def _written_twice(text: str) -> bool:
    half = len(text) // 2
    return len(text) > 1 and len(text) % 2 == 0 and text[:half] == text[half:]


def test_no_translation_is_its_sentence_written_twice():
    """A translation that is one sentence twice over ("Đang hiện 18 cơ quan, đơn vị; …hiện.Đang hiện 18
    cơ quan, đơn vị; …") read so on the assignment grid and an appraiser's home page."""
    body = CATALOG.read_text(encoding="utf-8").partition("\n\n")[2]
    translations = re.findall(r'\nmsgstr(?:\[0\])? "(.+)"\n', body)
    assert translations
    assert [text for text in translations if _written_twice(text)] == []
    with translation.override("vi"):
        shown = translation.ngettext(
            "%(counter)s agency shown; saving changes only the rows shown.",
            "%(counter)s agencies shown; saving changes only the rows shown.",
            18,
        ) % {"counter": 18}
    assert shown == "Đang hiện 18 cơ quan, đơn vị; khi lưu chỉ thay đổi các dòng đang hiện."


# Django's own messages a form of ours can show, which Django's Vietnamese catalog leaves untranslated.
DJANGO_FORM_MESSAGES = [
    "Null characters are not allowed.",
    "Enter a valid JSON.",
    "Enter a complete value.",
    "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.",
    "“%(pk)s” is not a valid value.",
    "ManagementForm data is missing or has been tampered with. Missing fields: %(field_names)s. You may need to file a bug report if the issue persists.",
]


def test_djangos_form_messages_read_in_vietnamese_too():
    """A NUL pasted into a form, bad JSON in an admin field: the refusal is Vietnamese, not English."""
    with translation.override("vi"):
        untranslated = [m for m in DJANGO_FORM_MESSAGES if translation.gettext(m) == m]
    assert untranslated == []
