"""Issue 14: an engine or file message shown outside self-assessment (criteria and survey imports,
measures input, account imports, the compute job) writes its numbers the way people read them (2,5 in
Vietnamese, 2.5 in English), a rule's reason inside an import problem too."""

from decimal import Decimal

from django.utils import translation

from accounts.imports import RowProblem
from measures.services import Problem as MeasureProblem
from scoring.engine.model import Message
from scoring.formats.document import M
from scoring.formats.document import Problem as CriteriaProblem
from surveys.problems import cell

OUTSIDE = "points %(points)s outside 0…%(max)s"


def reason():
    return Message(OUTSIDE, {"points": Decimal("2.75"), "max": Decimal("2.5000")})


def test_a_criteria_file_problem_writes_vietnamese_numbers():
    problem = CriteriaProblem(M("%(code)s", code="1.2"), reason())
    with translation.override("vi"):
        text = str(problem)
    assert text.startswith("1.2: ")  # a criteria code is not a number
    assert "2,75" in text and text.endswith("2,5") and "2.5" not in text


def test_a_survey_file_problem_writes_vietnamese_numbers():
    problem = cell(7, "C", reason())
    with translation.override("vi"):
        assert "2,75" in str(problem) and "2.5" not in str(problem)
    with translation.override("en"):
        assert str(problem).endswith("points 2.75 outside 0…2.5")


def test_a_measures_problem_writes_the_numbers_of_a_rules_reason():
    """A measures problem holds the engine's message as a parameter: its numbers too."""
    problem = MeasureProblem(4, "C", Message("%(code)s: %(reason)s", {"code": "2.1", "reason": reason()}))
    with translation.override("vi"):
        assert problem.message.startswith("2.1: ")
        assert "2,75" in problem.message and problem.message.endswith("2,5")
    # The job stores it as data and reads it back: still a number there.
    again = MeasureProblem.from_data(problem.as_data())
    with translation.override("en"):
        assert again.message.endswith("points 2.75 outside 0…2.5")


def test_an_account_import_problem_writes_vietnamese_numbers():
    problem = RowProblem(3, "B", Message("at most %(max)s", {"max": Decimal("1.50")}))
    with translation.override("vi"):
        assert str(problem).endswith("1,5")
