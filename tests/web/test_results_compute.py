"""Computation jobs: one at a time per period, progress while running, and a failure that leaves the
previous snapshot intact."""

import re
import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from parindex.jobs import JobStatus
from scoring import services
from scoring.jobs import (
    COMPUTE_ALREADY_RUNNING,
    COMPUTE_NOT_ALLOWED,
    ComputeRefused,
    compute_job_run,
    compute_job_start,
)
from scoring.models import AgencyResult, ComputeJob, JobStage, NodeResult, ResultSnapshot
from scoring.services import period_compute
from tests.public.builders import official, ranked_province

pytestmark = pytest.mark.django_db

# PostgreSQL names the constraint; SQLite names the columns of the partial unique index.
ONE_ACTIVE_JOB = r"one_active_compute_job_per_period|UNIQUE constraint failed: scoring_computejob\.period_id"


def test_a_started_job_is_computed_by_the_worker(django_capture_on_commit_callbacks):
    """Starting queues a job; once committed the (eager) worker computes it: finished, 100 %, snapshot kept."""
    period, _ = ranked_province(3)
    user = official()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = compute_job_start(period=period, acting_user=user)
        assert ComputeJob.objects.get(pk=job.pk).status == JobStatus.QUEUED
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert (job.status, job.progress, job.stage) == (JobStatus.SUCCEEDED, 100, JobStage.DONE)
    assert job.snapshot.version == 1 and job.snapshot.created_by == user
    assert job.started_at <= job.finished_at and job.task_id
    assert job.snapshot.agency_results.count() == 3


def test_progress_is_reported_in_order_outside_the_transaction():
    """The callback sees rising percentages through the stages, each outside the snapshot's transaction
    (so a polling page sees them), while on_stored runs inside it."""
    period, _ = ranked_province(2)
    depth = len(connection.savepoint_ids)  # the test's own transaction
    seen, stored = [], []
    period_compute(
        period=period,
        progress=lambda percent, stage: seen.append((percent, stage, len(connection.savepoint_ids))),
        on_stored=lambda snapshot: stored.append(len(connection.savepoint_ids)),
    )
    percents = [percent for percent, _, _ in seen]
    assert percents == sorted(percents) and percents[0] == 5 and percents[-1] == 85
    assert [stage for _, stage, _ in seen][:2] == [JobStage.INPUTS, JobStage.COMPUTING]
    assert seen[-1][1] == JobStage.WRITING
    assert {level for *_, level in seen} == {depth} and stored == [depth + 1]


def test_a_second_start_is_refused_while_one_is_queued_or_running():
    """While a job is queued, then running, another start is refused; after it finishes one may start."""
    period, _ = ranked_province(2)
    first = compute_job_start(period=period, enqueue=False)
    with pytest.raises(ComputeRefused, match=re.escape(str(COMPUTE_ALREADY_RUNNING))):
        compute_job_start(period=period, enqueue=False)
    ComputeJob.objects.filter(pk=first.pk).update(status=JobStatus.RUNNING)
    with pytest.raises(ComputeRefused, match=re.escape(str(COMPUTE_ALREADY_RUNNING))):
        compute_job_start(period=period, enqueue=False)
    assert ComputeJob.objects.filter(period=period).count() == 1
    ComputeJob.objects.filter(pk=first.pk).update(status=JobStatus.QUEUED)
    compute_job_run(job_id=first.pk)
    second = compute_job_start(period=period, enqueue=False)
    assert second.status == JobStatus.QUEUED


def test_the_database_itself_refuses_two_active_jobs():
    """Not only a check in Python: the partial unique constraint refuses a second active row."""
    period, _ = ranked_province(1)
    ComputeJob.objects.create(period=period, status=JobStatus.RUNNING)
    ComputeJob.objects.create(period=period, status=JobStatus.FAILED)
    with pytest.raises(IntegrityError, match=ONE_ACTIVE_JOB), transaction.atomic():
        ComputeJob.objects.create(period=period, status=JobStatus.QUEUED)


def test_a_job_runs_only_once():
    """A redelivered task finds the job done and computes nothing."""
    period, _ = ranked_province(2)
    job = compute_job_start(period=period, enqueue=False)
    assert compute_job_run(job_id=job.pk).version == 1
    assert compute_job_run(job_id=job.pk) is None
    assert ResultSnapshot.objects.filter(period=period).count() == 1


def test_a_failure_inside_the_transaction_leaves_the_previous_snapshot():
    """The write fails half-way (agency rows written, node rows not): no new snapshot, the job says why,
    and the previous snapshot's rows are all still there."""
    period, _ = ranked_province(3)
    previous = period_compute(period=period)
    rows_before = (
        list(AgencyResult.objects.filter(snapshot=previous).values_list("agency_id", "index", "rank")),
        NodeResult.objects.filter(snapshot=previous).count(),
    )
    job = compute_job_start(period=period, enqueue=False)
    with (
        mock.patch.object(services, "_node_results_store", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError, match="^disk full$"),
    ):
        compute_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "disk full" in job.message and job.snapshot is None
    assert list(ResultSnapshot.objects.filter(period=period).values_list("version", flat=True)) == [1]
    assert (
        list(AgencyResult.objects.filter(snapshot=previous).values_list("agency_id", "index", "rank")),
        NodeResult.objects.filter(snapshot=previous).count(),
    ) == rows_before
    assert compute_job_start(period=period, enqueue=False).status == JobStatus.QUEUED  # not blocked


def test_a_job_marked_finished_always_has_its_snapshot():
    """Marking the job finished is part of the snapshot's transaction: if it fails, nothing is stored."""
    period, _ = ranked_province(2)
    with pytest.raises(RuntimeError, match="^late failure$"):
        period_compute(period=period, on_stored=mock.Mock(side_effect=RuntimeError("late failure")))
    assert not ResultSnapshot.objects.filter(period=period).exists()


def test_a_silent_job_is_taken_as_interrupted():
    """A job whose worker died (no progress for a long time) no longer blocks a new computation."""
    period, _ = ranked_province(1)
    stale = ComputeJob.objects.create(period=period, status=JobStatus.RUNNING, progress=40)
    ComputeJob.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    fresh = compute_job_start(period=period, enqueue=False)
    stale.refresh_from_db()
    assert stale.status == JobStatus.FAILED and stale.finished_at is not None
    assert fresh.status == JobStatus.QUEUED


def test_only_users_allowed_to_compute_may_start():
    """Home Affairs computes; the council, the secretariat, agencies and survey operators may not."""
    period, _ = ranked_province(1)
    for role in ("council", "secretariat_lead", "focal_point", "survey_operator"):
        user = official(f"u-{role}", role)
        with pytest.raises(ComputeRefused, match=re.escape(str(COMPUTE_NOT_ALLOWED))):
            compute_job_start(period=period, acting_user=user, enqueue=False)
    assert compute_job_start(period=period, acting_user=official(), enqueue=False)


def test_compute_index_goes_through_a_job(capsys):
    """The command computes here by default, queues with --enqueue, and is refused while a job is active."""
    period, _ = ranked_province(2)
    call_command("compute_index", "--period", period.code)
    assert "snapshot v1" in capsys.readouterr().out
    assert ComputeJob.objects.get(period=period).status == JobStatus.SUCCEEDED
    with mock.patch("scoring.jobs.transaction.on_commit"):  # keep it queued: no worker takes it
        call_command("compute_index", "--period", period.code, "--enqueue")
    assert "queued" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Cannot compute"):
        call_command("compute_index", "--period", period.code)


# The race is the PostgreSQL one production runs: the second INSERT waits on the partial unique index
# until the first commits, then fails, so the outcome is the same whatever the threads' timing. SQLite
# serialises writers by locking instead, and its test database (shared-cache, in memory) answers a
# concurrent writer "database table is locked" at once rather than waiting: the test would measure
# SQLite's locking, not our constraint, and fail about one run in three. On SQLite the constraint itself
# is still covered by test_the_database_itself_refuses_two_active_jobs.
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="concurrent writers are refused by SQLite's table lock, not by the one-active-job constraint",
)
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_starts_give_one_job():
    """Two requests starting the same period at the same moment: exactly one job is created."""
    period, _ = ranked_province(1)
    barrier = threading.Barrier(2)
    outcomes = []

    def start():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            compute_job_start(period=period, enqueue=False)
            outcomes.append("started")
        except ComputeRefused as refused:  # by the constraint, not by another rule
            outcomes.append("refused" if str(refused) == str(COMPUTE_ALREADY_RUNNING) else repr(refused))
        except Exception as error:  # kept, so the assertion below says what went wrong in the thread
            outcomes.append(repr(error))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "started"]
    assert ComputeJob.objects.filter(period=period).count() == 1
