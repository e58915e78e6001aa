"""Survey pages for the survey operators and Home Affairs: questionnaires, sample progress, response
imports (a refused file lists every problem by row and column) and the response template."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from agencies.models import Period

from .imports import responses_import, responses_template_xlsx
from .models import ImportBatch, Questionnaire, SamplePlan
from .permissions import may_operate_surveys, may_refresh_survey_values
from .problems import SurveyFileError
from .selectors import sample_progress
from .services import survey_values_refresh

MAX_UPLOAD = 100 * 1024 * 1024
TOO_LARGE = _("The file is larger than 100 MB.")
PROBLEMS_SHOWN = 1000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ResponsesFileForm(forms.Form):
    file = forms.FileField(
        label=_("Response file (XLSX or CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(TOO_LARGE)
        return upload


def _operator(request: HttpRequest) -> None:
    if not may_operate_surveys(request.user):
        raise PermissionDenied


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Questionnaires by period with responses collected and planned: two queries."""
    _operator(request)
    questionnaires = list(
        Questionnaire.objects.select_related("period", "block")
        .annotate(collected=Count("responses"))
        .order_by("-period__year", "period__code", "block__position", "code")
    )
    planned = {
        row["questionnaire_id"]: row["planned"]
        for row in SamplePlan.objects.values("questionnaire_id").annotate(planned=Sum("planned")).order_by()
    }
    periods: dict[int, dict] = {}
    for questionnaire in questionnaires:
        questionnaire.planned = planned.get(questionnaire.id)
        periods.setdefault(questionnaire.period_id, {"period": questionnaire.period, "questionnaires": []})[
            "questionnaires"
        ].append(questionnaire)
    return render(
        request,
        "surveys/index.html",
        {"periods": list(periods.values()), "may_refresh": may_refresh_survey_values(request.user)},
    )


def _questionnaire_page(request, questionnaire, form, problems=(), total=0, status=200) -> HttpResponse:
    return render(
        request,
        "surveys/questionnaire.html",
        {
            "questionnaire": questionnaire,
            "form": form,
            "problems": problems,
            "problem_count": total,
            "more_problems": total - len(problems),
            "progress": sample_progress(questionnaire=questionnaire),
            "batches": ImportBatch.objects.filter(questionnaire=questionnaire).select_related("created_by")[
                :20
            ],
        },
        status=status,
    )


@login_required
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Sample progress and import batches; POST imports a response file whole or not at all."""
    _operator(request)
    questionnaire = get_object_or_404(Questionnaire.objects.select_related("period", "block"), pk=pk)
    if request.method != "POST":
        return _questionnaire_page(request, questionnaire, ResponsesFileForm())
    form = ResponsesFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _questionnaire_page(request, questionnaire, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        batch = responses_import(
            questionnaire=questionnaire, file=upload, file_name=upload.name, acting_user=request.user
        )
    except SurveyFileError as error:
        problems = [str(problem) for problem in error.problems[:PROBLEMS_SHOWN]]
        return _questionnaire_page(
            request,
            questionnaire,
            ResponsesFileForm(),
            problems=problems,
            total=len(error.problems),
            status=422,
        )
    messages.success(
        request,
        gettext("%(file)s: %(added)s responses added, %(skipped)s already stored with the same answers.")
        % {"file": upload.name, "added": batch.added, "skipped": batch.skipped},
    )
    return redirect("surveys:questionnaire", pk=questionnaire.pk)


@login_required
@require_safe
def responses_template(request: HttpRequest, pk: int) -> HttpResponse:
    _operator(request)
    questionnaire = get_object_or_404(Questionnaire.objects.select_related("period", "block"), pk=pk)
    response = HttpResponse(responses_template_xlsx(questionnaire), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{questionnaire.code}.xlsx"'
    return response


@login_required
@require_POST
def values_refresh(request: HttpRequest, period_pk: int) -> HttpResponse:
    """Aggregates the period's responses into survey values (Home Affairs)."""
    if not may_refresh_survey_values(request.user):
        raise PermissionDenied
    period = get_object_or_404(Period, pk=period_pk)
    written = survey_values_refresh(period=period)
    messages.success(
        request,
        gettext("%(period)s: %(count)s survey values written.") % {"period": period, "count": written},
    )
    return redirect("surveys:index")
