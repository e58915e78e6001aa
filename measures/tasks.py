"""Celery tasks of measures: each takes ids and calls one service."""

from celery import shared_task

from .jobs import measure_import_run, measure_import_store_run


@shared_task(name="measures.check_measures")
def check_measures(import_id: int) -> str | None:
    """Checks the file of a queued MeasureImport and records its preview or its problems on the row."""
    job = measure_import_run(job_id=import_id)
    return job.status if job is not None else None


@shared_task(name="measures.store_measures")
def store_measures(import_id: int) -> str | None:
    """Stores the values of a confirmed MeasureImport, all or nothing; the outcome is written to the row."""
    job = measure_import_store_run(job_id=import_id)
    return job.status if job is not None else None
