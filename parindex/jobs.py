"""The lifecycle the background jobs share (survey response imports, account imports): a job row is
created "queued" with its input stored, the Celery task is queued once the row is committed, and the
worker claims the row with a conditional UPDATE (queued → running), so a redelivered task runs nothing
twice. Without a broker Celery runs the task inline (CELERY_TASK_ALWAYS_EAGER)."""

from __future__ import annotations

import logging

from django.db import models, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


def job_enqueue(task, model: type[models.Model], job_id: int, *, queued: str, failed: str) -> None:
    """Queues `task(job_id)` once the current transaction commits; a task that cannot be queued leaves
    its job failed (eagerly run, the job has recorded its own failure already)."""

    def enqueue() -> None:
        try:
            task.delay(job_id)
        except Exception:
            logger.exception("%s %s could not be queued or failed", model.__name__, job_id)
            model.objects.filter(pk=job_id, status=queued).update(status=failed, finished_at=timezone.now())

    transaction.on_commit(enqueue)


def job_claim(model: type[models.Model], job_id: int, *, queued: str, running: str) -> bool:
    """Takes a queued job for this worker; False when it is not queued any more (run or redelivered)."""
    return bool(model.objects.filter(pk=job_id, status=queued).update(status=running, progress=0))
