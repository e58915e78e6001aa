"""Questionnaires as files: exact JSON and XLSX round trips, bad files refused whole with every problem named."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import load_workbook

from surveys.formats import (
    OPTIONS,
    QUESTIONS,
    questionnaire_from_document,
    questionnaire_to_document,
    questionnaire_to_xlsx,
    xlsx_to_questionnaire,
)
from surveys.models import AnswerOption, Questionnaire
from surveys.problems import SurveyFileError
from tests.factories import PeriodFactory

from .factories import make_survey, questionnaire_document, respond

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def survey():
    return make_survey()


def problems_of(survey, document, *, match: str, **kwargs) -> list[str]:
    """Every problem of a refused document; `match` is a regex of one of them (the refusal expected)."""
    before = Questionnaire.objects.count()
    with pytest.raises(SurveyFileError, match=match) as refused:
        questionnaire_from_document(period=survey.period, block=survey.block, document=document, **kwargs)
    assert Questionnaire.objects.count() == before
    return [str(problem) for problem in refused.value.problems]


def test_json_export_imports_back_to_the_same_document(survey):
    exported = questionnaire_to_document(survey.questionnaire)
    assert exported == {**questionnaire_document(), "period": "2022", "block": "so-nganh"}
    text = json.dumps(exported, ensure_ascii=False)
    again = questionnaire_from_document(
        period=survey.period, block=survey.block, document={**json.loads(text), "code": "lan-2"}
    )
    assert questionnaire_to_document(again) == {**exported, "code": "lan-2"}


def test_xlsx_export_imports_back_to_the_same_document(survey):
    exported = questionnaire_to_document(survey.questionnaire)
    document, locations = xlsx_to_questionnaire(questionnaire_to_xlsx(exported))
    assert document == exported
    assert str(locations[("question", "3")]) == "sheet Câu hỏi, row 4"
    questionnaire_from_document(
        period=survey.period, block=survey.block, document=document, locations=locations, replace=True
    )
    assert questionnaire_to_document(Questionnaire.objects.get()) == exported


def test_xlsx_is_readable_by_an_official(survey):
    workbook = load_workbook(
        io.BytesIO(questionnaire_to_xlsx(questionnaire_to_document(survey.questionnaire)))
    )
    assert workbook.sheetnames == [
        "Thông tin",
        "Nhóm đối tượng",
        "Câu hỏi",
        "Phương án trả lời",
        "Trọng số",
        "Kế hoạch mẫu",
    ]
    assert [c.value for c in workbook[QUESTIONS][1]] == [
        "Số câu",
        "Nội dung câu hỏi",
        "Mã tiêu chí",
        "SIPAS (x)",
        "Yếu tố SIPAS",
    ]
    assert [c.value for c in workbook[OPTIONS][2]] == ["1", "1", "Rất tốt", 1, None]
    assert [c.value for c in workbook[OPTIONS][6]] == ["1", "9", "Không biết", None, None]


def test_document_with_omitted_optional_keys_is_accepted(survey):
    document = questionnaire_document()
    document["code"] = "gon"
    for question in document["questions"]:
        for key in ("criterion", "sipas_element"):
            if not question[key]:
                del question[key]
        if not question["sipas"]:
            del question["sipas"]
    del document["sample_plan"]
    stored = questionnaire_from_document(period=survey.period, block=survey.block, document=document)
    assert stored.questions.get(number="5").node is None
    assert AnswerOption.objects.filter(question__questionnaire=stored, coefficient__isnull=True).count() == 4


@pytest.mark.parametrize(
    "spoil, expected",
    [
        (lambda d: d["groups"][1].update(code="hdnd"), "group hdnd: duplicate group code hdnd"),
        (lambda d: d["questions"][1].update(number="1"), "question 1: duplicate question number 1"),
        (
            lambda d: d["questions"][0].update(criterion="1.1"),
            "question 1: 1.1 is not a survey criterion (a leaf with the rule survey) of the set",
        ),
        (
            lambda d: d["questions"][0]["options"][1].update(coefficient="1.5"),
            "question 1: coefficient of option 2 (1.5) must lie within 0…1, with at most 4 decimals",
        ),
        (
            lambda d: d["questions"][0]["options"][1].update(coefficient="tốt"),
            "question 1: coefficient of option 2: tốt is not a number",
        ),
        (lambda d: d["questions"][0]["options"][2].update(key="1"), "question 1: duplicate option key 1"),
        (
            lambda d: d["questions"][2]["options"][5].update(satisfied=True),
            "question 3: a “don't know” option cannot count as satisfied",
        ),
        (
            lambda d: [o.update(satisfied=False) for o in d["questions"][3]["options"]],
            "question 4: a SIPAS question needs at least one option that counts as satisfied",
        ),
        (
            lambda d: d["questions"][0]["options"][0].update(satisfied=True),
            "question 1: only an option of a SIPAS question counts as satisfied",
        ),
        (
            lambda d: d["questions"][4].update(options=d["questions"][4]["options"][:1]),
            "question 5: a question needs at least two answer options",
        ),
        (
            lambda d: d["weights"].append({"criterion": "8.2", "group": "khach", "weight": "1"}),
            "weight of group khach for criterion 8.2: unknown respondent group khach",
        ),
        (
            lambda d: d["weights"][0].update(weight="-1"),
            "weight of group hdnd for criterion 8.1: weight -1 must be 0 or more",
        ),
        (
            lambda d: [w.update(weight="0") for w in d["weights"]],
            "criterion 8.1: the group weights of criterion 8.1 sum to 0",
        ),
        (
            lambda d: d["sample_plan"][0].update(agency="huyen-x"),
            "sample plan for huyen-x, group dan: huyen-x is not an agency of block so-nganh active in 2022",
        ),
        (
            lambda d: d["sample_plan"][0].update(planned="2.5"),
            "sample plan for so-a, group dan: planned count 2.5 must be a whole number",
        ),
        (lambda d: d.update(format="khac/1"), "format: unknown format khac/1"),
    ],
)
def test_a_bad_document_is_refused_whole_and_names_the_problem(survey, spoil, expected):
    document = questionnaire_document()
    document["code"] = "moi"
    spoil(document)
    problems = problems_of(survey, document, match=re.escape(expected))
    assert any(problem.startswith(expected) for problem in problems), problems


def test_every_problem_is_named_at_once(survey):
    document = questionnaire_document()
    document["code"] = "moi"
    document["groups"][1]["code"] = "hdnd"
    document["questions"][0]["criterion"] = "9.9"
    document["weights"][0]["weight"] = "nặng"
    assert problems_of(survey, document, match="duplicate group code hdnd") == [
        "group hdnd: duplicate group code hdnd",
        "question 1: 9.9 is not a survey criterion (a leaf with the rule survey) of the set",
        "weight of group hdnd for criterion 8.1: nặng is not a number",
        "weight of group mttq for criterion 8.1: unknown respondent group mttq",
    ]


def test_an_existing_questionnaire_is_kept_unless_replaced_and_never_once_answered(survey):
    document = questionnaire_document()
    assert problems_of(
        survey, document, match=re.escape("already has a questionnaire so-nganh-2022 (use replace)")
    ) == ["questionnaire: 2022 already has a questionnaire so-nganh-2022 (use replace)"]
    document["title"] = "Tên mới"
    questionnaire_from_document(period=survey.period, block=survey.block, document=document, replace=True)
    replaced = Questionnaire.objects.get()
    assert replaced.title == "Tên mới"
    respond(replaced, "1", "dan", survey.a, q1="1")
    assert problems_of(
        survey, document, replace=True, match="already has responses and cannot be replaced"
    ) == ["questionnaire: questionnaire so-nganh-2022 already has responses and cannot be replaced"]


def test_a_criterion_needs_the_periods_criteria_set(survey):
    other = PeriodFactory(year=2030)
    with pytest.raises(SurveyFileError, match="2030 has no criteria set for block so-nganh") as refused:
        questionnaire_from_document(period=other, block=survey.block, document=questionnaire_document())
    problems = [str(p) for p in refused.value.problems]
    assert "question 1: criterion 8.1: 2030 has no criteria set for block so-nganh" in problems


def test_a_bad_xlsx_cell_is_named_by_sheet_row_and_column(survey):
    workbook = load_workbook(
        io.BytesIO(questionnaire_to_xlsx(questionnaire_to_document(survey.questionnaire)))
    )
    workbook[OPTIONS]["D3"] = "ba phần tư"  # question 1, option 2
    workbook[OPTIONS]["A4"] = "99"  # an option of a question that does not exist
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(SurveyFileError, match="ba phần tư is not a number") as refused:
        xlsx_to_questionnaire(out.getvalue())
    assert [str(p) for p in refused.value.problems] == [
        "sheet Phương án trả lời, row 3, column Hệ số (trống = không biết): ba phần tư is not a number",
        "sheet Phương án trả lời, row 4, column Số câu: no question 99 in the sheet Câu hỏi",
    ]


def test_an_xlsx_validation_problem_is_named_by_its_row(survey):
    document = questionnaire_to_document(survey.questionnaire)
    document["questions"][1]["criterion"] = "1"
    parsed, locations = xlsx_to_questionnaire(questionnaire_to_xlsx({**document, "code": "moi"}))
    problems = problems_of(
        survey,
        parsed,
        locations=locations,
        match=re.escape("1 is not a survey criterion (a leaf with the rule survey)"),
    )
    assert problems == [
        "sheet Câu hỏi, row 3: 1 is not a survey criterion (a leaf with the rule survey) of the set"
    ]


def test_not_a_workbook_is_refused():
    with pytest.raises(SurveyFileError, match="not an XLSX workbook"):
        xlsx_to_questionnaire(b"%PDF-1.7")


def test_commands_export_and_import(survey, tmp_path, capsys):
    json_path, xlsx_path, template = tmp_path / "q.json", tmp_path / "q.xlsx", tmp_path / "mau.xlsx"
    common = {"period": "2022", "questionnaire": "so-nganh-2022"}
    call_command("export_questionnaire", output=str(json_path), **common)
    call_command("export_questionnaire", format="xlsx", output=str(xlsx_path), **common)
    call_command("export_questionnaire", format="template", output=str(template), **common)
    exported = json.loads(json_path.read_text(encoding="utf-8"))
    call_command("import_questionnaire", str(xlsx_path), period="2022", block="so-nganh", replace=True)
    assert questionnaire_to_document(Questionnaire.objects.get()) == exported
    assert "4 groups, 5 questions imported" in capsys.readouterr().out
    assert load_workbook(template).sheetnames[0] == "Phiếu"

    exported["questions"][0]["number"] = "2"
    json_path.write_text(json.dumps(exported), encoding="utf-8")
    with pytest.raises(CommandError, match="refused, 1 problem"):
        call_command("import_questionnaire", str(json_path), period="2022", block="so-nganh", replace=True)
    assert "question 2: duplicate question number 2" in capsys.readouterr().err


@pytest.mark.parametrize("state", ["approved", "published"])
def test_an_approved_periods_questionnaire_is_not_replaced_by_any_path(survey, tmp_path, capsys, state):
    """Approval freezes the survey: the store refuses, so the command (the operator at the server), the
    page and the API all do; nothing is replaced. The last open state still accepts it (below)."""
    document = questionnaire_document()
    document["title"] = "Tên mới"
    survey.period.state = state
    survey.period.save(update_fields=["state"])
    expected = (
        f"questionnaire: The results of {survey.period.name} are approved: its inputs can no longer change."
    )
    assert problems_of(survey, document, replace=True, match="are approved") == [expected]
    path = tmp_path / "q.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError, match="refused, 1 problem"):
        call_command("import_questionnaire", str(path), period="2022", block="so-nganh", replace=True)
    assert expected in capsys.readouterr().err
    assert Questionnaire.objects.get().title != "Tên mới"

    survey.period.state = "council"  # the last state before approval
    survey.period.save(update_fields=["state"])
    call_command("import_questionnaire", str(path), period="2022", block="so-nganh", replace=True)
    assert Questionnaire.objects.get().title == "Tên mới"


def test_an_import_and_a_replacement_are_audited(survey, tmp_path):
    """A questionnaire decides how answers score (its questions' criteria, coefficients, group weights), and
    it may be replaced until approval: who replaced which questionnaire with which document, and when, is
    kept in its history, as a criteria set's import is (the document's SHA-256 names it)."""
    from scoring.services import criteria_document_digest

    first = Questionnaire.objects.get()
    created = first.history.get()
    assert created.history_type == "+"
    assert created.history_change_reason == (
        f"questionnaire (direct): sha256 {criteria_document_digest(questionnaire_document())}"
    )

    document = questionnaire_document()
    document["title"] = "Tên mới"
    survey.period.state = "appraisal"
    survey.period.save(update_fields=["state"])
    path = tmp_path / "q.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    call_command("import_questionnaire", str(path), period="2022", block="so-nganh", replace=True)
    reason = f"questionnaire (command): sha256 {criteria_document_digest(document)}"
    removed = Questionnaire.history.get(id=first.pk, history_type="-")
    assert (removed.title, removed.history_change_reason) == (first.title, reason)
    replacement = Questionnaire.objects.get()
    added = replacement.history.get()
    assert (added.history_type, added.title, added.history_change_reason) == ("+", "Tên mới", reason)


def test_a_replacement_names_who_imported_it(survey):
    from tests.factories import UserFactory

    official = UserFactory(username="noivu", role="home_affairs")
    document = questionnaire_document()
    document["title"] = "Tên mới"
    questionnaire_from_document(
        period=survey.period, block=survey.block, document=document, replace=True, acting_user=official,
        via="page",
    )  # fmt: skip
    assert Questionnaire.objects.get().history.get().history_user == official
