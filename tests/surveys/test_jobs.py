"""A response file uploaded on the page is imported by a Celery job (inline without a broker): the batch
row carries its status and progress, polled by the page, and the file is stored whole or not at all."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import translation

from accounts.models import Role
from parindex.jobs import JobStatus
from surveys import imports, jobs
from surveys.imports import responses_import
from surveys.jobs import import_job_run, import_job_start
from surveys.models import Answer, ImportBatch, Response
from surveys.tasks import import_responses
from tests.factories import UserFactory

from .factories import make_survey
from .test_imports import GOOD, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def survey():
    return make_survey()


@pytest.fixture
def operator(client):
    user = UserFactory(username="buu-dien", role=Role.SURVEY_OPERATOR)
    client.force_login(user)
    return user


@pytest.fixture
def every_step(monkeypatch):
    """Small batches and no pause between reports, so a 30-row file reports several steps."""
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 0)
    monkeypatch.setattr(imports, "CHECK_BATCH", 10)
    monkeypatch.setattr(imports, "STORE_BATCH", 10)


def rows(count: int, bad_row: int | None = None) -> list[list[str]]:
    made = [[f"S{n:03d}", "dan", "so-a", "1", "2", "4", "5", ""] for n in range(1, count + 1)]
    if bad_row is not None:
        made[bad_row - 2][3] = "7"  # row numbers count the header as 1
    return made


def test_the_import_reports_progress_in_steps_up_to_100(survey, every_step):
    steps = []
    responses_import(questionnaire=survey.questionnaire, file=csv_bytes(rows(30)), progress=steps.append)
    assert steps == sorted(steps) and len(set(steps)) == len(steps)
    assert steps[0] < imports.CHECKED_SHARE <= steps[-2] < 100 and steps[-1] == 100
    assert len(steps) >= 5  # three checking batches, three storing batches, the end


def test_an_import_job_stores_the_file_and_records_its_progress(survey, operator, every_step):
    upload = SimpleUploadedFile("phieu-30.csv", csv_bytes(rows(30)))
    batch = import_job_start(questionnaire=survey.questionnaire, upload=upload, acting_user=operator)
    assert batch.status == JobStatus.QUEUED and batch.upload.name.startswith("survey-imports/")
    steps = []
    run = import_job_run(batch_id=batch.pk, progress=steps.append)
    assert (run.status, run.rows, run.added, run.progress, run.created_by) == (
        JobStatus.STORED, 30, 30, 100, operator,
    )  # fmt: skip
    assert run.finished_at is not None and steps[-1] == 100 and len(steps) >= 5
    assert Response.objects.filter(import_batch=run).count() == 30
    assert import_job_run(batch_id=batch.pk) is None  # a redelivered task runs nothing twice


def test_a_refused_job_stores_nothing_and_keeps_every_problem(client, survey, operator):
    upload = SimpleUploadedFile("phieu-sai.csv", csv_bytes(rows(30, bad_row=17)))
    batch = import_job_start(questionnaire=survey.questionnaire, upload=upload, acting_user=operator)
    assert import_responses.apply(args=[batch.pk]).get() == JobStatus.REFUSED
    batch.refresh_from_db()
    assert (batch.status, batch.problems, batch.added, batch.progress) == (JobStatus.REFUSED, 1, 0, 100)
    assert not Response.objects.exists() and not Answer.objects.exists()
    text = client.get(f"/khao-sat/phieu/{survey.questionnaire.pk}/lan-nhap/{batch.pk}/").content.decode()
    assert "The file was refused and no response was stored. Problems found: 1." in text
    assert "row 17, question 1: 7 is not an option of question 1 (options: 1, 2, 3, 4, 9)" in text
    assert "hx-trigger" not in text


def test_the_page_polls_a_running_job_every_second_until_it_ends(client, survey, operator):
    batch = ImportBatch.objects.create(
        questionnaire=survey.questionnaire, file_name="lon.csv", status=JobStatus.RUNNING, progress=40
    )
    page = client.get(f"/khao-sat/phieu/{survey.questionnaire.pk}/").content.decode()
    poll = f'hx-get="/khao-sat/phieu/{survey.questionnaire.pk}/lan-nhap/{batch.pk}/" hx-trigger="every 1s"'
    assert poll in page and 'data-width="40"' in page
    ImportBatch.objects.filter(pk=batch.pk).update(status=JobStatus.STORED, rows=9, added=9, progress=100)
    text = client.get(f"/khao-sat/phieu/{survey.questionnaire.pk}/lan-nhap/{batch.pk}/").content.decode()
    assert "9 rows: 9 responses added, 0 already stored with the same answers." in text
    assert "hx-trigger" not in text


def test_the_upload_page_queues_the_job_and_shows_its_outcome(
    client, survey, operator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/khao-sat/phieu/{survey.questionnaire.pk}/",
            {"file": SimpleUploadedFile("phieu.csv", csv_bytes(GOOD))},
        )
    batch = ImportBatch.objects.get()
    assert response.url == f"/khao-sat/phieu/{survey.questionnaire.pk}/?lan-nhap={batch.pk}"
    assert batch.status == JobStatus.STORED and Response.objects.count() == 4


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a second writer needs PostgreSQL")
def test_progress_is_written_outside_the_import_transaction(survey):
    """The page reads progress while the import's transaction is still open (and may roll back); the
    responses it inserts lock the batch row only against key changes, so the progress update goes on."""
    batch = ImportBatch.objects.create(questionnaire=survey.questionnaire, status=JobStatus.RUNNING)
    with pytest.raises(RuntimeError, match="^the import fails$"), transaction.atomic():
        Response.objects.create(
            questionnaire=survey.questionnaire,
            serial="S1",
            group=survey.group("dan"),
            agency=survey.a,
            source="imported",
            import_batch=batch,
        )
        with jobs._progress_writer(batch.pk) as write:
            write(42)
        raise RuntimeError("the import fails")  # its rows go, the progress written stays
    batch.refresh_from_db()
    assert batch.progress == 42 and not Response.objects.exists()
