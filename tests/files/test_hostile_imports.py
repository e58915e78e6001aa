"""Hostile input files are measured before they are parsed (parindex.safe_files): a zip bomb, a sheet
declaring or holding too many rows, an oversized CSV are refused quickly by every import path (page, API,
command, account import, criteria and questionnaire files), naming the limit and the file's value, and
nothing is stored. Files within the limits still import (the boundary included)."""

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from accounts.imports import AccountsFileError, accounts_read
from accounts.models import AccountImport, User
from parindex.jobs import JobStatus
from parindex.safe_files import FileRefused, file_limits, sheet_rows, xlsx_open, zip_check
from scoring.formats import CriteriaFileError
from scoring.formats.xlsx import xlsx_to_document
from scoring.models import CriteriaSet
from surveys.formats import xlsx_to_questionnaire
from surveys.imports import responses_import
from surveys.models import ImportBatch, Response
from surveys.problems import SurveyFileError
from tests.factories import BlockFactory, PeriodFactory, UserFactory
from tests.surveys.factories import make_survey
from tests.surveys.test_imports import GOOD, csv_bytes, xlsx_bytes

from .hostile import declared_rows, zip_bomb

pytestmark = pytest.mark.django_db

QUICK = 3.0  # seconds: the refusal reads the ZIP directory only (the bomb would take minutes to parse)
BOMB_SIZE = "the part xl/worksheets/sheet1.xml expands to 200,0 MB; at most 128,0 MB are accepted"
BOMB_RATIO = "the part xl/worksheets/sheet1.xml expands 293 times its packed size; at most 100 times"
LIST_BOMB = "the part xl/worksheets/sheet1.xml expands to 20,0 MB; at most 16,0 MB are accepted"


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def survey():
    return make_survey()


@pytest.fixture
def small_limits(settings):
    """Ten data rows at most, so the row caps are tested at their boundary with small files."""
    settings.FILE_LIMITS = {**settings.FILE_LIMITS, "responses_rows": 10, "list_rows": 10}


class Timer:
    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started


# --- the checks themselves ---------------------------------------------------------------------------


def test_the_bomb_is_refused_by_its_zip_directory_alone():
    bomb = zip_bomb(200)
    assert len(bomb) < 1024 * 1024  # under 1 MB on the wire
    with (
        Timer() as timer,
        pytest.raises(FileRefused, match="expands to 200,0 MB; at most 128,0 MB") as refused,
    ):
        zip_check(bomb, file_limits("responses"))
    assert timer.seconds < 0.5
    assert refused.value.message.params["limit"] == "128,0 MB"


def test_a_highly_compressed_part_is_refused_by_its_ratio_even_under_the_size_limits():
    with pytest.raises(FileRefused, match="expands 293 times its packed size; at most 100 times"):
        zip_check(zip_bomb(20), file_limits("responses"))


def test_an_ordinary_workbook_passes_at_the_default_limits():
    zip_check(xlsx_bytes(GOOD * 50), file_limits("responses"))  # raises nothing


def test_too_many_parts_and_too_much_in_all_are_refused(settings):
    settings.FILE_LIMITS = {**settings.FILE_LIMITS, "zip_members": 8}
    with pytest.raises(FileRefused, match="the file holds 9 parts; at most 8 are accepted"):
        zip_check(xlsx_bytes(GOOD), file_limits("responses"))
    settings.FILE_LIMITS = {**settings.FILE_LIMITS, "zip_members": 9, "list_total_bytes": 1000}
    zip_check(xlsx_bytes(GOOD), file_limits("responses"))
    with pytest.raises(FileRefused, match="the workbook expands to 0,0 MB; at most 0,0 MB"):
        zip_check(xlsx_bytes(GOOD), file_limits("list"))


def test_a_declared_dimension_over_the_cap_is_refused_before_any_row_is_read(small_limits):
    workbook = xlsx_open(declared_rows(1_048_576, written=1, width=2), file_limits("responses"))
    with pytest.raises(FileRefused, match="declares 1.048.575 rows; at most 10 are accepted"):
        next(sheet_rows(workbook.worksheets[0], file_limits("responses")))
    workbook = xlsx_open(declared_rows(2, written=1, width=16384), file_limits("responses"))
    with pytest.raises(FileRefused, match="declares 16.384 columns; at most 500 are accepted"):
        next(sheet_rows(workbook.worksheets[0], file_limits("responses")))


def test_a_dimension_that_lies_is_caught_while_streaming(small_limits):
    """No dimension (or a wrong one) says nothing: the eleventh data row is refused as it streams."""
    limits = file_limits("responses")
    workbook = xlsx_open(declared_rows(0, written=12, dimension="A1"), limits)
    read = []
    with pytest.raises(FileRefused, match="the sheet Sheet has more than 10 rows; at most 10 are accepted"):
        for values in sheet_rows(workbook.worksheets[0], limits):
            read.append(values)
    assert len(read) == 11  # the header and ten data rows, then the refusal
    workbook = xlsx_open(declared_rows(0, written=12, dimension="A1"), limits)
    assert len(list(sheet_rows(workbook.worksheets[0], limits, header_rows=2))) == 12


# --- survey responses: page, API, command, job -----------------------------------------------------


def test_the_page_refuses_a_bomb_quickly_and_stores_nothing(client, survey):
    client.force_login(UserFactory(username="op", role="survey_operator"))
    upload = SimpleUploadedFile("bom.xlsx", zip_bomb(200))
    with Timer() as timer:
        response = client.post(f"/khao-sat/phieu/{survey.questionnaire.pk}/", {"file": upload})
    assert timer.seconds < QUICK
    assert response.status_code == 400
    assert BOMB_SIZE in response.content.decode()
    assert not ImportBatch.objects.exists() and not Response.objects.exists()


def test_the_api_refuses_a_bomb_quickly_with_the_limit_and_stores_nothing(client, survey):
    client.force_login(UserFactory(username="op", role="survey_operator"))
    with Timer() as timer:
        response = client.post(
            f"/api/v1/surveys/questionnaires/{survey.questionnaire.pk}/responses/",
            {"file": SimpleUploadedFile("bom.xlsx", zip_bomb(20))},
        )
    assert timer.seconds < QUICK
    assert response.status_code == 400
    body = response.json()
    assert body["problem_count"] == 1 and body["problems"][0]["where"] == "file"
    assert body["problems"][0]["message"].startswith(BOMB_RATIO)
    assert not ImportBatch.objects.exists() and not Response.objects.exists()


def test_the_command_refuses_a_bomb_quickly(survey, tmp_path, capsys):
    path = tmp_path / "bom.xlsx"
    path.write_bytes(zip_bomb(200))
    with Timer() as timer, pytest.raises(CommandError, match="refused, 1 problem"):
        call_command("import_responses", str(path), period=survey.period.code)
    assert timer.seconds < QUICK
    assert f"file: {BOMB_SIZE}" in capsys.readouterr().err
    assert not Response.objects.exists()
    assert ImportBatch.objects.get().status == JobStatus.REFUSED  # recorded, with no response


def test_a_file_over_the_row_cap_is_refused_by_the_job_and_the_cap_itself_imports(
    client, survey, small_limits, django_capture_on_commit_callbacks
):
    """The rows are only known while streaming, so the job refuses them; ten rows still import."""
    client.force_login(UserFactory(username="op", role="survey_operator"))
    rows = [[f"S{n:03d}", "dan", "so-a", "1", "", "", "", ""] for n in range(1, 12)]
    url = f"/api/v1/surveys/questionnaires/{survey.questionnaire.pk}/responses/"
    for name, data in (("phieu.xlsx", xlsx_bytes(rows)), ("phieu.csv", csv_bytes(rows))):
        with django_capture_on_commit_callbacks(execute=True):
            started = client.post(url, {"file": SimpleUploadedFile(name, data)})
        assert started.status_code == 202
        status = client.get(started.json()["status_url"]).json()
        assert status["status"] == "refused" and status["problems"] == 1
        assert status["problem_list"][0]["message"] == (
            "the sheet Sheet declares 11 rows; at most 10 are accepted"
            if name.endswith("xlsx")
            else "the file has more than 10 rows; at most 10 are accepted"
        )
    assert not Response.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url, {"file": SimpleUploadedFile("phieu.xlsx", xlsx_bytes(rows[:10]))})
    assert client.get(started.json()["status_url"]).json()["added"] == 10


def test_a_csv_over_its_size_limit_is_refused_before_reading(survey, settings):
    data = csv_bytes(GOOD)
    settings.FILE_LIMITS = {**settings.FILE_LIMITS, "responses_csv_bytes": len(data) - 1}
    with pytest.raises(SurveyFileError, match=r"the CSV file is 0,0 MB; at most 0,0 MB are accepted"):
        responses_import(questionnaire=survey.questionnaire, file=data)
    settings.FILE_LIMITS = {**settings.FILE_LIMITS, "responses_csv_bytes": len(data)}
    assert responses_import(questionnaire=survey.questionnaire, file=data).added == 4


# --- accounts, criteria sets, questionnaires ------------------------------------------------------------


@pytest.fixture
def home_affairs(client):
    user = UserFactory(username="noivu", role="home_affairs")
    client.force_login(user)
    return user


def test_the_account_page_refuses_a_bomb_quickly_and_stores_nothing(client, home_affairs):
    with Timer() as timer:
        response = client.post("/tai-khoan/nhap/", {"file": SimpleUploadedFile("tk.xlsx", zip_bomb(20))})
    assert timer.seconds < QUICK
    assert response.status_code == 400
    assert f"file: {LIST_BOMB}" in response.content.decode()
    assert not AccountImport.objects.exists() and User.objects.count() == 1


def test_the_account_command_refuses_a_bomb_quickly(tmp_path, capsys):
    path = tmp_path / "tk.xlsx"
    path.write_bytes(zip_bomb(20))
    with Timer() as timer, pytest.raises(CommandError, match="refused, 1 problem"):
        call_command("import_accounts", str(path))
    assert timer.seconds < QUICK
    assert f"file: {LIST_BOMB}" in capsys.readouterr().err


def test_an_account_list_over_the_row_cap_is_refused(small_limits):
    lines = declared_rows(0, written=12, dimension="A1")  # a header and 11 rows
    with pytest.raises(AccountsFileError, match="the sheet Sheet has more than 10 rows"):
        accounts_read(lines)


def test_criteria_and_questionnaire_files_refuse_a_bomb_quickly(tmp_path, capsys):
    with Timer() as timer:
        with pytest.raises(CriteriaFileError, match="expands to 20,0 MB; at most 16,0 MB"):
            xlsx_to_document(zip_bomb(20))
        with pytest.raises(SurveyFileError, match="expands to 20,0 MB; at most 16,0 MB"):
            xlsx_to_questionnaire(zip_bomb(20))
    assert timer.seconds < QUICK
    PeriodFactory(year=2022), BlockFactory(code="so-nganh")
    path = tmp_path / "bo.xlsx"
    path.write_bytes(zip_bomb(20))
    with pytest.raises(CommandError, match="refused, 1 problem"):
        call_command("import_criteria", str(path), period="2022", block="so-nganh")
    assert LIST_BOMB in capsys.readouterr().err
    assert not CriteriaSet.objects.exists()
    with pytest.raises(CommandError, match="refused, 1 problem"):
        call_command("import_questionnaire", str(path), period="2022", block="so-nganh")
    assert LIST_BOMB in capsys.readouterr().err


def test_a_criteria_sheet_over_the_row_cap_is_refused(small_limits):
    from openpyxl import load_workbook

    from scoring.formats.xlsx import TREE, document_to_xlsx
    from tests.documents import small_document

    data = document_to_xlsx(small_document())
    xlsx_to_document(data)  # the small document (8 criteria) fits the cap
    workbook = load_workbook(io.BytesIO(data))
    for number in range(3):
        workbook[TREE].append([f"9.{number}", None, "Thêm", 1])
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(CriteriaFileError, match="the sheet Tiêu chí declares 11 rows; at most 10"):
        xlsx_to_document(out.getvalue())
