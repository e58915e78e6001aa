"""The measured-data page of Home Affairs: upload a file (checked by a background job, whose page polls
it), preview old → new, confirm; the template; the values stored with their source. Views check the
permission, call one service, render."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from agencies import policy
from agencies.models import Period
from agencies.policy import Obj
from parindex.jobs import JobStatus

from . import jobs, selectors, services
from .models import MeasureImport
from .reading import limits
from .services import Problem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(request, period_code: str) -> Period:
    """The period, when the permission (the role gate) and the policy let the user read its measured data."""
    if not request.user.has_perm("measures.import_measures"):
        raise PermissionDenied
    period = get_object_or_404(Period, code=period_code)
    if not policy.may_read(policy.audience(request.user), Obj.MEASURED, period.state):
        raise PermissionDenied
    return period


def _write_refusal(request, period: Period) -> str | None:
    return policy.write_refusal(policy.audience(request.user), Obj.MEASURED, period)


def _context(request, period: Period, **extra) -> dict:
    agency = request.GET.get("agency", "").strip()
    return {
        "period": period,
        "cells": selectors.measure_cells(period=period, agency_code=agency),
        "agency_filter": agency,
        "imports": selectors.period_imports(period),
        "refusal": _write_refusal(request, period),
        "max_rows": limits().rows,
        **extra,
    }


@login_required
@require_safe
def page(request, period_code: str):
    period = _period(request, period_code)
    return render(request, "measures/page.html", _context(request, period))


@login_required
@require_POST
def upload(request, period_code: str):
    period = _period(request, period_code)
    upload_file = request.FILES.get("file")
    source = request.POST.get("source", "").strip()
    source_date = None
    problems, error = [], None
    if request.POST.get("source_date"):
        try:
            source_date = date.fromisoformat(request.POST["source_date"])
        except ValueError:
            error = _("The date of the source document is not a date.")
    if refusal := _write_refusal(request, period):
        error = refusal
    elif upload_file is None:
        error = _("Choose a file.")
    if error is None:
        try:
            measure_import = jobs.measure_import_start(
                period=period,
                upload=upload_file,
                acting_user=request.user,
                default_source=source,
                default_source_date=source_date,
            )
        except services.MeasuresRefused as refused:
            error, problems = refused.message, refused.problems
        else:
            return redirect("measures:preview", period.code, measure_import.pk)
    return render(
        request,
        "measures/page.html",
        _context(
            request,
            period,
            error=error,
            problems=problems,
            file_name=upload_file.name if upload_file else "",
            source=source,
            source_date=request.POST.get("source_date", ""),
        ),
        status=409 if refusal else 400,
    )


def _job_context(request, period: Period, measure_import: MeasureImport) -> dict:
    changes = measure_import.preview
    return {
        "period": period,
        "measure_import": measure_import,
        "changes": changes,
        "changed": sum(1 for c in changes if c["changed"]),
        "pending": measure_import.status == JobStatus.PREVIEWED,
        "problems": [Problem.from_data(item) for item in measure_import.problem_list],
        "refusal": _write_refusal(request, period),
    }


@login_required
@require_safe
def preview(request, period_code: str, import_id: int):
    """One file: its check's progress while the job runs, then the preview or every problem."""
    period = _period(request, period_code)
    measure_import = get_object_or_404(MeasureImport.objects.defer("content"), pk=import_id, period=period)
    return render(request, "measures/preview.html", _job_context(request, period, measure_import))


@login_required
@require_safe
def status(request, period_code: str, import_id: int):
    """The file's box alone, polled every second by the preview page while the job checks the file."""
    period = _period(request, period_code)
    measure_import = get_object_or_404(MeasureImport.objects.defer("content"), pk=import_id, period=period)
    return render(request, "measures/_job.html", _job_context(request, period, measure_import))


@login_required
@require_POST
def confirm(request, period_code: str, import_id: int):
    period = _period(request, period_code)
    measure_import = get_object_or_404(MeasureImport.objects.defer("content"), pk=import_id, period=period)
    if refusal := _write_refusal(request, period):
        messages.error(request, refusal)
        return redirect("measures:preview", period.code, measure_import.pk)
    try:
        jobs.measure_import_confirm(measure_import=measure_import, acting_user=request.user)
    except services.MeasuresRefused as refused:
        messages.error(request, " ".join([refused.message, *(str(p) for p in refused.problems[:20])]))
    return redirect("measures:preview", period.code, measure_import.pk)


@login_required
@require_POST
def discard(request, period_code: str, import_id: int):
    period = _period(request, period_code)
    measure_import = get_object_or_404(MeasureImport.objects.defer("content"), pk=import_id, period=period)
    if refusal := _write_refusal(request, period):
        messages.error(request, refusal)
        return redirect("measures:page", period.code)
    try:
        services.measures_discard(measure_import=measure_import, acting_user=request.user)
    except services.MeasuresRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.info(request, _("The file was discarded; nothing was stored."))
    return redirect("measures:page", period.code)


@login_required
@require_safe
def template(request, period_code: str):
    period = _period(request, period_code)
    response = HttpResponse(selectors.template_xlsx(period=period), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="so-lieu-{period.code}.xlsx"'
    return response
