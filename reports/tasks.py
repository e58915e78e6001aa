"""Celery tasks of the reports: each takes ids and calls one service."""

from celery import shared_task

from .services import render_workers, report_bundle_build


@shared_task(name="reports.build_report_bundle", bind=True)
def build_report_bundle(self, bundle_id: int) -> int | None:
    """Builds a queued ReportBundle (progress is written to the bundle row).

    In a worker process the files are rendered by a small process pool; run eagerly (inside a web
    request, a test or `make demo`) they are rendered in this process, which may run threads.
    """
    workers = 1 if self.request.is_eager else render_workers()
    bundle = report_bundle_build(bundle_id=bundle_id, workers=workers)
    return bundle.pk if bundle is not None else None
