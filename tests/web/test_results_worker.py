"""With a real Celery worker (Redis database 5): a job runs with its progress in the row, and a worker
killed inside the snapshot's transaction leaves the previous snapshot intact."""

import os
import re
import signal

import psycopg
import pytest
from django.db import connection

import parindex.jobs
from parindex.jobs import JobStatus
from scoring import jobs
from scoring.jobs import compute_job_run, compute_job_start
from scoring.models import AgencyResult, ComputeJob, JobStage, NodeResult, ResultSnapshot
from scoring.services import period_compute
from tests.public.builders import ranked_province
from tests.worker import celery_worker, database_url, wait_for

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def _job(pk):
    return ComputeJob.objects.get(pk=pk)


def test_a_worker_computes_a_queued_job(tmp_path):
    period, _ = ranked_province(20)
    with celery_worker(tmp_path / "worker.log"):
        job = compute_job_start(period=period)
        done = wait_for(
            lambda: _job(job.pk).status in (JobStatus.SUCCEEDED, JobStatus.FAILED), what="the job"
        )
        assert done
    job = _job(job.pk)
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.progress == 100 and job.snapshot.agency_results.count() == 20 and job.task_id


def test_a_worker_killed_inside_the_transaction_leaves_the_previous_snapshot(tmp_path, monkeypatch):
    """The test holds a lock the worker's insert of agency rows waits for; the worker is killed there, inside
    the transaction that already holds its new snapshot row. Nothing of it remains; v1 is untouched; once
    the job has gone quiet it no longer blocks, and the next computation writes v2."""
    period, _ = ranked_province(30)
    previous = period_compute(period=period)
    before = (
        list(
            AgencyResult.objects.filter(snapshot=previous).order_by("id").values_list("id", "index", "rank")
        ),
        NodeResult.objects.filter(snapshot=previous).count(),
    )
    table = AgencyResult._meta.db_table
    with psycopg.connect(database_url().replace("postgres://", "postgresql://")) as blocker:
        blocker.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")  # blocks INSERTs until rollback
        with celery_worker(tmp_path / "worker.log") as worker:
            job = compute_job_start(period=period)
            wait_for(lambda: _job(job.pk).stage == JobStage.WRITING, what="the writing stage")

            def waiting_on_the_lock():
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND wait_event_type = 'Lock' AND query ILIKE %s",
                        [f"%INSERT INTO%{table}%"],
                    )
                    return cursor.fetchone()[0] > 0

            wait_for(waiting_on_the_lock, what="the worker to wait inside its transaction")
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        blocker.rollback()

    def worker_gone():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND query ILIKE %s",
                [f"%INSERT INTO%{table}%"],
            )
            return cursor.fetchone()[0] == 0

    wait_for(worker_gone, what="the killed worker's connection to close")
    assert list(ResultSnapshot.objects.filter(period=period).values_list("version", flat=True)) == [1]
    assert (
        list(
            AgencyResult.objects.filter(snapshot=previous).order_by("id").values_list("id", "index", "rank")
        ),
        NodeResult.objects.filter(snapshot=previous).count(),
    ) == before
    assert _job(job.pk).status == JobStatus.RUNNING  # the worker died before it could say anything

    with pytest.raises(jobs.ComputeRefused, match=re.escape(str(jobs.COMPUTE_ALREADY_RUNNING))):
        compute_job_start(period=period, enqueue=False)  # not yet taken as interrupted
    monkeypatch.setattr(parindex.jobs, "STALE_AFTER", parindex.jobs.STALE_AFTER * 0)
    retry = compute_job_start(period=period, enqueue=False)
    assert _job(job.pk).status == JobStatus.FAILED
    assert compute_job_run(job_id=retry.pk).version == 2
