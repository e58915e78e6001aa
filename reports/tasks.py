"""Celery tasks of the reports: each takes ids and calls one service."""

from celery import chord, shared_task

from . import fanout


@shared_task(name="reports.build_report_bundle", bind=True)
def build_report_bundle(self, bundle_id: int) -> int | None:
    """Starts a queued ReportBundle: one `render_bundle_part` task per file, then `finish_report_bundle`
    (reports/fanout.py). Every worker listening takes parts, so N workers render about N× faster; run
    eagerly (no broker: a web request, a test, `make demo`) the parts render one after another here."""
    parts = fanout.report_bundle_fan_out(bundle_id=bundle_id)
    if parts is None:
        return None
    # The parts go to the queue this task came from, so the workers of that queue share them.
    queue = (self.request.delivery_info or {}).get("routing_key")
    options = {"queue": queue} if queue else {}
    chord(
        [render_bundle_part.si(bundle_id, index).set(**options) for index in range(parts)],
        finish_report_bundle.s(bundle_id).set(**options),
    ).apply_async()
    return bundle_id


@shared_task(name="reports.render_bundle_part")
def render_bundle_part(bundle_id: int, index: int) -> str | None:
    return fanout.report_bundle_part(bundle_id=bundle_id, index=index)


@shared_task(name="reports.finish_report_bundle")
def finish_report_bundle(stored: list, bundle_id: int) -> int | None:
    bundle = fanout.report_bundle_finish(bundle_id=bundle_id, stored=stored)
    return bundle.pk if bundle is not None else None
