"""The Celery app, configured from Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")

app = Celery("parindex")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="parindex.expire_stale_jobs")
def expire_stale_jobs() -> int:
    """Marks every job whose worker was lost as failed (parindex.jobs.jobs_expire, the stale-after rule)."""
    from parindex.jobs import stale_jobs_expire

    return stale_jobs_expire()
