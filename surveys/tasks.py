"""Celery tasks of surveys: each takes ids and calls one service."""

from celery import shared_task

from .jobs import import_job_run


@shared_task(name="surveys.import_responses")
def import_responses(batch_id: int) -> str | None:
    """Imports the stored file of a queued ImportBatch; progress and outcome are written to the batch."""
    batch = import_job_run(batch_id=batch_id)
    return batch.status if batch is not None else None


@shared_task(name="surveys.print_forms")
def print_forms(job_id: int) -> str | None:
    """Renders the printable questionnaires of a queued PrintedForms row into one PDF."""
    from .printing import printed_forms_run

    job = printed_forms_run(job_id=job_id)
    return job.status if job is not None else None
