"""With a real Celery worker (Redis database 6): the page's upload is imported in the background, its
progress readable while the import's transaction is open, and a refused file stores nothing."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parindex.jobs import JobStatus
from surveys.jobs import import_job_start
from surveys.models import ImportBatch, Response
from tests.worker import celery_worker

from .factories import make_survey
from .test_imports import csv_bytes

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def rows(count: int, bad_row: int | None = None) -> list[list[str]]:
    made = [[f"S{n:06d}", "dan", "so-a", "1", "2", "4", "5", ""] for n in range(1, count + 1)]
    if bad_row is not None:
        made[bad_row - 2][3] = "7"
    return made


def watch(batch_id: int, timeout: float = 120) -> list[tuple[str, int]]:
    """Every (status, progress) the batch row shows until the job ends, as a page polling it would."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch = ImportBatch.objects.get(pk=batch_id)
        if not seen or seen[-1] != (batch.status, batch.progress):
            seen.append((batch.status, batch.progress))
        if batch.finished:
            return seen
        time.sleep(0.05)
    raise AssertionError(f"the import did not end: {seen}")


def test_a_worker_imports_with_progress_visible_while_it_runs(tmp_path):
    survey = make_survey()
    with celery_worker(tmp_path / "worker.log"):
        upload = SimpleUploadedFile("lon.csv", csv_bytes(rows(30_000)))
        batch = import_job_start(questionnaire=survey.questionnaire, upload=upload)
        seen = watch(batch.pk)
    assert seen[-1] == (JobStatus.STORED, 100), (tmp_path / "worker.log").read_text()
    assert any(status == JobStatus.RUNNING and 0 < progress < 100 for status, progress in seen), seen
    assert Response.objects.count() == 30_000


def test_a_worker_refuses_a_bad_file_whole(tmp_path):
    survey = make_survey()
    with celery_worker(tmp_path / "worker.log"):
        upload = SimpleUploadedFile("sai.csv", csv_bytes(rows(12_000, bad_row=11_000)))
        batch = import_job_start(questionnaire=survey.questionnaire, upload=upload)
        seen = watch(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.problems) == (JobStatus.REFUSED, 1), seen
    assert batch.problem_list[0]["where"] == [
        "row %(row)s, question %(question)s",
        {"row": 11000, "question": "1"},
    ]
    assert not Response.objects.exists()


def test_an_import_whose_worker_is_killed_is_expired(tmp_path, monkeypatch):
    """A worker killed mid-import stores nothing (one transaction) and leaves its batch "running"; once
    silent for STALE_AFTER (parindex.jobs) the beat task marks it failed, so the page stops polling."""
    import os
    import signal

    import parindex.jobs
    from parindex.celery import expire_stale_jobs
    from tests.worker import wait_for

    survey = make_survey()
    with celery_worker(tmp_path / "worker.log") as worker:
        upload = SimpleUploadedFile("lon.csv", csv_bytes(rows(30_000)))
        batch = import_job_start(questionnaire=survey.questionnaire, upload=upload)
        wait_for(
            lambda: ImportBatch.objects.get(pk=batch.pk).progress > 0,
            timeout=120,
            what="the import's progress",
        )
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    batch.refresh_from_db()
    assert batch.status == JobStatus.RUNNING and not batch.finished and not Response.objects.exists()
    assert expire_stale_jobs() == 0  # not silent for long enough yet
    monkeypatch.setattr(parindex.jobs, "STALE_AFTER", parindex.jobs.STALE_AFTER * 0)
    assert expire_stale_jobs() == 1
    batch.refresh_from_db()
    assert batch.status == JobStatus.FAILED and batch.finished and batch.finished_at
    assert batch.message == parindex.jobs.site_language(parindex.jobs.JOB_INTERRUPTED)
