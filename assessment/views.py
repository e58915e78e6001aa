"""The self-assessment pages: the agency's tree with autosaving leaves, submission, and the Home Affairs
overview. Views resolve what the user may see (else 404), call one service, and render."""

from __future__ import annotations

import io
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role
from agencies import policy
from agencies.models import Period, PeriodState
from agencies.permissions import scope_for

from . import selectors, services
from .models import AssessmentItem, SubmissionStatus


def login_required_htmx(view):
    """Like login_required, but an expired session answers an htmx request with 401 instead of a
    redirect, so the page keeps what the user typed and tells them to log in again."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            if request.htmx:
                return HttpResponse(status=401)
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def _period_and_agency(request, period_code: str, agency_code: str):
    period = get_object_or_404(Period, code=period_code)
    agency = get_object_or_404(scope_for(request.user, period).agencies, code=agency_code)
    return period, agency


def _may_edit(user, agency) -> bool:
    return user.has_perm("assessment.self_assess") and user.agency_id == agency.id


@login_required
@require_GET
def index(request):
    """Agency users go to their agency's open period; Home Affairs to the overview of the latest one."""
    scope = scope_for(request.user)
    period = Period.objects.filter(state=PeriodState.SELF_ASSESSMENT).first() or Period.objects.first()
    if period is None:
        raise Http404
    if request.user.agency_id and scope.agencies.filter(pk=request.user.agency_id).exists():
        return redirect("assessment:page", period.code, request.user.agency.code)
    if scope.manages_periods or request.user.role in (Role.SECRETARIAT_LEAD, Role.COUNCIL):
        return redirect("assessment:overview", period.code)
    raise Http404


@login_required
@require_GET
def page(request, period_code: str, agency_code: str):
    period, agency = _period_and_agency(request, period_code, agency_code)
    if _may_edit(request.user, agency):
        services.items_ensure(period=period, agency=agency)
    submission = services.submission_for(period=period, agency=agency)
    rows, totals = selectors.self_assessment_rows(period=period, agency=agency)
    refusal = services.self_assessment_refusal(period=period, agency=agency, submission=submission)
    editable = _may_edit(request.user, agency) and refusal is None
    return render(
        request,
        "assessment/page.html",
        {
            "period": period,
            "agency": agency,
            "rows": rows,
            "totals": totals,
            "submission": submission,
            "window": services.self_assessment_window(period=period, agency=agency),
            "refusal": refusal,
            "editable": editable,
            "may_submit": editable,
            "may_sign_off": request.user.has_perm("assessment.sign_off_self_assessment")
            and request.user.agency_id == agency.id
            and submission.locked
            and submission.signed_off_at is None,
            "may_reopen": submission.locked and request.user.has_perm("assessment.reopen_self_assessment"),
            "completeness": services.self_assessment_completeness(period=period, agency=agency)
            if editable
            else None,
        },
    )


def _item(request, period, agency, item_id: int) -> AssessmentItem:
    return get_object_or_404(
        AssessmentItem.objects.select_related("node", "agency"),
        pk=item_id,
        agency=agency,
        node__criteria_set__period=period,
    )


def _saved_response(request, period, agency, item, *, error=None, conflict=None, data=None):
    rows, totals = selectors.self_assessment_rows(period=period, agency=agency)
    ancestors = _ancestor_codes(rows, item.node)
    return render(
        request,
        "assessment/_saved.html",
        {
            "period": period,
            "agency": agency,
            "item": item,
            "error": error,
            "conflict": conflict,
            "posted": data,
            "rows": [row for row in rows if row.node.code in ancestors],
            "totals": totals,
            "saved_at": timezone.localtime(),
            "completeness": services.self_assessment_completeness(period=period, agency=agency)
            if error is None and conflict is None
            else None,
        },
    )


def _ancestor_codes(rows, node) -> set[str]:
    by_id = {row.node.id: row.node for row in rows}
    codes, current = set(), by_id.get(node.id)
    while current is not None:
        codes.add(current.code)
        current = by_id.get(current.parent_id)
    return codes


@login_required_htmx
@require_POST
def item_save(request, period_code: str, agency_code: str, item_id: int):
    """Autosave of one leaf (htmx). Success, refusal and conflict all answer with out-of-band fragments,
    never by replacing the form, so nothing the user is typing is lost."""
    period, agency = _period_and_agency(request, period_code, agency_code)
    item = _item(request, period, agency, item_id)
    applicable = request.POST.get("not_applicable") != "on"
    try:
        item = services.item_self_score(
            item=item,
            user=request.user,
            expected_version=int(request.POST.get("version") or 0),
            data=request.POST,
            note=request.POST.get("note", ""),
            applicable=applicable,
            not_applicable_reason=request.POST.get("not_applicable_reason", ""),
        )
    except services.StaleItem as stale:
        return _saved_response(
            request, period, agency, stale.current, conflict=stale.current, data=request.POST
        )
    except services.AssessmentRefused as refused:
        return _saved_response(request, period, agency, item, error=refused.message)
    return _saved_response(request, period, agency, item)


@login_required
@require_GET
def item_row(request, period_code: str, agency_code: str, item_id: int):
    """One leaf's form as stored now (used to take the stored version after a conflict)."""
    period, agency = _period_and_agency(request, period_code, agency_code)
    item = _item(request, period, agency, item_id)
    rows, _totals = selectors.self_assessment_rows(period=period, agency=agency)
    row = next(row for row in rows if row.item and row.item.pk == item.pk)
    refusal = services.self_assessment_refusal(period=period, agency=agency)
    return render(
        request,
        "assessment/_leaf_form.html",
        {
            "row": row,
            "period": period,
            "agency": agency,
            "editable": _may_edit(request.user, agency) and refusal is None,
        },
    )


@login_required_htmx
@require_GET
def progress(request, period_code: str, agency_code: str):
    """Totals, completeness and each leaf's file count, out of band (after evidence changes)."""
    period, agency = _period_and_agency(request, period_code, agency_code)
    rows, totals = selectors.self_assessment_rows(period=period, agency=agency)
    return render(
        request,
        "assessment/_progress.html",
        {
            "rows": [row for row in rows if row.is_leaf],
            "totals": totals,
            "completeness": services.self_assessment_completeness(period=period, agency=agency),
        },
    )


@login_required
@require_GET
def item_history(request, period_code: str, agency_code: str, item_id: int):
    period, agency = _period_and_agency(request, period_code, agency_code)
    item = _item(request, period, agency, item_id)
    stages = policy.visible_stages(policy.item_audience(request.user, item), period.state)
    return render(
        request,
        "assessment/_history.html",
        {"item": item, "entries": selectors.item_history(item, stages=stages)},
    )


@login_required
@require_POST
def submit(request, period_code: str, agency_code: str):
    period, agency = _period_and_agency(request, period_code, agency_code)
    try:
        services.assessment_submit(
            period=period, agency=agency, user=request.user, explanation=request.POST.get("explanation", "")
        )
    except services.AssessmentRefused as refused:
        detail = ", ".join(refused.details[:30]) + ("…" if len(refused.details) > 30 else "")
        messages.error(request, f"{refused.message} {detail}".strip())
    else:
        messages.success(request, _("The self-assessment has been submitted."))
    return redirect("assessment:page", period.code, agency.code)


@login_required
@require_POST
def sign_off(request, period_code: str, agency_code: str):
    period, agency = _period_and_agency(request, period_code, agency_code)
    try:
        services.assessment_sign_off(period=period, agency=agency, user=request.user)
    except services.AssessmentRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The self-assessment has been signed off."))
    return redirect("assessment:page", period.code, agency.code)


@login_required
@require_POST
def reopen(request, period_code: str, agency_code: str):
    period, agency = _period_and_agency(request, period_code, agency_code)
    try:
        services.assessment_reopen(
            period=period, agency=agency, user=request.user, reason=request.POST.get("reason", "")
        )
    except services.AssessmentRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The self-assessment has been reopened."))
    return redirect("assessment:page", period.code, agency.code)


def _overview_rows(request, period_code):
    scope = scope_for(request.user)
    if not (scope.manages_periods or request.user.role in (Role.SECRETARIAT_LEAD, Role.COUNCIL)):
        raise Http404
    period = get_object_or_404(Period, code=period_code)
    return period, selectors.self_assessment_overview(period=period, agencies=scope.agencies)


@login_required
@require_GET
def overview(request, period_code: str):
    period, rows = _overview_rows(request, period_code)
    counts = {
        status: sum(1 for r in rows if r.status == status)
        for status in ("not_started", "in_progress", "submitted")
    }
    return render(request, "assessment/overview.html", {"period": period, "rows": rows, "counts": counts})


@login_required
@require_GET
def overview_xlsx(request, period_code: str):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from parindex.safe_files import xlsx_keep_text

    period, rows = _overview_rows(request, period_code)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Self-assessment")
    sheet.append(
        [
            _("Block"),
            _("Agency"),
            _("Status"),
            _("Criteria"),
            _("Scored"),
            _("Share scored"),
            _("With evidence"),
            _("Share with evidence"),
            _("Last activity"),
        ]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    labels = {"not_started": _("Not started"), **dict(SubmissionStatus.choices)}
    for row in rows:
        sheet.append(
            [
                row.agency.block.name,
                row.agency.name,
                str(labels.get(row.status, row.status)),
                row.leaves,
                row.scored,
                row.percent_scored / 100,
                row.with_evidence,
                row.percent_with_evidence / 100,
                timezone.localtime(row.last_activity).replace(tzinfo=None) if row.last_activity else None,
            ]
        )
    for column, width in zip("ABCDEFGHI", (22, 45, 18, 10, 10, 10, 12, 14, 18), strict=True):
        sheet.column_dimensions[column].width = width
    for cells in sheet.iter_rows(min_row=2):
        cells[5].number_format = cells[7].number_format = "0%"
        cells[8].number_format = "dd/mm/yyyy hh:mm"
    xlsx_keep_text(workbook)  # an agency named "=…" stays text
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="tu-danh-gia-{period.code}.xlsx"'
    return response
