"""Celery tasks of scoring: each takes ids and calls one service."""

from celery import shared_task

from .jobs import compute_job_run


@shared_task(name="scoring.compute_period")
def compute_period(job_id: int) -> int | None:
    """Computes the period of a queued ComputeJob (progress is written to the job row)."""
    snapshot = compute_job_run(job_id=job_id)
    return snapshot.pk if snapshot is not None else None
