"""Computation jobs: a period is computed by a Celery worker, one job at a time per period, with its
progress kept in the job row so a page can poll it. A killed worker leaves the previous snapshot intact
(the new one is written in one transaction) and its job is marked interrupted once it has gone quiet."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.models import Period
from parindex.formatting import message_text
from parindex.jobs import job_claim, job_enqueue, job_fail, job_finish, job_progress, jobs_expire

from . import engine
from .models import ComputeJob, CriteriaSet, JobStage, ResultSnapshot
from .services import period_compute

COMPUTE_NOT_ALLOWED = _("You are not allowed to compute results.")
COMPUTE_ALREADY_RUNNING = _("A computation of this period is already queued or running.")
COMPUTE_NO_CRITERIA = _("This period has no criteria set yet.")
JOB_FAILED = _("The computation failed: %(error)s")


class ComputeRefused(Exception):
    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def compute_jobs_expire(*, period: Period) -> int:
    """Marks the period's jobs whose worker was lost as failed (parindex.jobs: the stale-after rule)."""
    return jobs_expire(ComputeJob.objects.filter(period=period))


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
                job = ComputeJob.objects.create(period=period, created_by=acting_user)
        except IntegrityError:
            raise ComputeRefused(COMPUTE_ALREADY_RUNNING) from None
        if enqueue:
            from .tasks import compute_period

            job_enqueue(compute_period, ComputeJob, job.pk)
    return job


def compute_job_run(*, job_id: int) -> ResultSnapshot | None:
    """The worker's side: claims the queued job, computes, and records the outcome.

    Only a queued job is claimed, so a job is never run twice (a redelivered task finds it running or
    done and returns None). The job becomes "finished" inside the snapshot's transaction, so a job
    marked finished always has its snapshot, and a failure leaves no snapshot behind.
    """
    if not job_claim(ComputeJob, job_id, progress=1, stage=JobStage.INPUTS):
        return None
    job = ComputeJob.objects.select_related("period", "created_by").get(pk=job_id)

    def progress(percent: int, stage: str) -> None:
        job_progress(ComputeJob, job_id, percent, stage=stage)

    def on_stored(snapshot: ResultSnapshot) -> None:
        job_finish(ComputeJob, job_id, stage=JobStage.DONE, snapshot=snapshot)

    try:
        return period_compute(
            period=job.period, acting_user=job.created_by, progress=progress, on_stored=on_stored
        )
    except Exception as error:
        with translation.override(settings.LANGUAGE_CODE):
            detail = message_text(error.message) if isinstance(error, engine.EngineError) else str(error)
            if isinstance(error, engine.EngineError) and error.code:
                detail = f"{error.code}: {detail}"
            message = gettext(JOB_FAILED) % {"error": detail or error.__class__.__name__}
        job_fail(ComputeJob, job_id, message=message)
        raise
