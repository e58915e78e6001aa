"""Writing report files: one table in one format, every file of a snapshot (the bundle), and the
bundle job (queued by a user, built by a Celery worker, stored through the default storage)."""

from __future__ import annotations

import gc
import hashlib
import logging
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parindex.jobs import (
    ACTIVE_STATES,
    job_claim,
    job_enqueue,
    job_fail,
    job_finish,
    job_progress,
    jobs_expire,
)
from scoring.models import ResultSnapshot

from .models import Numbering, ReportBundle, ReportSettings
from .selectors import SnapshotData, report_data, report_settings_get
from .tables import Table, TableSpec, table_specs
from .writers.archive import zip_entry
from .writers.docx import report_docx
from .writers.pdf import table_pdf
from .writers.xlsx import workbook_bytes

logger = logging.getLogger(__name__)

FORMATS = ("xlsx", "pdf", "docx")
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "zip": "application/zip",
}
BUNDLE_NOT_ALLOWED = _("You are not allowed to build report bundles.")
BUNDLE_BAD_FORMATS = _("Choose at least one of the formats XLSX, PDF and DOCX.")
BUNDLE_FAILED = _("The bundle could not be built: %(error)s")


class BundleRefused(Exception):
    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def formats_parse(value: str | list[str] | None) -> list[str]:
    """ "xlsx,pdf" → ["xlsx", "pdf"] in the canonical order; unknown names are dropped."""
    if value is None:
        return list(FORMATS)
    names = value.split(",") if isinstance(value, str) else value
    chosen = {name.strip().lower() for name in names}
    return [name for name in FORMATS if name in chosen]


@contextmanager
def gc_paused():
    """Rendering one table allocates ~10⁵ short-lived objects; the cyclic collector running through
    them costs a quarter of WeasyPrint's time. It is paused for one file and resumed after (the
    cycles left are collected on its next run)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# One file ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFile:
    name: str
    content: bytes
    media_type: str


def table_file(spec: TableSpec, data: SnapshotData, config: ReportSettings, fmt: str) -> ReportFile:
    """One table as XLSX (one sheet named by its number) or PDF."""
    content = table_bytes(fmt, [spec.build(data, config)], data.stamp)
    return ReportFile(f"{spec.file_stem}.{fmt}", content, MEDIA_TYPES[fmt])


def table_bytes(fmt: str, tables: list[Table], stamp, title: str = "") -> bytes:
    """The file of one table (or, for XLSX, a workbook of several): what a bundle part's task renders."""
    with gc_paused():
        if fmt == "xlsx":
            return workbook_bytes(tables, stamp=stamp, title=title)
        if fmt == "pdf" and len(tables) == 1:
            return table_pdf(tables[0], stamp)
    raise ValueError(fmt)


def workbook_file(data: SnapshotData, config: ReportSettings, numbering: str) -> ReportFile:
    """Every table of the snapshot in one workbook, one sheet per table (A1…, B1…, TH1…)."""
    tables = [spec.build(data, config) for spec in table_specs(data, numbering)]
    name = f"{data.period.code}_tat-ca-bieu{_numbering_suffix(numbering)}.xlsx"
    return ReportFile(name, table_bytes("xlsx", tables, data.stamp, data.period.name), MEDIA_TYPES["xlsx"])


def draft_report_file(data: SnapshotData, config: ReportSettings) -> ReportFile:
    return ReportFile(
        f"{data.period.code}_bao-cao-ket-qua.docx", report_docx(data, config), MEDIA_TYPES["docx"]
    )


def _numbering_suffix(numbering: str) -> str:
    return "_theo-danh-sach" if numbering == Numbering.LIST else ""


# Every file of a snapshot --------------------------------------------------------------------------


def bundle_file_name(snapshot: ResultSnapshot, numbering: str) -> str:
    return f"{snapshot.period.code}_v{snapshot.version}_bieu-chi-so-cchc{_numbering_suffix(numbering)}.zip"


def bundle_file_count(data: SnapshotData, numbering: str, formats: list[str]) -> int:
    tables = len(table_specs(data, numbering))
    return ("docx" in formats) + ("xlsx" in formats) * (1 + tables) + ("pdf" in formats) * tables


def snapshot_files(
    data: SnapshotData,
    config: ReportSettings,
    *,
    numbering: str = Numbering.RANK,
    formats: list[str] | None = None,
) -> Iterator[tuple[str, bytes]]:
    """(path, content) of every file, in a fixed order: the draft report, the workbook of all tables,
    one XLSX per table (xlsx/…), one PDF per table (pdf/…), rendered one after the other in this
    process (a bundle spread over workers is reports/fanout.py)."""
    formats = formats or list(FORMATS)
    specs = table_specs(data, numbering)
    if "docx" in formats:
        report = draft_report_file(data, config)
        yield report.name, report.content

    if "xlsx" in formats:
        tables = [spec.build(data, config) for spec in specs]
        name = f"{data.period.code}_tat-ca-bieu{_numbering_suffix(numbering)}.xlsx"
        yield name, table_bytes("xlsx", tables, data.stamp, data.period.name)
        for spec, table in zip(specs, tables, strict=True):
            yield f"xlsx/{spec.file_stem}.xlsx", table_bytes("xlsx", [table], data.stamp)
    if "pdf" in formats:
        for spec in specs:
            yield f"pdf/{spec.file_stem}.pdf", table_bytes("pdf", [spec.build(data, config)], data.stamp)


def bundle_write(
    snapshot: ResultSnapshot,
    target,
    *,
    numbering: str = Numbering.RANK,
    formats: list[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Writes the ZIP of every file to `target` (a binary file); entries are dated with the snapshot's
    computation time, so the same snapshot and settings give the same bytes. Returns the file count."""
    data = report_data(snapshot)
    config = report_settings_get()
    formats = formats or list(FORMATS)
    total = bundle_file_count(data, numbering, formats)
    done = 0
    folder = Path(bundle_file_name(snapshot, numbering)).stem
    with zipfile.ZipFile(target, "w") as archive:
        for path, content in snapshot_files(data, config, numbering=numbering, formats=formats):
            zip_entry(archive, f"{folder}/{path}", content, data.stamp)
            done += 1
            if progress is not None:
                progress(done, total)
    return done


def files_write(
    snapshot: ResultSnapshot,
    directory: Path,
    *,
    numbering: str = Numbering.RANK,
    formats: list[str] | None = None,
) -> list[Path]:
    """The command's side: every file of the bundle written under `directory` (same paths as in the ZIP)."""
    data = report_data(snapshot)
    config = report_settings_get()
    written = []
    for path, content in snapshot_files(data, config, numbering=numbering, formats=formats):
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        written.append(target)
    return written


# The bundle job ----------------------------------------------------------------------------------


def report_bundle_start(
    *,
    snapshot: ResultSnapshot,
    acting_user,
    numbering: str = Numbering.RANK,
    formats: list[str] | None = None,
) -> ReportBundle:
    """Queues a bundle of the snapshot; once committed, a Celery worker builds it. While one with the
    same numbering and formats is queued or running, that one is returned instead of a second."""
    if acting_user is not None and not acting_user.has_perm("reports.view_reports"):
        raise BundleRefused(BUNDLE_NOT_ALLOWED)
    formats = formats_parse(formats)
    if not formats:
        raise BundleRefused(BUNDLE_BAD_FORMATS)
    numbering = numbering if numbering in Numbering.values else Numbering.RANK
    joined = ",".join(formats)
    with transaction.atomic():
        report_bundles_expire(snapshot=snapshot)
        active = ReportBundle.objects.filter(
            snapshot=snapshot, numbering=numbering, formats=joined, status__in=ACTIVE_STATES
        ).first()
        if active is not None:
            return active
        try:
            with transaction.atomic():
                bundle = ReportBundle.objects.create(
                    snapshot=snapshot,
                    numbering=numbering,
                    formats=joined,
                    created_by=acting_user,
                    file_name=bundle_file_name(snapshot, numbering),
                )
        except IntegrityError:  # a concurrent request queued the same bundle
            return ReportBundle.objects.get(
                snapshot=snapshot, numbering=numbering, formats=joined, status__in=ACTIVE_STATES
            )
        from .tasks import build_report_bundle

        job_enqueue(build_report_bundle, ReportBundle, bundle.pk)
    return bundle


def report_bundles_expire(*, snapshot: ResultSnapshot) -> int:
    """Marks the snapshot's bundles whose worker was lost as failed, so a killed worker does not block
    the next request (parindex.jobs: the stale-after rule)."""
    return jobs_expire(ReportBundle.objects.filter(snapshot=snapshot))


def report_bundle_build(*, bundle_id: int) -> ReportBundle | None:
    """The worker's side: claims the queued bundle, writes the ZIP to a temporary file with progress
    in the bundle row, then stores it and records its size and SHA-256. A bundle is built once: a
    redelivered task finds it running or done and returns None."""
    if not job_claim(ReportBundle, bundle_id, progress=1):
        return None
    bundle = ReportBundle.objects.select_related("snapshot__period").get(pk=bundle_id)
    state = {"percent": 1}

    def progress(done: int, total: int) -> None:
        percent = max(1, min(99, done * 100 // max(total, 1)))
        if percent != state["percent"] or done == total:
            state["percent"] = percent
            job_progress(ReportBundle, bundle_id, percent, files_done=done, files_total=total)

    try:
        with tempfile.TemporaryFile() as handle:
            count = bundle_write(
                bundle.snapshot,
                handle,
                numbering=bundle.numbering,
                formats=formats_parse(bundle.formats),
                progress=progress,
            )
            handle.seek(0)
            digest = hashlib.sha256()
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
            size = handle.tell()
            handle.seek(0)
            stored = default_storage.save(f"reports/bundles/{bundle.pk}/{bundle.file_name}", File(handle))
    except Exception as error:
        with translation.override(settings.LANGUAGE_CODE):
            message = gettext(BUNDLE_FAILED) % {"error": str(error) or error.__class__.__name__}
        job_fail(ReportBundle, bundle_id, message=message)
        raise
    job_finish(
        ReportBundle,
        bundle_id,
        files_done=count,
        files_total=count,
        storage_name=stored,
        size=size,
        sha256=digest.hexdigest(),
    )
    bundle.refresh_from_db()
    return bundle
