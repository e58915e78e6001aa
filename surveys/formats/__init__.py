"""Questionnaires as files (docs/formats.md): a document (plain dict) ⇄ database, with JSON and XLSX
carriers. A file is validated whole and refused with every problem named, or stored whole.

common.py (format name, cell values), validation.py (validate_questionnaire, in named steps), store.py
(document ⇄ database), xlsx.py (the workbook carrier)."""

from .common import FORMAT
from .store import questionnaire_from_document, questionnaire_import, questionnaire_to_document
from .validation import validate_questionnaire
from .xlsx import (
    GROUPS,
    INFO,
    OPTIONS,
    PLAN,
    QUESTIONS,
    WEIGHTS,
    questionnaire_to_xlsx,
    xlsx_to_questionnaire,
)

__all__ = [
    "FORMAT",
    "GROUPS",
    "INFO",
    "OPTIONS",
    "PLAN",
    "QUESTIONS",
    "WEIGHTS",
    "questionnaire_from_document",
    "questionnaire_import",
    "questionnaire_to_document",
    "questionnaire_to_xlsx",
    "validate_questionnaire",
    "xlsx_to_questionnaire",
]
