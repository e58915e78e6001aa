"""Problems found in a survey file, each named by where it is (question, or sheet/row/column) and what."""

from __future__ import annotations

from dataclasses import dataclass

from scoring.engine.model import Message, gettext_noop
from scoring.formats.document import M, Problem

__all__ = ["M", "CellProblem", "Problem", "SurveyFileError", "cell", "gettext_noop", "location"]


@dataclass(frozen=True)
class CellProblem(Problem):
    """A problem at one row (and column) of a response file; `row` counts from 1 like a spreadsheet."""

    row: int | None = None
    column: str | None = None


def location(row: int | None, column: str | None = None, sheet: str | None = None) -> Message:
    """Where in a file: sheet (XLSX only), row and column, as far as known."""
    if row is None and column is None:
        return M(gettext_noop("file"))
    if column is not None and str(column).strip().isdigit():
        # A numbered column holds the answers to that question: say "question 1", not "column 1".
        return _question_location(row, str(column).strip(), sheet)
    if row is None:
        return M(gettext_noop("column %(column)s"), column=column)
    if sheet and column:
        return M(
            gettext_noop("sheet %(sheet)s, row %(row)s, column %(column)s"),
            sheet=sheet,
            row=row,
            column=column,
        )
    if sheet:
        return M(gettext_noop("sheet %(sheet)s, row %(row)s"), sheet=sheet, row=row)
    if column:
        return M(gettext_noop("row %(row)s, column %(column)s"), row=row, column=column)
    return M(gettext_noop("row %(row)s"), row=row)


def cell(row: int | None, column: str | None, message: Message, sheet: str | None = None) -> CellProblem:
    return CellProblem(location(row, column, sheet), message, row, column)


class SurveyFileError(ValueError):
    """A questionnaire or response file refused whole; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _question_location(row: int | None, question: str, sheet: str | None) -> Message:
    if row is None:
        return M(gettext_noop("question %(question)s"), question=question)
    if sheet:
        return M(
            gettext_noop("sheet %(sheet)s, row %(row)s, question %(question)s"),
            sheet=sheet,
            row=row,
            question=question,
        )
    return M(gettext_noop("row %(row)s, question %(question)s"), row=row, question=question)
