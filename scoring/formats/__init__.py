"""Criteria sets as files: a document (plain dict) ⇄ database, with JSON and XLSX carriers."""

from .document import FORMAT, CriteriaFileError, Problem, validate_document
from .store import criteria_set_from_document, criteria_set_to_document

__all__ = [
    "FORMAT",
    "CriteriaFileError",
    "Problem",
    "criteria_set_from_document",
    "criteria_set_to_document",
    "validate_document",
]
