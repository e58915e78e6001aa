"""Staff pages of the reports (Home Affairs, the secretariat lead, the council): the tables of a snapshot
on screen and as XLSX/PDF, the draft report as DOCX, and the ZIP bundle built by a job."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from parindex.jobs import JobStatus

from . import selectors, services
from .models import Numbering
from .tables import table_specs

PERMISSION = "reports.view_reports"


def reports_staff(view):
    """Logged-in users holding reports.view_reports; anyone else logged in gets 403."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _snapshot(period_code: str, version: int):
    snapshot = selectors.snapshot_for_reports(period_code, version)
    if snapshot is None:
        raise Http404
    return snapshot


def _numbering(request) -> str:
    value = request.GET.get("numbering") or request.POST.get("numbering") or Numbering.RANK
    return value if value in Numbering.values else Numbering.RANK


def _attachment(report_file: services.ReportFile) -> HttpResponse:
    response = HttpResponse(report_file.content, content_type=report_file.media_type)
    response["Content-Disposition"] = f'attachment; filename="{report_file.name}"'
    response["Content-Length"] = str(len(report_file.content))
    return response


@require_GET
@reports_staff
def index(request):
    return render(request, "reports/index.html", {"periods": selectors.snapshots_for_reports()})


@require_GET
@reports_staff
def snapshot_tables(request, period_code: str, version: int):
    snapshot = _snapshot(period_code, version)
    numbering = _numbering(request)
    data = selectors.report_data(snapshot)
    specs = table_specs(data, numbering)
    blocks = [
        {"block": block, "specs": [spec for spec in specs if spec.is_detail and spec.block is block]}
        for block in data.blocks
        if block.results
    ]
    bundles = list(selectors.report_bundle_list(snapshot))
    return render(
        request,
        "reports/snapshot.html",
        {
            "snapshot": snapshot,
            "period": snapshot.period,
            "numbering": numbering,
            "numberings": Numbering.choices,
            "blocks": blocks,
            "summaries": [spec for spec in specs if not spec.is_detail],
            "bundles": bundles,
            "building": any(bundle.is_active for bundle in bundles),
            "formats": services.FORMATS,
        },
    )


def _spec(data, key: str, numbering: str):
    specs = table_specs(data, numbering)
    for position, spec in enumerate(specs):
        if spec.key == key:
            previous = specs[position - 1] if position else None
            following = specs[position + 1] if position + 1 < len(specs) else None
            return spec, previous, following
    raise Http404


@require_GET
@reports_staff
def table_view(request, period_code: str, version: int, key: str):
    snapshot = _snapshot(period_code, version)
    numbering = _numbering(request)
    data = selectors.report_data(snapshot)
    spec, previous, following = _spec(data, key, numbering)
    return render(
        request,
        "reports/table.html",
        {
            "snapshot": snapshot,
            "period": snapshot.period,
            "numbering": numbering,
            "spec": spec,
            "table": spec.build(data, selectors.report_settings_get()),
            "previous": previous,
            "following": following,
        },
    )


@require_GET
@reports_staff
def table_download(request, period_code: str, version: int, key: str, fmt: str):
    if fmt not in ("xlsx", "pdf"):
        raise Http404
    snapshot = _snapshot(period_code, version)
    data = selectors.report_data(snapshot)
    spec, _previous, _following = _spec(data, key, _numbering(request))
    return _attachment(services.table_file(spec, data, selectors.report_settings_get(), fmt))


@require_GET
@reports_staff
def workbook_download(request, period_code: str, version: int):
    snapshot = _snapshot(period_code, version)
    data = selectors.report_data(snapshot)
    return _attachment(services.workbook_file(data, selectors.report_settings_get(), _numbering(request)))


@require_GET
@reports_staff
def draft_report_download(request, period_code: str, version: int):
    snapshot = _snapshot(period_code, version)
    data = selectors.report_data(snapshot)
    return _attachment(services.draft_report_file(data, selectors.report_settings_get()))


@require_POST
@reports_staff
def bundle_start(request, period_code: str, version: int):
    snapshot = _snapshot(period_code, version)
    numbering = _numbering(request)
    try:
        bundle = services.report_bundle_start(
            snapshot=snapshot,
            acting_user=request.user,
            numbering=numbering,
            formats=request.POST.getlist("formats") or None,
        )
    except services.BundleRefused as refusal:
        if request.htmx:
            return HttpResponse(str(refusal.message), status=400)
        messages.error(request, refusal.message)
        bundle = None
    if request.htmx and bundle is not None:
        bundle.refresh_from_db()
        return render(request, "reports/_bundle.html", {"bundle": bundle, "oob_button": True})
    url = reverse("reports:snapshot", args=[period_code, version])
    return redirect(f"{url}?numbering={numbering}" if numbering != Numbering.RANK else url)


def _bundle(pk: int):
    bundle = selectors.report_bundle_get(pk)
    if bundle is None:
        raise Http404
    return bundle


@require_GET
@reports_staff
def bundle_status(request, pk: int):
    """The progress partial the snapshot page polls (htmx) while the bundle is queued or running."""
    return render(request, "reports/_bundle.html", {"bundle": _bundle(pk), "oob_button": True})


@require_GET
@reports_staff
def bundle_download(request, pk: int):
    bundle = _bundle(pk)
    if bundle.status != JobStatus.SUCCEEDED or not bundle.storage_name:
        raise Http404
    try:
        handle = default_storage.open(bundle.storage_name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=bundle.file_name, content_type=services.MEDIA_TYPES["zip"]
    )
