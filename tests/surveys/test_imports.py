"""Response files: streamed, refused whole with every bad cell named, idempotent by serial."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook, load_workbook

from parindex.jobs import JobStatus
from surveys.imports import responses_import, responses_template_xlsx
from surveys.management.commands.import_responses import Command as ImportResponses
from surveys.models import Answer, ImportBatch, Response
from surveys.problems import CellProblem, SurveyFileError
from surveys.selectors import survey_leaf_values

from .factories import make_survey, respond

pytestmark = pytest.mark.django_db

HEADER = ["Số phiếu", "Mã nhóm", "Mã cơ quan", "1", "2", "3", "4", "5"]
GOOD = [
    ["P001", "hdnd", "so-a", "1", "2", "2", "4", "a"],
    ["P002", "hdnd", "so-a", "9", "3", "", "", ""],
    ["P003", "dan", "so-a", "2", "2", "5", "3", ""],
    ["P004", "dan", "so-b", "1", "", "", "", "b"],
]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def survey():
    return make_survey()


def csv_bytes(rows, header=HEADER, bom=True, delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8")


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        # Typed the way Excel would keep them: option keys and some serials as numbers.
        sheet.append([int(v) if v.isdigit() else (v or None) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def stored_answers() -> set[tuple[str, str, str, str, str]]:
    return set(
        Answer.objects.values_list(
            "response__serial",
            "response__group__code",
            "response__agency__code",
            "question__number",
            "option__key",
        )
    )


EXPECTED = {
    ("P001", "hdnd", "so-a", "1", "1"),
    ("P001", "hdnd", "so-a", "2", "2"),
    ("P001", "hdnd", "so-a", "3", "2"),
    ("P001", "hdnd", "so-a", "4", "4"),
    ("P001", "hdnd", "so-a", "5", "a"),
    ("P002", "hdnd", "so-a", "1", "9"),
    ("P002", "hdnd", "so-a", "2", "3"),
    ("P003", "dan", "so-a", "1", "2"),
    ("P003", "dan", "so-a", "2", "2"),
    ("P003", "dan", "so-a", "3", "5"),
    ("P003", "dan", "so-a", "4", "3"),
    ("P004", "dan", "so-b", "1", "1"),
    ("P004", "dan", "so-b", "5", "b"),
}


def problems_of(survey, data, *, match: str) -> list[str]:
    """Every problem of a refused file; `match` is a regex of one of them (the refusal expected)."""
    before = (Response.objects.count(), stored_answers())
    with pytest.raises(SurveyFileError, match=match) as refused:
        responses_import(questionnaire=survey.questionnaire, file=data, file_name="phieu.csv")
    assert (Response.objects.count(), stored_answers()) == before
    assert ImportBatch.objects.order_by("-id").first().status == JobStatus.REFUSED
    return [str(problem) for problem in refused.value.problems]


def test_csv_with_bom_is_imported(survey):
    batch = responses_import(questionnaire=survey.questionnaire, file=csv_bytes(GOOD), file_name="phieu.csv")
    assert (batch.rows, batch.added, batch.skipped, batch.status) == (4, 4, 0, JobStatus.STORED)
    assert stored_answers() == EXPECTED
    assert set(Response.objects.values_list("source", "import_batch")) == {("imported", batch.id)}
    assert len(batch.sha256) == 64


def test_an_uploaded_csv_without_bom_and_with_semicolons_is_imported(survey):
    upload = SimpleUploadedFile("phieu.csv", csv_bytes(GOOD, bom=False, delimiter=";"))
    responses_import(questionnaire=survey.questionnaire, file=upload, file_name=upload.name)
    assert stored_answers() == EXPECTED
    assert not upload.closed


def test_xlsx_is_imported_from_a_path(survey, tmp_path):
    path = tmp_path / "phieu.xlsx"
    path.write_bytes(xlsx_bytes(GOOD))
    batch = responses_import(questionnaire=survey.questionnaire, file=path)
    assert batch.file_name == "phieu.xlsx"
    assert stored_answers() == EXPECTED


def test_an_imported_file_gives_the_same_values_as_entered_answers(survey):
    responses_import(questionnaire=survey.questionnaire, file=csv_bytes(GOOD))
    imported = {k: v.value for k, v in survey_leaf_values(period=survey.period).items()}
    Answer.objects.all().delete()
    Response.objects.all().delete()
    respond(survey.questionnaire, "P001", "hdnd", survey.a, q1="1", q2="2", q3="2", q4="4", q5="a")
    respond(survey.questionnaire, "P002", "hdnd", survey.a, q1="9", q2="3")
    respond(survey.questionnaire, "P003", "dan", survey.a, q1="2", q2="2", q3="5", q4="3")
    respond(survey.questionnaire, "P004", "dan", survey.b, q1="1", q5="b")
    assert {k: v.value for k, v in survey_leaf_values(period=survey.period).items()} == imported


def test_one_bad_row_refuses_the_file_and_every_problem_is_named(survey):
    rows = [
        *GOOD,
        ["P005", "sinh-vien", "so-a", "1", "1", "", "", ""],  # row 6: unknown group
        ["P006", "dan", "huyen-x", "7", "1", "", "", ""],  # row 7: other block, and no option 7
        ["P007", "dan", "so-khong-co", "1", "1", "", "", ""],  # row 8: unknown agency
        ["P001", "dan", "so-a", "1", "1", "", "", ""],  # row 9: serial repeated
        ["", "dan", "so-a", "1", "1", "", "", ""],  # row 10: no serial
    ]
    problems = problems_of(survey, csv_bytes(rows), match="unknown respondent group sinh-vien")
    assert problems == [
        "row 6, column Mã nhóm: unknown respondent group sinh-vien (expected hdnd, mttq, dan, huyen)",
        "row 7, column Mã cơ quan: agency huyen-x is not in the block this questionnaire assesses",
        "row 7, question 1: 7 is not an option of question 1 (options: 1, 2, 3, 4, 9)",
        "row 8, column Mã cơ quan: unknown agency so-khong-co",
        "row 9, column Số phiếu: serial P001 is repeated (first on row 2)",
        "row 10, column Số phiếu: the serial number is missing",
    ]


def test_problems_carry_row_and_column(survey):
    data = csv_bytes([["P1", "dan", "so-a", "6", "", "", "", ""]])
    with pytest.raises(SurveyFileError, match=re.escape("6 is not an option of question 1")) as refused:
        responses_import(questionnaire=survey.questionnaire, file=data)
    (problem,) = refused.value.problems
    assert isinstance(problem, CellProblem)
    assert (problem.row, problem.column) == (2, "1")
    assert (
        problem.message.template == "%(value)s is not an option of question %(number)s (options: %(options)s)"
    )


def test_an_xlsx_problem_names_the_spreadsheet_row(survey):
    rows = [*GOOD, ["", "", "", "", "", "", "", ""], ["P009", "dan", "so-a", "1", "8", "", "", ""]]
    problems = problems_of(survey, xlsx_bytes(rows), match="8 is not an option of question 2")
    assert problems == ["row 7, question 2: 8 is not an option of question 2 (options: 1, 2, 3, 4, 9)"]


def test_bad_headers_are_named(survey):
    header = ["Số phiếu", "Mã cơ quan", "1", "Câu 2", "6", "1"]
    problems = problems_of(
        survey,
        csv_bytes([["P1", "so-a", "1", "1", "", ""]], header=header),
        match="the column Mã nhóm is missing",
    )
    assert problems == [
        "row 1, question 6: unknown column 6: expected Số phiếu, Mã nhóm, Mã cơ quan or a question number "
        "of questionnaire so-nganh-2022",
        "row 1, question 1: the column appears twice",
        "row 1: the column Mã nhóm is missing",
    ]


def test_the_same_file_twice_is_stored_once(survey):
    data = csv_bytes(GOOD)
    responses_import(questionnaire=survey.questionnaire, file=data)
    again = responses_import(questionnaire=survey.questionnaire, file=data)
    assert (again.added, again.skipped, again.status) == (0, 4, JobStatus.UNCHANGED)
    assert Response.objects.count() == 4
    assert stored_answers() == EXPECTED


def test_a_file_overlapping_stored_serials_adds_only_new_ones(survey):
    responses_import(questionnaire=survey.questionnaire, file=csv_bytes(GOOD[:2]))
    batch = responses_import(questionnaire=survey.questionnaire, file=xlsx_bytes(GOOD))
    assert (batch.added, batch.skipped) == (2, 2)
    assert stored_answers() == EXPECTED


def test_a_serial_stored_with_different_answers_is_a_conflict(survey):
    responses_import(questionnaire=survey.questionnaire, file=csv_bytes(GOOD))
    changed = [list(row) for row in GOOD] + [["P010", "dan", "so-a", "1", "", "", "", ""]]
    changed[1][4] = "4"  # P002 question 2: stored 3
    changed[2][2] = "so-b"  # P003 about another agency
    changed[3][7] = ""  # P004 question 5 left empty: stored b
    with pytest.raises(
        SurveyFileError, match=re.escape("serial P002 is already stored with a different value")
    ) as refused:
        responses_import(questionnaire=survey.questionnaire, file=csv_bytes(changed))
    assert [str(p) for p in refused.value.problems] == [
        "row 3, question 2: serial P002 is already stored with a different value here (stored: 3)",
        "row 4, column Mã cơ quan: serial P003 is already stored with a different value here (stored: so-a)",
        "row 5, question 5: serial P004 is already stored with a different value here (stored: b)",
    ]
    assert Response.objects.count() == 4
    assert stored_answers() == EXPECTED


def test_not_a_response_file_is_refused(survey):
    problems = problems_of(survey, b"\xff\xfe\x00binary", match="neither an XLSX workbook nor UTF-8 CSV text")
    assert problems == ["row 1: the file is neither an XLSX workbook nor UTF-8 CSV text"]
    assert problems_of(survey, b"", match="the file is empty")[-1] == "file: the file is empty"


@pytest.fixture
def small_batches(monkeypatch):
    import surveys.imports as imports

    monkeypatch.setattr(imports, "CHECK_BATCH", 2)
    monkeypatch.setattr(imports, "STORE_BATCH", 2)
    monkeypatch.setattr(imports, "ANSWER_BATCH", 3)


def test_import_is_streamed_in_batches(survey, small_batches):
    """Rows are checked and inserted in batches; with batches of 2 the result is the same."""
    responses_import(questionnaire=survey.questionnaire, file=csv_bytes(GOOD[:3]))
    batch = responses_import(questionnaire=survey.questionnaire, file=csv_bytes(GOOD))
    assert (batch.added, batch.skipped) == (1, 3)
    assert stored_answers() == EXPECTED


def test_problems_in_several_batches_are_each_named_once(survey, small_batches):
    responses_import(questionnaire=survey.questionnaire, file=csv_bytes(GOOD))
    changed = [list(row) for row in GOOD]
    changed[0][3] = "2"  # P001 question 1: stored 1 (first batch)
    changed[3][3] = "3"  # P004 question 1: stored 1 (second batch)
    rows = [*changed, ["P005", "dan", "so-a", "x", "", "", "", ""]]
    assert problems_of(survey, csv_bytes(rows), match=re.escape("serial P004 is already stored")) == [
        "row 2, question 1: serial P001 is already stored with a different value here (stored: 1)",
        "row 5, question 1: serial P004 is already stored with a different value here (stored: 1)",
        "row 6, question 1: x is not an option of question 1 (options: 1, 2, 3, 4, 9)",
    ]


def test_the_template_lists_the_columns_and_imports_once_filled(survey):
    workbook = load_workbook(io.BytesIO(responses_template_xlsx(survey.questionnaire)))
    assert workbook.sheetnames == ["Phiếu", "Nhóm", "Cơ quan", "Câu hỏi"]
    sheet = workbook["Phiếu"]
    assert [c.value for c in sheet[1]] == HEADER
    assert [row[0] for row in workbook["Cơ quan"].iter_rows(min_row=2, values_only=True)] == ["so-a", "so-b"]
    questions = list(workbook["Câu hỏi"].iter_rows(min_row=2, values_only=True))
    assert questions[0][2] == "1 = Rất tốt; 2 = Tốt; 3 = Khá; 4 = Kém; 9 = Không biết"
    for row in GOOD:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    responses_import(questionnaire=survey.questionnaire, file=out.getvalue())
    assert stored_answers() == EXPECTED


def test_command_imports_and_prints_a_summary(survey, tmp_path, capsys):
    path = tmp_path / "phieu.csv"
    path.write_bytes(csv_bytes(GOOD))
    call_command("import_responses", str(path), period="2022")
    call_command("import_responses", str(path), period="2022", questionnaire="so-nganh-2022")
    out = capsys.readouterr().out
    assert "4 rows, 4 responses added, 0 already stored" in out
    assert "4 rows, 0 responses added, 4 already stored" in out


def test_command_refuses_a_bad_file_with_every_problem_on_stderr(survey, tmp_path, capsys):
    path = tmp_path / "phieu.csv"
    path.write_bytes(csv_bytes([*GOOD, ["P005", "dan", "so-x", "1", "", "", "", ""], ["P006", "x", "so-a"]]))
    with pytest.raises(CommandError, match="refused, 2 problem"):
        call_command("import_responses", str(path), period="2022")
    err = capsys.readouterr().err
    assert "row 6, column Mã cơ quan: unknown agency so-x" in err
    assert "row 7, column Mã nhóm: unknown respondent group x" in err
    assert not Response.objects.exists()


def test_command_exits_with_status_1(survey, tmp_path, capsys, monkeypatch):
    """From the command line a refused file ends the process with status 1 (as CommandError does)."""
    path = tmp_path / "phieu.csv"
    path.write_bytes(csv_bytes([["P1", "dan", "so-a", "0", "", "", "", ""]]))
    # run_from_argv closes the connections when done; the test's transaction needs its connection.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    with pytest.raises(SystemExit, match="^1$") as exited:
        ImportResponses().run_from_argv(["manage.py", "import_responses", str(path), "--period", "2022"])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "row 2, question 1: 0 is not an option of question 1" in err
    assert "refused, 1 problem(s); no response was stored" in err
    assert not Response.objects.exists()


def test_command_asks_which_questionnaire_when_there_are_several(survey, tmp_path):
    from .factories import QuestionnaireFactory

    QuestionnaireFactory(period=survey.period, block=survey.block, code="khac")
    path = tmp_path / "phieu.csv"
    path.write_bytes(csv_bytes(GOOD))
    with pytest.raises(CommandError, match="khac, so-nganh-2022"):
        call_command("import_responses", str(path), period="2022")
    named = tmp_path / "so-nganh-2022.csv"
    named.write_bytes(csv_bytes(GOOD))
    call_command("import_responses", str(named), period="2022")
    assert Response.objects.count() == 4


@pytest.mark.parametrize(
    "serial, char", [("P\x00X", "0000"), ("P\x0bX", "000B"), ("\u202eP9", "202E"), ("P\u200b9", "200B")]
)
def test_a_serial_with_an_invisible_character_is_named_not_a_failed_import(survey, serial, char):
    """A NUL in a CSV serial failed the import in PostgreSQL (nothing named); a right-to-left override or
    a zero-width space made a serial that looks like another. Each is a named cell; nothing is stored."""
    rows = [*GOOD, [serial, "dan", "so-a", "1", "", "", "", ""]]
    problems = problems_of(survey, csv_bytes(rows), match="invisible character")
    assert problems == [f"row 6, column Số phiếu: the serial number holds the invisible character U+{char}"]
