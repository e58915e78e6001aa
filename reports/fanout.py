"""A report bundle rendered as Celery tasks (issue 17): one task per file, as a chord, so N workers on
N machines render about N× faster, then one task zips the files in their fixed order.

    build_report_bundle(bundle)        claims the bundle, counts its files, sends the chord
      ├─ render_bundle_part(bundle, 0…n-1)   each renders one file, stores it under the bundle's
      │                                       parts/ folder and counts it in files_done (the page's bar)
      └─ finish_report_bundle(bundle)        zips the parts in order, stores the ZIP with its SHA-256

Parts are numbered in the bundle's order (draft report, workbook of all tables, one XLSX per table, one
PDF per table), so the ZIP is byte for byte the one `services.bundle_write` writes. Each task reads the
snapshot's report data once per worker process and bundle (`_data`); the tasks never hold a transaction
while rendering. Workers must share the web's storage (MEDIA_ROOT or the bucket), as for every job.
"""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import F
from django.db.models.functions import Greatest, Least
from django.utils import timezone, translation
from django.utils.translation import gettext

from parindex.jobs import JobStatus, job_claim, job_fail, job_finish

from .models import Numbering, ReportBundle
from .selectors import SnapshotData, report_data, report_settings_get
from .services import (
    BUNDLE_FAILED,
    bundle_file_name,
    draft_report_file,
    formats_parse,
    table_bytes,
    workbook_file,
)
from .tables import table_specs
from .writers.archive import zip_entry


@dataclass(frozen=True)
class Part:
    path: str  # inside the bundle's folder
    kind: str  # docx, workbook, xlsx, pdf
    table: int | None = None  # index in table_specs


def bundle_parts(data: SnapshotData, numbering: str, formats: list[str]) -> list[Part]:
    """The bundle's files in ZIP order (the same order and names as services.snapshot_files)."""
    specs = table_specs(data, numbering)
    parts = []
    if "docx" in formats:
        parts.append(Part(f"{data.period.code}_bao-cao-ket-qua.docx", "docx"))
    if "xlsx" in formats:
        suffix = "_theo-danh-sach" if numbering == Numbering.LIST else ""
        parts.append(Part(f"{data.period.code}_tat-ca-bieu{suffix}.xlsx", "workbook"))
        parts.extend(Part(f"xlsx/{spec.file_stem}.xlsx", "xlsx", n) for n, spec in enumerate(specs))
    if "pdf" in formats:
        parts.extend(Part(f"pdf/{spec.file_stem}.pdf", "pdf", n) for n, spec in enumerate(specs))
    return parts


_cache: dict[int, tuple[SnapshotData, list[Part]]] = {}


def _data(bundle: ReportBundle) -> tuple[SnapshotData, list[Part]]:
    """The snapshot's report data and the bundle's parts, read once per worker process and bundle."""
    if bundle.pk not in _cache:
        _cache.clear()  # one bundle at a time per process is what a worker renders
        data = report_data(bundle.snapshot)
        _cache[bundle.pk] = (data, bundle_parts(data, bundle.numbering, formats_parse(bundle.formats)))
    return _cache[bundle.pk]


def _part_name(bundle_id: int, index: int) -> str:
    return f"reports/bundles/{bundle_id}/parts/{index:05d}"


def report_bundle_fan_out(*, bundle_id: int) -> int | None:
    """Claims the queued bundle (queued → running) and returns its number of files, which the caller
    renders as that many tasks; None when it was claimed already (a redelivered task)."""
    if not job_claim(ReportBundle, bundle_id, progress=1):
        return None
    bundle = ReportBundle.objects.select_related("snapshot").get(pk=bundle_id)
    try:
        _data_, parts = _data(bundle)
    except Exception as error:
        _failed(bundle_id, error)
        raise
    ReportBundle.objects.filter(pk=bundle_id).update(files_done=0, files_total=len(parts))
    return len(parts)


def report_bundle_part(*, bundle_id: int, index: int) -> str | None:
    """Renders and stores one file of a running bundle, then counts it done; returns the stored name
    (None when the bundle no longer runs, e.g. another part failed)."""
    bundle = ReportBundle.objects.select_related("snapshot").filter(pk=bundle_id).first()
    if bundle is None or bundle.status != JobStatus.RUNNING:
        return None
    try:
        data, parts = _data(bundle)
        content = _render(data, bundle, parts[index])
        name = _part_name(bundle_id, index)
        if default_storage.exists(name):  # a redelivered task writes the same file again
            default_storage.delete(name)
        stored = default_storage.save(name, ContentFile(content))
    except Exception as error:
        _failed(bundle_id, error)
        raise
    ReportBundle.objects.filter(pk=bundle_id, status=JobStatus.RUNNING).update(
        files_done=F("files_done") + 1,
        progress=Least(99, Greatest(1, (F("files_done") + 1) * 100 / Greatest(F("files_total"), 1))),
        updated_at=timezone.now(),
    )
    return stored


def _render(data: SnapshotData, bundle: ReportBundle, part: Part) -> bytes:
    config = report_settings_get()
    if part.kind == "docx":
        return draft_report_file(data, config).content
    if part.kind == "workbook":
        return workbook_file(data, config, bundle.numbering).content
    spec = table_specs(data, bundle.numbering)[part.table]
    return table_bytes(part.kind, [spec.build(data, config)], data.stamp)


def report_bundle_finish(*, bundle_id: int, stored: list[str | None]) -> ReportBundle | None:
    """Zips the stored parts in order (entries dated with the snapshot's time), stores the ZIP with its
    size and SHA-256, deletes the parts and marks the bundle done."""
    bundle = ReportBundle.objects.select_related("snapshot__period").filter(pk=bundle_id).first()
    if bundle is None or bundle.status != JobStatus.RUNNING:
        return None
    try:
        data, parts = _data(bundle)
        if len(stored) != len(parts) or not all(stored):
            raise RuntimeError(f"{sum(map(bool, stored))} of {len(parts)} files rendered")
        folder = Path(bundle_file_name(bundle.snapshot, bundle.numbering)).stem
        with tempfile.TemporaryFile() as handle:
            with zipfile.ZipFile(handle, "w") as archive:
                for part, name in zip(parts, stored, strict=True):
                    with default_storage.open(name) as content:
                        zip_entry(archive, f"{folder}/{part.path}", content.read(), data.stamp)
            handle.seek(0)
            digest = hashlib.sha256()
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
            size = handle.tell()
            handle.seek(0)
            zip_name = default_storage.save(f"reports/bundles/{bundle.pk}/{bundle.file_name}", File(handle))
    except Exception as error:
        _failed(bundle_id, error)
        raise
    finally:
        _cache.pop(bundle_id, None)
    for name in stored:
        default_storage.delete(name)
    job_finish(
        ReportBundle,
        bundle_id,
        files_done=len(parts),
        files_total=len(parts),
        storage_name=zip_name,
        size=size,
        sha256=digest.hexdigest(),
    )
    bundle.refresh_from_db()
    return bundle


def _failed(bundle_id: int, error: Exception) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        message = gettext(BUNDLE_FAILED) % {"error": str(error) or error.__class__.__name__}
    job_fail(ReportBundle, bundle_id, message=message, running=JobStatus.RUNNING)
