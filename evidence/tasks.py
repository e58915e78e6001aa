"""Celery tasks of evidence: each takes ids and calls one service."""

from celery import shared_task

from .checks import evidence_check_run


# A file that keeps a worker busy this long is recorded "not checked" (the soft limit raises inside
# the job, which records the failure); the hard limit stops a stuck reader.
@shared_task(name="evidence.check_evidence", soft_time_limit=120, time_limit=150)
def check_evidence(check_id: int) -> str | None:
    """Reads a stored file's signatures and text and records them on its EvidenceCheck row."""
    check = evidence_check_run(check_id=check_id)
    return check.status if check is not None else None
