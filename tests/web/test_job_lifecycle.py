"""The one job lifecycle (parindex.jobs) on every kind of job: a job whose worker died (claimed, then
silent) is marked failed after STALE_AFTER, by the next start of its kind and by the beat task; one
silent for less is left running."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from openpyxl import Workbook

import parindex.jobs
from accounts.imports import account_import_run, account_import_start
from accounts.models import AccountImport
from parindex.celery import expire_stale_jobs
from parindex.jobs import STALE_AFTER, JobStatus, job_claim, job_models
from reports.models import ReportBundle
from scoring.models import ComputeJob
from surveys.jobs import import_job_run, import_job_start
from surveys.models import ImportBatch
from tests.factories import AgencyFactory, UserFactory
from tests.surveys.factories import make_survey
from tests.surveys.test_imports import GOOD, csv_bytes

pytestmark = pytest.mark.django_db


def accounts_list() -> io.BytesIO:
    book = Workbook()
    book.active.append(["Tên đăng nhập", "Họ và tên", "Email", "Vai trò", "Mã cơ quan"])
    book.active.append(["gtvt-1", "Nguyễn Văn A", "a@gtvt.gov.vn", "focal_point", "so-gtvt"])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "tai-khoan.xlsx"
    return out


def silent_for(model, pk: int, age: timedelta) -> None:
    model.objects.filter(pk=pk).update(updated_at=timezone.now() - age)


def test_every_job_model_shares_the_lifecycle():
    assert {model.__name__ for model in job_models()} >= {
        "ComputeJob", "ReportBundle", "ImportBatch", "AccountImport", "MeasureImport",
    }  # fmt: skip
    assert ComputeJob.ACTIVE_STATES == ReportBundle.ACTIVE_STATES == (JobStatus.QUEUED, JobStatus.RUNNING)


def test_an_account_import_whose_worker_died_is_expired_by_the_next_start():
    AgencyFactory(code="so-gtvt")
    user = UserFactory(role="home_affairs")
    job = account_import_start(upload=accounts_list(), acting_user=user)
    assert job_claim(AccountImport, job.pk)  # the worker took it, then died: no progress, no outcome
    silent_for(AccountImport, job.pk, STALE_AFTER - timedelta(minutes=1))
    account_import_start(upload=accounts_list(), acting_user=user)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING  # silent for less than STALE_AFTER: still its worker's
    silent_for(AccountImport, job.pk, STALE_AFTER + timedelta(seconds=1))
    account_import_start(upload=accounts_list(), acting_user=user)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished and job.finished_at
    with translation.override("en"):
        assert job.message == parindex.jobs.site_language(parindex.jobs.JOB_INTERRUPTED)
    assert account_import_run(job_id=job.pk) is None  # a late redelivery runs nothing


def test_a_survey_import_whose_worker_died_is_expired_by_the_beat_task_and_by_the_next_start():
    survey = make_survey()
    first = import_job_start(
        questionnaire=survey.questionnaire, upload=SimpleUploadedFile("a.csv", csv_bytes(GOOD))
    )
    assert job_claim(ImportBatch, first.pk)
    silent_for(ImportBatch, first.pk, STALE_AFTER + timedelta(seconds=1))
    assert expire_stale_jobs() == 1
    first.refresh_from_db()
    assert first.status == JobStatus.FAILED and first.finished
    assert import_job_run(batch_id=first.pk) is None

    second = import_job_start(
        questionnaire=survey.questionnaire, upload=SimpleUploadedFile("b.csv", csv_bytes(GOOD))
    )
    silent_for(ImportBatch, second.pk, STALE_AFTER + timedelta(seconds=1))  # queued, its task lost
    import_job_start(questionnaire=survey.questionnaire, upload=SimpleUploadedFile("c.csv", csv_bytes(GOOD)))
    second.refresh_from_db()
    assert second.status == JobStatus.FAILED


def test_a_finished_job_is_never_expired():
    survey = make_survey()
    batch = import_job_start(
        questionnaire=survey.questionnaire, upload=SimpleUploadedFile("a.csv", csv_bytes(GOOD))
    )
    ImportBatch.objects.filter(pk=batch.pk).update(status=JobStatus.STORED)
    silent_for(ImportBatch, batch.pk, STALE_AFTER * 10)
    assert expire_stale_jobs() == 0
    batch.refresh_from_db()
    assert batch.status == JobStatus.STORED and batch.message == ""
