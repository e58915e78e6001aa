"""Celery tasks of accounts: each takes ids and calls one service."""

from celery import shared_task

from .imports import account_import_run


@shared_task(name="accounts.import_accounts")
def import_accounts(job_id: int) -> str | None:
    """Creates the accounts of a queued AccountImport's list; the outcome is written to the job row."""
    job = account_import_run(job_id=job_id)
    return job.status if job is not None else None
