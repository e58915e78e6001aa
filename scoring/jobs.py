"""Computation jobs: a period is computed by a Celery worker, one job at a time per period, with its
progress kept in the job row so a page can poll it. A killed worker leaves the previous snapshot intact
(the new one is written in one transaction) and its job is marked interrupted once it has gone quiet."""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.models import Period

from . import engine
from .models import ACTIVE_JOB_STATES, ComputeJob, CriteriaSet, JobStage, JobStatus, ResultSnapshot
from .services import period_compute

logger = logging.getLogger(__name__)

COMPUTE_NOT_ALLOWED = _("You are not allowed to compute results.")
COMPUTE_ALREADY_RUNNING = _("A computation of this period is already queued or running.")
COMPUTE_NO_CRITERIA = _("This period has no criteria set yet.")
JOB_INTERRUPTED = _("The computation stopped without finishing; the previous results are unchanged.")
JOB_NOT_QUEUED = _("The computation could not be queued (the task queue did not answer).")
JOB_FAILED = _("The computation failed: %(error)s")

# A running job reports progress every few seconds; one silent this long has lost its worker.
STALE_AFTER = timedelta(minutes=15)


class ComputeRefused(Exception):
    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def compute_jobs_expire(*, period: Period) -> int:
    """Marks the period's queued or running jobs that have been silent for STALE_AFTER as failed."""
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        message = str(JOB_INTERRUPTED)
    return ComputeJob.objects.filter(
        period=period, status__in=ACTIVE_JOB_STATES, updated_at__lt=now - STALE_AFTER
    ).update(status=JobStatus.FAILED, finished_at=now, updated_at=now, message=message)


def compute_job_start(*, period: Period, acting_user=None, enqueue: bool = True) -> ComputeJob:
    """Creates a queued job for the period and, once committed, hands it to a Celery worker.

    A second start while a job is queued or running is refused: the partial unique constraint
    `one_active_compute_job_per_period` makes the second insert fail even when two requests race.
    """
    if acting_user is not None and not acting_user.has_perm("scoring.compute_results"):
        raise ComputeRefused(COMPUTE_NOT_ALLOWED)
    if not CriteriaSet.objects.filter(period=period).exists():
        raise ComputeRefused(COMPUTE_NO_CRITERIA)
    with transaction.atomic():
        compute_jobs_expire(period=period)
        try:
            with transaction.atomic():
                job = ComputeJob.objects.create(period=period, started_by=acting_user)
        except IntegrityError:
            raise ComputeRefused(COMPUTE_ALREADY_RUNNING) from None
        if enqueue:
            transaction.on_commit(partial(_enqueue, job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from .tasks import compute_period

    try:
        result = compute_period.delay(job_id)
    except Exception:
        # Eagerly run (no broker) the job has already recorded its failure; otherwise the broker is down.
        logger.exception("computation job %s could not be queued or failed", job_id)
        with translation.override(settings.LANGUAGE_CODE):
            message = str(JOB_NOT_QUEUED)
        now = timezone.now()
        ComputeJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.FAILED, finished_at=now, updated_at=now, message=message
        )
        return
    ComputeJob.objects.filter(pk=job_id, task_id="").update(task_id=result.id or "")


def compute_job_run(*, job_id: int) -> ResultSnapshot | None:
    """The worker's side: claims the queued job, computes, and records the outcome.

    Only a queued job is claimed, so a job is never run twice (a redelivered task finds it running or
    done and returns None). The job becomes "finished" inside the snapshot's transaction, so a job
    marked finished always has its snapshot, and a failure leaves no snapshot behind.
    """
    now = timezone.now()
    claimed = ComputeJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, updated_at=now, progress=1, stage=JobStage.INPUTS
    )
    if not claimed:
        return None
    job = ComputeJob.objects.select_related("period", "started_by").get(pk=job_id)

    def progress(percent: int, stage: str) -> None:
        ComputeJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
            progress=percent, stage=stage, updated_at=timezone.now()
        )

    def on_stored(snapshot: ResultSnapshot) -> None:
        finished = timezone.now()
        ComputeJob.objects.filter(pk=job_id).update(
            status=JobStatus.SUCCEEDED,
            progress=100,
            stage=JobStage.DONE,
            snapshot=snapshot,
            finished_at=finished,
            updated_at=finished,
        )

    try:
        return period_compute(
            period=job.period, acting_user=job.started_by, progress=progress, on_stored=on_stored
        )
    except Exception as error:
        with translation.override(settings.LANGUAGE_CODE):
            detail = error.message.render(gettext) if isinstance(error, engine.EngineError) else str(error)
            if isinstance(error, engine.EngineError) and error.code:
                detail = f"{error.code}: {detail}"
            message = gettext(JOB_FAILED) % {"error": detail or error.__class__.__name__}
        failed = timezone.now()
        ComputeJob.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, finished_at=failed, updated_at=failed, message=message
        )
        raise
