"""The one lifecycle of every background job (computations, report bundles, survey response imports,
account imports, measured-data imports): one status enum, one abstract row, one set of steps.

    job_enqueue   the Celery task is queued once the row is committed; a task that cannot be queued
                  leaves its job failed (eagerly run, the job has recorded its own outcome already)
    job_claim     the worker takes the row with a conditional UPDATE (queued → running), so a
                  redelivered task runs nothing twice
    job_progress  percent done, written to the row (and `updated_at`, the job's heartbeat)
    job_finish    the outcome (succeeded, or a job's own: stored, refused, …), progress 100
    job_fail      failed, with the reason in the site's language
    jobs_expire   THE stale-after rule: a job still queued or running whose row has not changed for
                  STALE_AFTER has lost its worker (killed, or its task lost by the broker) and is marked
                  failed. Every start of a job expires the stale jobs of its kind first, and the beat
                  task `parindex.expire_stale_jobs` expires every kind every few minutes, so a page
                  polling a job whose worker died sees it fail.

Steps write with queryset `update()`, which Django's `auto_now` does not see, so each step stamps
`updated_at` itself. Without a broker Celery runs the task inline (CELERY_TASK_ALWAYS_EAGER)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# Every running job writes progress at least every few seconds (a computation between its steps, a
# bundle after each file, an import every few hundred rows); one silent for this long has lost its worker.
STALE_AFTER = timedelta(minutes=30)

JOB_INTERRUPTED = _("The job stopped without finishing (its worker was lost); start it again.")
JOB_NOT_QUEUED = _("The job could not be queued (the task queue did not answer).")


class JobStatus(models.TextChoices):
    """Every state a background job's row takes. Each job runs queued → running → an end: succeeded or
    failed, or an outcome of its own (an import: stored, unchanged, refused, created; a measured-data
    file is previewed, then its storing runs store_queued → storing → stored)."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")
    REFUSED = "refused", _("Refused")
    STORED = "stored", _("Stored")
    UNCHANGED = "unchanged", _("Nothing new (every serial already stored)")
    CREATED = "created", _("Accounts created")
    PREVIEWED = "previewed", _("Previewed, not stored")
    STORE_QUEUED = "store_queued", _("Waiting to be stored")
    STORING = "storing", _("Being stored")
    DISCARDED = "discarded", _("Discarded")


ACTIVE_STATES = (JobStatus.QUEUED, JobStatus.RUNNING)


class BackgroundJob(models.Model):
    """The fields every job row shares. A concrete job adds its input and outcome fields, and may widen
    ACTIVE_STATES (the states in which a worker owns the row)."""

    ACTIVE_STATES: tuple[str, ...] = ACTIVE_STATES
    INTERRUPTED = JOB_INTERRUPTED  # the message of an expired job
    NOT_QUEUED = JOB_NOT_QUEUED  # the message of a job whose task could not be queued

    status = models.CharField(_("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True, help_text=_("Why the job failed."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last progress at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        """A worker owns the row now (or should): its page polls it."""
        return self.status in self.ACTIVE_STATES

    @property
    def finished(self) -> bool:
        return not self.is_active

    def progress_counts(self) -> tuple[int | None, int | None]:
        """(done, total) in the job's own unit (rows, files, forms) where it counts them; (None, None)
        where only the percent is known. A job reports what it has, total None when it is not known."""
        return None, None


def site_language(text) -> str:
    """A message stored on a job row is rendered once, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def job_enqueue(
    task,
    model: type[BackgroundJob],
    job_id: int,
    *,
    queued: str = JobStatus.QUEUED,
    failed: str = JobStatus.FAILED,
) -> None:
    """Queues `task(job_id)` once the current transaction commits and keeps the task's id; a task that
    cannot be queued leaves its job `failed` (for a second step, the state to fall back to)."""

    def enqueue() -> None:
        try:
            result = task.delay(job_id)
        except Exception:
            logger.exception("%s %s could not be queued or failed", model.__name__, job_id)
            fields: dict[str, Any] = {"status": failed, "updated_at": timezone.now()}
            if failed == JobStatus.FAILED:
                fields.update(finished_at=fields["updated_at"], message=site_language(model.NOT_QUEUED))
            model.objects.filter(pk=job_id, status=queued).update(**fields)
            return
        model.objects.filter(pk=job_id, task_id="").update(task_id=getattr(result, "id", None) or "")

    transaction.on_commit(enqueue)


def job_claim(
    model: type[BackgroundJob],
    job_id: int,
    *,
    queued: str = JobStatus.QUEUED,
    running: str = JobStatus.RUNNING,
    **fields: Any,
) -> bool:
    """Takes a queued job for this worker; False when it is not queued any more (run, redelivered or
    expired). `fields` are set with it (progress 0 unless given)."""
    now = timezone.now()
    values = {"progress": 0, **fields, "status": running, "started_at": now, "updated_at": now}
    return bool(model.objects.filter(pk=job_id, status=queued).update(**values))


def job_progress(
    model: type[BackgroundJob], job_id: int, percent: int, *, running: str = JobStatus.RUNNING, **fields: Any
) -> None:
    """The worker's heartbeat: percent done (and any progress fields) while the job is running."""
    model.objects.filter(pk=job_id, status=running).update(
        progress=percent, updated_at=timezone.now(), **fields
    )


def job_finish(
    model: type[BackgroundJob],
    job_id: int,
    *,
    status: str = JobStatus.SUCCEEDED,
    running: str | None = None,
    **fields: Any,
) -> int:
    """Records the job's end (progress 100 unless given); with `running`, only while it is still in
    that state (an expired job stays failed)."""
    now = timezone.now()
    rows = model.objects.filter(pk=job_id)
    if running is not None:
        rows = rows.filter(status=running)
    return rows.update(**{"progress": 100, **fields, "status": status, "finished_at": now, "updated_at": now})


def job_fail(
    model: type[BackgroundJob], job_id: int, *, message="", running: str | None = None, **fields: Any
) -> int:
    """Marks the job failed, with `message` (translatable) in the site's language."""
    now = timezone.now()
    rows = model.objects.filter(pk=job_id)
    if running is not None:
        rows = rows.filter(status=running)
    return rows.update(
        status=JobStatus.FAILED, finished_at=now, updated_at=now, message=site_language(message), **fields
    )


def jobs_expire(rows: models.QuerySet) -> int:
    """Marks the jobs of `rows` still active (their model's ACTIVE_STATES) and silent for STALE_AFTER as
    failed, with the model's INTERRUPTED message: their worker is gone. The one stale-after rule."""
    now = timezone.now()
    model = rows.model
    return rows.filter(status__in=model.ACTIVE_STATES, updated_at__lt=now - STALE_AFTER).update(
        status=JobStatus.FAILED, finished_at=now, updated_at=now, message=site_language(model.INTERRUPTED)
    )


def job_models() -> list[type[BackgroundJob]]:
    from django.apps import apps

    return [model for model in apps.get_models() if issubclass(model, BackgroundJob)]


def stale_jobs_expire() -> int:
    """Every kind of job at once (the beat task): how many were marked failed."""
    return sum(jobs_expire(model.objects.all()) for model in job_models())
