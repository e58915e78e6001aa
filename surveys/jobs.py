"""Response imports as background jobs: the page saves the upload and queues a Celery task; the import
batch is the job's row (status, progress, problems), polled by the page every second.

The import itself holds one transaction until every row is stored (all or nothing), so its progress is
written through a second database connection on PostgreSQL, where the page can read it while the
import runs; on SQLite (one writer at a time) progress goes through the import's own connection.
Without a broker Celery runs the task inline (CELERY_TASK_ALWAYS_EAGER) and the page shows the outcome.
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from parindex.jobs import JobStatus, job_claim, job_enqueue, job_fail, job_progress, jobs_expire

from .imports import Progress, responses_import
from .models import ImportBatch, Questionnaire
from .problems import SurveyFileError
from .response_rows import responses_file_check
from .services import survey_inputs_check


def import_job_start(*, questionnaire: Questionnaire, upload: UploadedFile, acting_user=None) -> ImportBatch:
    """Saves the uploaded file to storage with a queued batch and, once committed, queues its import.
    A file over the limits (parindex.safe_files) is refused first, SurveyFileError, and nothing stored.
    Refused (ValidationError) once the period's results are approved; the job checks again when it runs."""
    survey_inputs_check(questionnaire.period)
    responses_file_check(upload)
    with transaction.atomic():
        jobs_expire(ImportBatch.objects.filter(questionnaire=questionnaire))
        batch = ImportBatch(
            questionnaire=questionnaire,
            file_name=(upload.name or "")[:255],
            status=JobStatus.QUEUED,
            created_by=acting_user,
        )
        batch.upload.save(Path(upload.name or "phieu").name, upload, save=False)
        batch.save()
        from .tasks import import_responses

        job_enqueue(import_responses, ImportBatch, batch.pk, queued=JobStatus.QUEUED, failed=JobStatus.FAILED)
    return batch


@contextmanager
def _progress_writer(batch_id: int):
    """A callback writing the percent done (and the job's heartbeat, parindex.jobs) to the batch row,
    where other connections can read it."""
    if connection.vendor != "postgresql":

        def write(percent: int) -> None:
            job_progress(ImportBatch, batch_id, percent)

        yield write
        return
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    table = side.ops.quote_name(ImportBatch._meta.db_table)

    def write(percent: int) -> None:
        with side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET progress = %s, updated_at = %s WHERE id = %s AND status = %s",
                [percent, timezone.now(), batch_id, JobStatus.RUNNING],
            )

    try:
        yield write
    finally:
        side.close()


@contextmanager
def _local_file(batch: ImportBatch):
    """The stored upload as a local path: the file itself on disk storage, a temporary copy otherwise."""
    try:
        yield batch.upload.path
        return
    except NotImplementedError:  # remote storage (S3)
        pass
    with (
        batch.upload.open("rb") as source,
        tempfile.NamedTemporaryFile(suffix=Path(batch.upload.name).suffix) as copy,
    ):
        shutil.copyfileobj(source, copy, 1 << 20)
        copy.flush()
        yield copy.name


def import_job_run(*, batch_id: int, progress: Progress | None = None) -> ImportBatch | None:
    """The worker's side: claims the queued batch, imports its file whole or not at all, and records the
    outcome on the batch (stored, unchanged, refused with its problems, or failed). A batch that is not
    queued any more (already run, or redelivered) is left alone and None returned."""
    if not job_claim(ImportBatch, batch_id):
        return None
    batch = ImportBatch.objects.select_related("questionnaire__period", "created_by").get(pk=batch_id)
    with _progress_writer(batch_id) as write:

        def report(percent: int) -> None:
            write(percent)
            if progress is not None:
                progress(percent)

        try:
            with _local_file(batch) as path:
                responses_import(
                    questionnaire=batch.questionnaire,
                    file=path,
                    file_name=batch.file_name,
                    batch=batch,
                    progress=report,
                )
        except SurveyFileError:
            pass  # recorded on the batch: refused, with its problems
        except Exception:
            job_fail(ImportBatch, batch_id)
            raise
    batch.refresh_from_db()
    return batch
