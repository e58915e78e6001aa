"""The page's upload and confirmation as background jobs, on the MeasureImport row.

Checking: the request measures the file's envelope (milliseconds, nothing parsed), keeps the file with a
queued row and queues the check; the worker claims the row (parindex.jobs), reads and checks every row
and records the preview, or the problems, or the failure.

Storing: confirming queues a second job, since storing writes each value with its history, 4–9 ms a
value, minutes at the row cap (docs/performance.md). It stores all or nothing and records stored,
or refused (values changed since the preview, the period approved meanwhile).

The page polls the row while a job runs. The command does both at once (it is not a request)."""

from __future__ import annotations

import hashlib
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Period
from parindex.jobs import JobStatus, job_claim, job_enqueue, job_fail, job_finish, job_progress, jobs_expire
from parindex.safe_files import FileRefused

from .models import MeasureImport
from .reading import envelope_check
from .services import (
    NOT_PREVIEWED,
    NUL_SOURCE,
    MeasuresRefused,
    Problem,
    _require_importer,
    _require_open,
    measures_check,
    measures_confirm,
)


def measure_import_start(
    *,
    period: Period,
    upload,
    acting_user,
    default_source: str = "",
    default_source_date: date | None = None,
    via: str = "page",
) -> MeasureImport:
    """Refuses at once (MeasuresRefused, nothing stored) a file over the limits by what it declares, or a
    period whose inputs are frozen; otherwise keeps the file with a queued MeasureImport and, once
    committed, queues its check."""
    from .tasks import check_measures

    _require_importer(acting_user)
    _require_open(period)
    if "\x00" in default_source:
        raise MeasuresRefused(str(NUL_SOURCE))
    try:
        envelope_check(upload)
    except FileRefused as refused:
        raise MeasuresRefused(_("The file was refused."), [Problem(None, None, refused.message)]) from None
    upload.seek(0)
    content = upload.read()
    with transaction.atomic():
        jobs_expire(MeasureImport.objects.filter(period=period))
        measure_import = MeasureImport(
            period=period,
            file_name=(upload.name or "")[:255],
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            content=content,
            default_source=default_source.strip()[:255],
            default_source_date=default_source_date,
            status=JobStatus.QUEUED,
            created_by=acting_user,
            via=via,
        )
        measure_import._history_user = acting_user
        measure_import.save()
        job_enqueue(check_measures, MeasureImport, measure_import.pk)
    return measure_import


def measure_import_run(*, job_id: int) -> MeasureImport | None:
    """The worker's side: claims the queued import, checks every row of its file and records the preview
    (previewed), every problem (refused) or the failure. An import not queued any more (already run, or
    the task redelivered) is left alone and None returned."""
    if not job_claim(MeasureImport, job_id):
        return None
    job = MeasureImport.objects.select_related("period").get(pk=job_id)
    try:
        _require_open(job.period)  # approved since the upload
        plan = measures_check(
            period=job.period,
            content=bytes(job.content),
            default_source=job.default_source,
            default_source_date=job.default_source_date,
            progress=lambda percent: job_progress(MeasureImport, job_id, percent),
        )
        problems, changes = plan.problems, plan.changes
    except MeasuresRefused as refused:
        problems, changes = refused.problem_list(), []
    except Exception:
        job_fail(MeasureImport, job_id)
        raise
    if problems:
        outcome = {"status": JobStatus.REFUSED, "problem_list": [p.as_data() for p in problems]}
    else:
        outcome = {"status": JobStatus.PREVIEWED, "preview": changes}
    job_finish(MeasureImport, job_id, running=JobStatus.RUNNING, **outcome)
    job.refresh_from_db()
    return job


def measure_import_confirm(*, measure_import: MeasureImport, acting_user) -> MeasureImport:
    """Queues the storing of a previewed file (MeasuresRefused when it is not previewed any more or the
    period's inputs are frozen); the person confirming is recorded as the one who stored it."""
    from .tasks import store_measures

    _require_importer(acting_user)
    with transaction.atomic():
        measure_import = (
            MeasureImport.objects.select_for_update().select_related("period").get(pk=measure_import.pk)
        )
        if measure_import.status != JobStatus.PREVIEWED:
            raise MeasuresRefused(NOT_PREVIEWED)
        _require_open(measure_import.period)
        MeasureImport.objects.filter(pk=measure_import.pk).update(
            status=JobStatus.STORE_QUEUED, stored_by=acting_user, progress=0, finished_at=None
        )
        # A task that cannot be queued leaves the file previewed: it may be confirmed again.
        job_enqueue(
            store_measures,
            MeasureImport,
            measure_import.pk,
            queued=JobStatus.STORE_QUEUED,
            failed=JobStatus.PREVIEWED,
        )
    measure_import.refresh_from_db()
    return measure_import


def measure_import_store_run(*, job_id: int) -> MeasureImport | None:
    """The worker's side: claims the confirmed import and stores its values all or nothing (stored), or
    records why not (refused) or the failure. An import not waiting to be stored is left alone."""
    if not job_claim(MeasureImport, job_id, queued=JobStatus.STORE_QUEUED, running=JobStatus.STORING):
        return None
    job = MeasureImport.objects.select_related("stored_by").get(pk=job_id)
    try:
        measures_confirm(measure_import=job, acting_user=job.stored_by, claimed=True)
    except MeasuresRefused as refused:
        job_finish(
            MeasureImport,
            job_id,
            status=JobStatus.REFUSED,
            running=JobStatus.STORING,
            problem_list=[p.as_data() for p in refused.problem_list()],
        )
    except Exception:
        job_fail(MeasureImport, job_id, running=JobStatus.STORING)
        raise
    else:  # measures_confirm saved the row as stored (with its history)
        MeasureImport.objects.filter(pk=job_id).update(
            progress=100, finished_at=timezone.now(), updated_at=timezone.now()
        )
    job.refresh_from_db()
    return job
