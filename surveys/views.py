"""Survey pages for the survey operators and Home Affairs: questionnaires, sample progress, response
imports run as background jobs (a refused file lists every problem by row and column), the response
template, keyboard-only entry of paper forms with a blind second entry and its mismatch report, and the
online links. The public online form (no login) is at the end."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Count, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies.models import Period
from agencies.policy import period_inputs_refusal
from parindex.formatting import message_text
from parindex.safe_files import csv_text

from .forms import CorrectionForm, EntryForm, OnlineForm, ResponsesFileForm, agency_number, group_number
from .imports import problems_from_data, responses_template_xlsx
from .jobs import import_job_start
from .models import (
    Answer,
    ImportBatch,
    PrintedForms,
    PrintStatus,
    Questionnaire,
    Response,
    SamplePlan,
    SurveyToken,
)
from .permissions import may_manage_online_survey, may_operate_surveys, may_refresh_survey_values
from .printing import printed_forms_start
from .problems import SurveyFileError
from .selectors import (
    entry_questions,
    response_corrections,
    sample_progress,
    second_entry_mismatches,
    survey_link_counts,
    survey_refresh_summary,
)
from .services import (
    TOKEN_USED,
    TokenUsed,
    online_response_store,
    response_correct,
    response_enter,
    second_entry_record,
    survey_values_refresh,
    tokens_generate,
)

PROBLEMS_SHOWN = 1000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOINDEX = "noindex, nofollow"


def _add_errors(form, error: ValidationError) -> None:
    """A service's errors by field on the form; those of fields the form lacks above it."""
    for field, errors in (
        error.error_dict.items() if hasattr(error, "error_dict") else [(None, error.error_list)]
    ):
        form.add_error(field if field in form.fields else None, errors)


def _operator(request: HttpRequest) -> None:
    if not may_operate_surveys(request.user):
        raise PermissionDenied


def _questionnaire(pk: int) -> Questionnaire:
    return get_object_or_404(Questionnaire.objects.select_related("period", "block"), pk=pk)


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


# --- a questionnaire: progress and imports ----------------------------------------------------------


def _batch_context(batch: ImportBatch) -> dict:
    problems = [str(problem) for problem in problems_from_data(batch.problem_list)[:PROBLEMS_SHOWN]]
    return {"batch": batch, "problems": problems, "more_problems": batch.problems - len(problems)}


def _questionnaire_page(request, questionnaire, form, status=200) -> HttpResponse:
    batches = list(ImportBatch.objects.filter(questionnaire=questionnaire).select_related("created_by")[:20])
    shown = request.GET.get("lan-nhap")
    current = [
        _batch_context(batch) for batch in batches if not batch.finished or (shown and str(batch.pk) == shown)
    ]
    return render(
        request,
        "surveys/questionnaire.html",
        {
            "questionnaire": questionnaire,
            "form": form,
            "current": current,
            "progress": sample_progress(questionnaire=questionnaire),
            "batches": batches,
            "may_manage_online": may_manage_online_survey(request.user),
        },
        status=status,
    )


@login_required
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Sample progress and import batches; POST saves a response file and queues its import (whole or
    not at all), then shows the job's progress."""
    _operator(request)
    questionnaire = _questionnaire(pk)
    if request.method != "POST":
        return _questionnaire_page(request, questionnaire, ResponsesFileForm())
    form = ResponsesFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _questionnaire_page(request, questionnaire, form, status=400)
    try:
        batch = import_job_start(
            questionnaire=questionnaire, upload=form.cleaned_data["file"], acting_user=request.user
        )
    except SurveyFileError as error:  # over the file limits: refused before it is stored
        for problem in error.problems:
            form.add_error("file", message_text(problem.message))
        return _questionnaire_page(request, questionnaire, form, status=400)
    url = reverse("surveys:questionnaire", args=[questionnaire.pk])
    return redirect(f"{url}?{urlencode({'lan-nhap': batch.pk})}")


@login_required
@require_safe
def batch_status(request: HttpRequest, pk: int, batch_pk: int) -> HttpResponse:
    """One import job's progress bar or outcome: the page polls it every second while the job runs."""
    _operator(request)
    batch = get_object_or_404(ImportBatch, pk=batch_pk, questionnaire_id=pk)
    return render(request, "surveys/_batch.html", {"questionnaire_id": pk, **_batch_context(batch)})


@login_required
@require_safe
def responses_template(request: HttpRequest, pk: int) -> HttpResponse:
    _operator(request)
    questionnaire = _questionnaire(pk)
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
    try:
        written = survey_values_refresh(period=period, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("surveys:index")
    summary = survey_refresh_summary(period=period)
    text = gettext(
        "%(period)s: %(count)s survey values written from %(responses)s questionnaires (%(surveys)s), "
        "for %(agencies)s agencies on %(criteria)s survey criteria."
    ) % {
        "period": period,
        "count": written,
        "responses": summary.responses,
        "surveys": "; ".join(summary.questionnaires) or "—",
        "agencies": summary.agencies,
        "criteria": summary.criteria,
    }
    if summary.kept:
        text += " " + ngettext(
            "%(kept)s value entered by hand or imported was kept as it is.",
            "%(kept)s values entered by hand or imported were kept as they are.",
            summary.kept,
        ) % {"kept": summary.kept}
    messages.success(request, text)
    return redirect("surveys:index")


# --- typing paper forms ----------------------------------------------------------------------------


def _entry_lists(questionnaire: Questionnaire):
    groups = list(questionnaire.groups.order_by("position", "id"))
    agencies = list(
        questionnaire.period.agencies().filter(block=questionnaire.block_id).order_by("position", "code")
    )
    return groups, agencies, entry_questions(questionnaire=questionnaire)


def _entry(request: HttpRequest, pk: int, *, second: bool, serial: str | None = None) -> HttpResponse:
    """Typing a form: the first entry, the blind second entry, or (`serial`) the correction of a first
    entry from its paper copy, prefilled with what was typed."""
    _operator(request)
    questionnaire = _questionnaire(pk)
    correcting = None
    if serial is not None:
        correcting = get_object_or_404(
            Response.objects.select_related("group", "agency"), questionnaire=questionnaire, serial=serial
        )
    groups, agencies, questions = _entry_lists(questionnaire)
    lists = {"groups": groups, "agencies": agencies, "questions": questions}
    form_class = CorrectionForm if correcting else EntryForm
    status = 200
    if request.method == "POST" and correcting is not None:
        data = request.POST.copy()
        data["serial"] = correcting.serial  # the form corrected is the one of the page
        form = form_class(data, **lists)
        if refusal := period_inputs_refusal(questionnaire.period):  # the service refuses it too
            form.is_valid()
            form.add_error(None, refusal)
            status = 409
        elif form.is_valid():
            try:
                response_correct(
                    questionnaire=questionnaire,
                    serial=correcting.serial,
                    group=form.cleaned_data["group"],
                    agency=form.cleaned_data["agency"],
                    answers=form.answers(),
                    reason=form.cleaned_data["reason"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    gettext("The first entry of form %(serial)s was corrected.")
                    % {"serial": correcting.serial},
                )
                return redirect("surveys:mismatches", questionnaire.pk)
        status = status if status == 409 else 400
    elif request.method == "POST":
        form = EntryForm(request.POST, **lists)
        if refusal := period_inputs_refusal(questionnaire.period):  # the service refuses it too
            form.is_valid()
            form.add_error(None, refusal)
            status = 409
        elif form.is_valid():
            store = second_entry_record if second else response_enter
            try:
                store(
                    questionnaire=questionnaire,
                    serial=form.cleaned_data["serial"],
                    group=form.cleaned_data["group"],
                    agency=form.cleaned_data["agency"],
                    answers=form.answers(),
                    acting_user=request.user,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                answered = sum(1 for value in form.answers().values() if value)
                messages.success(
                    request,
                    (
                        gettext("Form %(serial)s typed a second time: %(count)s answers.")
                        if second
                        else gettext("Form %(serial)s saved: %(count)s answers.")
                    )
                    % {"serial": form.cleaned_data["serial"].strip(), "count": answered},
                )
                # The next form most often has the same group and agency: keep them, focus the serial.
                kept = {"nhom": request.POST.get("group", ""), "co-quan": request.POST.get("agency", "")}
                return redirect(f"{request.path}?{urlencode(kept)}")
        status = status if status == 409 else 400
    elif correcting is not None:
        typed = dict(Answer.objects.filter(response=correcting).values_list("question_id", "option__key"))
        form = CorrectionForm(
            initial={
                "serial": correcting.serial,
                "group": correcting.group.code,
                "agency": correcting.agency.code,
                **{f"q{question_id}": key for question_id, key in typed.items()},
            },
            **lists,
        )
    else:
        form = EntryForm(
            initial={"group": request.GET.get("nhom", ""), "agency": request.GET.get("co-quan", "")}, **lists
        )
    group_ids = {number: group.id for number, group in form.groups.items()}
    return render(
        request,
        "surveys/entry.html",
        {
            "questionnaire": questionnaire,
            "form": form,
            "second": second,
            "correcting": correcting,
            "corrections": response_corrections(questionnaire=questionnaire, serials=[correcting.serial]).get(
                correcting.serial, []
            )
            if correcting
            else [],
            "differences": [
                row
                for row in second_entry_mismatches(questionnaire=questionnaire).mismatches
                if row.serial == correcting.serial
            ]
            if correcting
            else [],
            "groups": [(group_number(n), g) for n, g in enumerate(groups, start=1)],
            "agencies": [(agency_number(n, len(agencies)), a) for n, a in enumerate(agencies, start=1)],
            "entry_data": {
                "groups": {key: str(value) for key, value in group_ids.items()},
                "groupNames": {key: group.name for key, group in form.groups.items()},
                "agencyNames": {key: agency.name for key, agency in form.agencies.items()},
            },
        },
        status=status,
    )


@login_required
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    """A paper form typed by number keys; Enter saves it and the next form starts at the serial."""
    return _entry(request, pk, second=False)


@login_required
def second_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """The blind second typing of forms already entered, by another operator."""
    return _entry(request, pk, second=True)


@login_required
def correct(request: HttpRequest, pk: int, serial: str) -> HttpResponse:
    """The first entry of one form, corrected from its paper copy with a reason (from the mismatch report)."""
    return _entry(request, pk, second=False, serial=serial)


@login_required
@require_safe
def mismatches(request: HttpRequest, pk: int) -> HttpResponse:
    _operator(request)
    questionnaire = _questionnaire(pk)
    report = second_entry_mismatches(questionnaire=questionnaire)
    corrections = response_corrections(questionnaire=questionnaire)
    return render(
        request,
        "surveys/mismatches.html",
        {"questionnaire": questionnaire, "report": report, "corrections": corrections.items()},
    )


# --- online links ----------------------------------------------------------------------------------


def _online_manager(request: HttpRequest) -> None:
    if not may_manage_online_survey(request.user):
        raise PermissionDenied


@login_required
def online_links(request: HttpRequest, pk: int) -> HttpResponse:
    """Links per agency × group of the sample plan (Home Affairs); POST makes the missing ones."""
    _online_manager(request)
    questionnaire = _questionnaire(pk)
    if request.method == "POST":
        try:
            made = tokens_generate(questionnaire=questionnaire, acting_user=request.user)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            messages.success(request, gettext("%(count)s links made.") % {"count": made})
        return redirect("surveys:online", pk=questionnaire.pk)
    counts = survey_link_counts(questionnaire=questionnaire)
    return render(
        request,
        "surveys/online_links.html",
        {
            "questionnaire": questionnaire,
            "counts": counts,
            "links": sum(c.links for c in counts),
            "used": sum(c.used for c in counts),
        },
    )


@login_required
@require_safe
def online_links_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every link of the questionnaire with its agency and group, to print or send (UTF-8 with BOM)."""
    _online_manager(request)
    questionnaire = _questionnaire(pk)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["Mã cơ quan", "Cơ quan", "Mã nhóm", "Nhóm đối tượng", "Đường dẫn", "Đã trả lời lúc"])
    for token in (
        SurveyToken.objects.filter(questionnaire=questionnaire)
        .select_related("agency", "group")
        .order_by("agency__position", "agency__code", "group__position", "id")
    ):
        writer.writerow(
            [
                csv_text(token.agency.code),
                csv_text(token.agency.name),
                csv_text(token.group.code),
                csv_text(token.group.name),
                request.build_absolute_uri(reverse("surveys:answer", args=[token.token])),
                token.used_at.isoformat() if token.used_at else "",
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{questionnaire.code}-duong-dan.csv"'
    return response


def _public(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = NOINDEX
    response["Cache-Control"] = "no-store"
    return response


def online_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The public form of a one-time link (no login): the questions asked of its group, one response."""
    link = (
        SurveyToken.objects.select_related("questionnaire__period", "questionnaire__block", "group", "agency")
        .filter(token=token)
        .first()
    )
    if link is None:
        raise Http404
    context = {"link": link, "questionnaire": link.questionnaire}
    if link.used_at is not None:
        return _public(
            render(request, "surveys/online_used.html", {**context, "message": TOKEN_USED}, status=410)
        )
    questions = [q for q in entry_questions(questionnaire=link.questionnaire) if link.group_id in q.groups]
    form = OnlineForm(request.POST or None, questions=questions)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                online_response_store(token=token, answers=form.answers())
            except TokenUsed:
                return _public(
                    render(
                        request, "surveys/online_used.html", {**context, "message": TOKEN_USED}, status=410
                    )
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return _public(render(request, "surveys/online_thanks.html", context))
        status = 400
    return _public(render(request, "surveys/online_form.html", {**context, "form": form}, status=status))


@login_required
@require_http_methods(["GET", "POST"])
def printed_forms(request: HttpRequest, pk: int) -> HttpResponse:
    """Printable questionnaires with QR codes (Home Affairs): POST queues a new PDF; GET shows the
    latest job, and with ?tai=1 downloads its PDF."""
    _online_manager(request)
    questionnaire = _questionnaire(pk)
    if request.method == "POST":
        try:
            printed_forms_start(questionnaire=questionnaire, acting_user=request.user)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        return redirect("surveys:printed", pk=questionnaire.pk)
    latest = PrintedForms.objects.filter(questionnaire=questionnaire).first()
    if request.GET.get("tai") == "1":
        if latest is None or latest.status != PrintStatus.DONE:
            raise Http404
        response = FileResponse(
            default_storage.open(latest.storage_name, "rb"),
            as_attachment=True,
            filename=f"phieu-in-{questionnaire.code}.pdf",
            content_type="application/pdf",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
    return render(request, "surveys/printed.html", {"questionnaire": questionnaire, "job": latest})
