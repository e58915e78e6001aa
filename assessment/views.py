"""The self-assessment pages: the agency's tree with autosaving leaves, submission, and the Home Affairs
overview. Views resolve what the user may see (else 404), call one service, and render."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from agencies import policy
from agencies.models import Agency, Period, PeriodState, WindowKind
from agencies.permissions import scope_for
from parindex.snapshots import one_snapshot

from . import exports, selectors, services, windows


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
    """The period and the agency whose whole self-assessment the user reads (the page gathers every item
    of it, with its totals and submission): an appraiser only where their assignments cover every area
    of the agency; else 404."""
    period = get_object_or_404(Period, code=period_code)
    agency = get_object_or_404(Agency, code=agency_code)
    if not scope_for(request.user, period).sees_whole(agency):
        raise Http404
    return period, agency


@login_required
@require_GET
def index(request):
    """Agency users go to their agency's open period; Home Affairs to the overview of the latest one."""
    scope = scope_for(request.user)
    periods = Period.objects.all()
    if request.user.agency_id:  # the period that scores their agency (a database may hold two provinces)
        periods = periods.filter(criteria_sets__block=request.user.agency.block_id)
    period = (
        periods.filter(state=PeriodState.SELF_ASSESSMENT).first() or periods.first() or Period.objects.first()
    )
    if period is None:
        raise Http404
    if request.user.agency_id and scope.sees(request.user.agency):
        return redirect("assessment:page", period.code, request.user.agency.code)
    if policy.may_read(policy.audience(request.user), policy.Obj.OVERVIEW, period.state):
        return redirect("assessment:overview", period.code)
    raise Http404


@login_required
@require_GET
def page(request, period_code: str, agency_code: str):
    period, agency = _period_and_agency(request, period_code, agency_code)
    submission = services.submission_read(period=period, agency=agency)
    rows, totals = selectors.self_assessment_rows(period=period, agency=agency)
    _leaf_urls(rows, period, agency)
    refusal = services.self_assessment_refusal(period=period, agency=agency, submission=submission)
    editable = policy.may_self_assess(request.user, agency.id) and refusal is None
    return render(
        request,
        "assessment/page.html",
        {
            "period": period,
            "agency": agency,
            "versions_shown": _versions_shown(policy.audience(request.user, agency_id=agency.id), period),
            "rows": rows,
            "totals": totals,
            "submission": submission,
            "window": windows.window_for(period=period, kind=WindowKind.SELF_ASSESSMENT, agency=agency),
            "refusal": refusal,
            "editable": editable,
            "may_submit": editable,
            "may_sign_off": policy.may_sign_off(request.user, agency.id)
            and submission.locked
            and submission.signed_off_at is None,
            "may_reopen": submission.locked and request.user.has_perm("assessment.reopen_self_assessment"),
            "completeness": services.self_assessment_completeness(period=period, agency=agency)
            if editable
            else None,
        },
    )


def _leaf_urls(rows, period, agency) -> None:
    """Sets each leaf row's addresses (`row.urls`: save, history, files), each kind reversed once: a
    `{% url %}` per leaf and kind was a sixth of the page's CPU (docs/performance.md)."""
    save = _url_per_item("assessment:item_save", period.code, agency.code)
    history = _url_per_item("assessment:item_history", period.code, agency.code)
    files = _url_per_item("evidence:item_files")
    for row in rows:
        if row.item is not None:
            pk = row.item.pk
            row.urls = {"save": save(pk), "history": history(pk), "files": files(pk)}


def _url_per_item(name: str, *args):
    """reverse(name, args=[*args, pk]) for any pk, from one reverse(): the pk is the pattern's last part."""
    marker = 2_147_483_647
    before, _, after = reverse(name, args=[*args, marker]).rpartition(str(marker))
    return lambda pk: f"{before}{int(pk)}{after}"


def _versions_shown(who: policy.Audience, period: Period) -> bool:
    """Whether the self-assessment shows `who` its items' versions, and the counts of changes summed from
    them (`as_of`): not while they move with stages `who` may not read (agencies.policy.version_read), as the
    agency's during the appraisal, when the page takes no save."""
    return policy.version_read(who, period.state) == policy.VersionOf.ITEM


def _scoped_item(request, period_code: str, agency_code: str, item_id: int):
    """The item at this address with its node, set, period and agency, read in one query (the autosave's
    hot path), with the user's audience for it, if that audience reads the item's self-assessment: else
    404. No further query but an appraiser's (their assignments in the item's period, by agency and area)."""
    item = selectors.item_in_period(item_id=item_id, agency_code=agency_code, period_code=period_code)
    if item is None:
        raise Http404
    period = item.node.criteria_set.period
    who = policy.item_audience(request.user, item)
    if not policy.may_read(who, policy.Stage.SELF, period.state):
        raise Http404
    return period, item.agency, item, who


def _saved_response(
    request, period, agency, item, who, *, error=None, conflict=None, data=None, applicability_changed=False
):
    """Out-of-band fragments only: the leaf's message and version, its and its ancestors' points, the
    totals' head, its area's row and the completeness; never the tree (selectors.self_assessment_saved).
    The whole totals panel when the leaf's applicability changed or there is no index: every area's
    index may then appear or disappear at once (the engine has a result only while a leaf applies)."""
    answer = selectors.self_assessment_saved(agency=agency, item=item)
    return render(
        request,
        "assessment/_saved.html",
        {
            "period": period,
            "agency": agency,
            "item": item,
            "error": error,
            "conflict": conflict,
            "conflict_by": selectors.item_last_writer(conflict) if conflict is not None else None,
            "posted": data,
            "rows": answer.rows,
            "totals": answer.totals,
            "area": answer.area,
            "whole_totals": applicability_changed or answer.totals.index is None,
            "as_of": answer.as_of if _versions_shown(who, period) else None,
            "saved_at": timezone.localtime(),
            "completeness": services.Completeness(
                answer.unscored, answer.without_evidence, answer.unscored_links
            )
            if error is None and conflict is None
            else None,
        },
    )


@login_required_htmx
@require_POST
def item_save(request, period_code: str, agency_code: str, item_id: int):
    """Autosave of one leaf (htmx). Success, refusal and conflict all answer with out-of-band fragments,
    never by replacing the form, so nothing the user is typing is lost."""
    period, agency, item, who = _scoped_item(request, period_code, agency_code, item_id)
    applicable = request.POST.get("not_applicable") != "on"
    was_applicable = item.applicable
    try:
        item = services.item_self_score(
            item=item,
            acting_user=request.user,
            expected_version=services.version_posted(request.POST.get("version")),
            data=request.POST,
            note=request.POST.get("note", ""),
            applicable=applicable,
            not_applicable_reason=request.POST.get("not_applicable_reason", ""),
        )
    except services.StaleItem as stale:
        return _saved_response(
            request, period, agency, stale.current, who, conflict=stale.current, data=request.POST
        )
    except services.AssessmentRefused as refused:
        return _saved_response(request, period, agency, item, who, error=refused.message)
    return _saved_response(
        request, period, agency, item, who, applicability_changed=item.applicable != was_applicable
    )


@login_required
@require_GET
def item_row(request, period_code: str, agency_code: str, item_id: int):
    """One leaf's form as stored now (used to take the stored version after a conflict)."""
    period, agency, item, who = _scoped_item(request, period_code, agency_code, item_id)
    rows, _totals = selectors.self_assessment_rows(period=period, agency=agency)
    row = next(row for row in rows if row.item and row.item.pk == item.pk)
    _leaf_urls([row], period, agency)
    refusal = services.self_assessment_refusal(period=period, agency=agency)
    return render(
        request,
        "assessment/_leaf_form.html",
        {
            "row": row,
            "period": period,
            "agency": agency,
            "editable": policy.may_self_assess(request.user, agency.id) and refusal is None,
            "versions_shown": _versions_shown(who, period),
        },
    )


@login_required_htmx
@require_GET
def progress(request, period_code: str, agency_code: str):
    """Totals, completeness and each leaf's file count, out of band (after evidence changes)."""
    period, agency = _period_and_agency(request, period_code, agency_code)
    dated = _versions_shown(policy.audience(request.user, agency_id=agency.id), period)
    with one_snapshot():  # the figures and the count that dates them (as_of) depict one moment
        rows, totals = selectors.self_assessment_rows(period=period, agency=agency)
        completeness = services.self_assessment_completeness(period=period, agency=agency)
        as_of = selectors.self_assessment_as_of(period=period, agency=agency) if dated else None
    return render(
        request,
        "assessment/_progress.html",
        {
            "rows": [row for row in rows if row.is_leaf],
            "totals": totals,
            "completeness": completeness,
            "as_of": as_of,
        },
    )


@login_required
@require_GET
def item_history(request, period_code: str, agency_code: str, item_id: int):
    period, _agency, item, who = _scoped_item(request, period_code, agency_code, item_id)
    stages = policy.visible_stages(who, period.state)
    return render(
        request,
        "assessment/_history.html",
        {"item": item, "entries": selectors.item_history(item, stages=stages)},
    )


def _submission_step(request, period_code: str, agency_code: str, step, done: str, **fields):
    """Submit, sign off or reopen: the service decides; a refusal is shown with the codes it names."""
    period, agency = _period_and_agency(request, period_code, agency_code)
    try:
        step(period=period, agency=agency, acting_user=request.user, **fields)
    except services.AssessmentRefused as refused:
        detail = ", ".join(refused.details[:30]) + ("…" if len(refused.details) > 30 else "")
        messages.error(request, f"{refused.message} {detail}".strip())
    else:
        messages.success(request, done)
    return redirect("assessment:page", period.code, agency.code)


@login_required
@require_POST
def submit(request, period_code: str, agency_code: str):
    explanation = request.POST.get("explanation", "")
    done = _("The self-assessment has been submitted.")
    return _submission_step(
        request, period_code, agency_code, services.assessment_submit, done, explanation=explanation
    )


@login_required
@require_POST
def sign_off(request, period_code: str, agency_code: str):
    done = _("The self-assessment has been signed off.")
    return _submission_step(request, period_code, agency_code, services.assessment_sign_off, done)


@login_required
@require_POST
def send_back(request, period_code: str, agency_code: str):
    """The head returns the submitted self-assessment to the focal point, with what should change."""
    period, agency = _period_and_agency(request, period_code, agency_code)
    try:
        services.assessment_send_back(
            period=period, agency=agency, acting_user=request.user, reason=request.POST.get("reason", "")
        )
    except services.AssessmentRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The self-assessment was sent back to the focal point."))
    return redirect("assessment:page", period.code, agency.code)


@login_required
@require_POST
def reopen(request, period_code: str, agency_code: str):
    reason = request.POST.get("reason", "")
    done = _("The self-assessment has been reopened.")
    return _submission_step(
        request, period_code, agency_code, services.assessment_reopen, done, reason=reason
    )


def _overview_rows(request, period_code):
    period = get_object_or_404(Period, code=period_code)
    if not policy.may_read(policy.audience(request.user), policy.Obj.OVERVIEW, period.state):
        raise Http404
    agencies = scope_for(request.user).agencies.filter(pk__in=period.assessed_agencies().values("pk"))
    return period, selectors.self_assessment_overview(period=period, agencies=agencies)


@login_required
@require_GET
def overview(request, period_code: str):
    period, rows = _overview_rows(request, period_code)
    counts = {
        status: sum(1 for r in rows if r.status == status)
        for status in ("not_started", "in_progress", "submitted")
    }
    status = request.GET.get("trang-thai", "")
    if status in counts:  # the deadline's question: who has not submitted yet
        rows = [r for r in rows if r.status == status]
    else:
        status = ""
    return render(
        request,
        "assessment/overview.html",
        {"period": period, "rows": rows, "counts": counts, "status": status},
    )


@login_required
@require_GET
def overview_xlsx(request, period_code: str):
    period, rows = _overview_rows(request, period_code)
    response = HttpResponse(
        exports.overview_xlsx(rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="tu-danh-gia-{period.code}.xlsx"'
    return response
