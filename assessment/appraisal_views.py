"""The appraisal pages: the appraiser's inbox and item form, the lead's assignment grid and review, the
agency's explanation page, period transitions, notifications. Views resolve, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role, User
from agencies import policy
from agencies.models import Agency, Period, PeriodState
from agencies.permissions import scope_for
from agencies.workflow import LABELS, TRANSITIONS, TransitionRefused, period_transition, transitions_available
from evidence.models import EvidenceLink
from scoring.models import CriteriaNode

from . import appraisal, appraisal_selectors, readiness
from .models import AppraisalAssignment, AssessmentItem, ItemStatus, Notification
from .services import AssessmentRefused, StaleItem

PAGE_SIZE = 100
STATE_OF_ROUND = {PeriodState.APPRAISAL: "appraise", PeriodState.REAPPRAISAL: "reappraise"}


def _period(code: str) -> Period:
    return get_object_or_404(Period, code=code)


def _is_secretariat(user) -> bool:
    return user.role in (Role.APPRAISER, Role.SECRETARIAT_LEAD) or user.has_perm(
        "agencies.run_appraisal_workflow"
    )


def _may_review(user) -> bool:
    return any(
        user.has_perm(p)
        for p in (
            "agencies.run_appraisal_workflow",
            "agencies.manage_period_workflow",
            "agencies.decide_as_council",
        )
    )


@login_required
@require_GET
def inbox(request, period_code: str):
    period = _period(period_code)
    if not _is_secretariat(request.user):
        raise Http404
    items, counts, areas = appraisal_selectors.inbox(
        period=period,
        user=request.user,
        agency=request.GET.get("agency", ""),
        area=request.GET.get("area", ""),
        status=request.GET.get("status", ""),
    )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(item, areas.get(item.node_id)) for item in page]
    agency_ids = {
        a.agency_id for a in AppraisalAssignment.objects.filter(period=period, appraiser=request.user)
    }
    agencies = Agency.objects.filter(block__criteria_sets__period=period).order_by(
        "block__position", "position"
    )
    if None not in agency_ids and not request.user.has_perm("agencies.run_appraisal_workflow"):
        agencies = agencies.filter(pk__in=agency_ids)
    area_nodes = CriteriaNode.objects.filter(criteria_set__period=period, is_area=True).order_by("position")
    return render(
        request,
        "appraisal/inbox.html",
        {
            "period": period,
            "page": page,
            "rows": rows,
            "counts": counts,
            "total": sum(counts.values()),
            "agencies": agencies,
            "areas": sorted(
                {(n.code, n.title) for n in area_nodes},
                key=lambda a: [int(p) if p.isdigit() else p for p in a[0].split(".")],
            ),
            "statuses": ItemStatus.choices,
            "filters": request.GET,
        },
    )


def _item_for(request, period: Period, item_id: int) -> AssessmentItem:
    """An item the user may read in the appraisal: the appraiser's own, any for the lead, else 404."""
    items = appraisal_selectors.appraiser_items(period=period, user=request.user)
    if not _is_secretariat(request.user):
        if not _may_review(request.user):
            raise Http404
        items = AssessmentItem.objects.filter(node__criteria_set__period=period)
    return get_object_or_404(items.select_related("agency__block", "node"), pk=item_id)


@login_required
@require_http_methods(["GET", "POST"])
def item(request, period_code: str, item_id: int):
    period = _period(period_code)
    current = _item_for(request, period, item_id)
    round_name = STATE_OF_ROUND.get(period.state)
    error = None
    if request.method == "POST":
        try:
            version = int(request.POST.get("version") or 0)
            if round_name == "appraise":
                current = appraisal.item_appraise(
                    item=current,
                    user=request.user,
                    expected_version=version,
                    data=request.POST,
                    comment=request.POST.get("comment", ""),
                    evidence_insufficient=request.POST.get("evidence_insufficient") == "on",
                )
            elif round_name == "reappraise":
                current = appraisal.item_reappraise(
                    item=current,
                    user=request.user,
                    expected_version=version,
                    data=request.POST,
                    comment=request.POST.get("comment", ""),
                )
            else:
                raise AssessmentRefused(_("Scores cannot be changed in this state of the period."))
        except StaleItem as stale:
            current = stale.current
            error = _("Someone else saved this item meanwhile; check it and save again.")
        except AssessmentRefused as refused:
            error = refused.message
        else:
            messages.success(request, _("Criterion %(code)s saved.") % {"code": current.node.code})
            waiting = (ItemStatus.SUBMITTED,) if round_name == "appraise" else (ItemStatus.DISPUTED,)
            following = appraisal_selectors.next_item(
                period=period, user=request.user, after=current, statuses=waiting
            )
            if following is not None and "save_next" in request.POST:
                return redirect("appraisal:item", period.code, following.pk)
            return redirect("appraisal:item", period.code, current.pk)
    links = EvidenceLink.objects.filter(item=current).select_related("evidence")
    waiting = (ItemStatus.SUBMITTED,) if round_name == "appraise" else (ItemStatus.DISPUTED,)
    following = appraisal_selectors.next_item(
        period=period, user=request.user, after=current, statuses=waiting
    )
    self_points = appraisal.leaf_points(current.node, current.self_input) if current.applicable else None
    role = appraisal.appraiser_role(request.user, current, period) if _is_secretariat(request.user) else None
    second = getattr(current, "second_appraisal", None) if role == "second" else None
    stages = policy.visible_stages(policy.item_audience(request.user, current), period.state)
    history = current.history.select_related("history_user").order_by("-history_date")[:20]
    editable = (
        round_name is not None
        and appraisal.is_assigned(request.user, current, period)
        and (
            (round_name == "appraise" and current.status in appraisal.APPRAISABLE)
            or (
                round_name == "reappraise" and current.status in (ItemStatus.DISPUTED, ItemStatus.REAPPRAISED)
            )
        )
    )
    if error:
        shown_input = request.POST
    elif role == "second":  # blind: never the first appraiser's score
        shown_input = (second.appraised_input if second else None) or current.self_input or {}
    elif round_name == "reappraise" and current.reappraised_input:
        shown_input = current.reappraised_input
    else:
        shown_input = current.appraised_input or current.self_input or {}
    return render(
        request,
        "appraisal/item.html",
        {
            "period": period,
            "item": current,
            "node": current.node,
            "links": links,
            "following": following,
            "self_points": self_points,
            "appraised_points": appraisal.leaf_points(current.node, current.appraised_input)
            if current.appraised_input and policy.Stage.APPRAISED in stages
            else None,
            "final_points": appraisal.leaf_points(current.node, current.final_input)
            if current.final_input and policy.Stage.APPRAISED in stages
            else None,
            "role": role,
            "second": second,
            "shown_comment": (second.comment if second else "")
            if role == "second"
            else (current.reappraisal_comment if round_name == "reappraise" else current.appraisal_comment),
            "round": round_name,
            "editable": editable,
            "error": error,
            "shown": shown_input,
            "history": [
                r for r in history if policy.change_stage(r.history_change_reason) in (None, *stages)
            ],
            "may_correct": period.state in (PeriodState.APPROVED, PeriodState.PUBLISHED)
            and request.user.has_perm("agencies.manage_period_workflow"),
        },
    )


@login_required
@require_POST
def correct(request, period_code: str, item_id: int):
    """Home Affairs corrects an approved score, with a reason kept in the item's history."""
    period = _period(period_code)
    current = _item_for(request, period, item_id)
    try:
        appraisal.item_correct(
            item=current, user=request.user, data=request.POST, reason=request.POST.get("reason", "")
        )
    except AssessmentRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Criterion %(code)s saved.") % {"code": current.node.code})
    return redirect("appraisal:item", period.code, current.pk)


@login_required
@require_http_methods(["GET", "POST"])
def assignments(request, period_code: str):
    """The lead's grid: rows are 'every agency' and each agency; columns 'every area' and each area."""
    period = _period(period_code)
    if not request.user.has_perm("agencies.run_appraisal_workflow"):
        raise Http404
    agencies = list(
        Agency.objects.filter(block__criteria_sets__period=period)
        .select_related("block")
        .order_by("block__position", "position")
    )
    areas = sorted(
        {
            n.code: n.title for n in CriteriaNode.objects.filter(criteria_set__period=period, is_area=True)
        }.items(),
        key=lambda a: [int(p) if p.isdigit() else p for p in a[0].split(".")],
    )
    appraisers = list(
        User.objects.filter(role__in=[Role.APPRAISER, Role.SECRETARIAT_LEAD], is_active=True).order_by(
            "username"
        )
    )
    if request.method == "POST":
        cells = {}
        for agency_id in [None, *[a.id for a in agencies]]:
            for area_code in ["", *[code for code, _title in areas]]:
                value = request.POST.get(f"cell-{agency_id or 'all'}-{area_code or 'all'}", "")
                cells[(agency_id, area_code)] = int(value) if value.isdigit() else None
        seconds = {}
        for area_code in ["", *[code for code, _title in areas]]:
            value = request.POST.get(f"second-all-{area_code or 'all'}", "")
            seconds[(None, area_code)] = int(value) if value.isdigit() else None
        try:
            count = appraisal.assignments_replace(
                period=period, cells=cells, user=request.user, seconds=seconds
            )
        except AssessmentRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("%(count)s assignments saved.") % {"count": count})
        return redirect("appraisal:assignments", period.code)
    saved = list(AppraisalAssignment.objects.filter(period=period))
    current = {(a.agency_id, a.area_code): a.appraiser_id for a in saved}
    second_row = [
        (
            code,
            next((a.second_appraiser_id for a in saved if a.agency_id is None and a.area_code == code), None),
        )
        for code in ["", *[c for c, _t in areas]]
    ]
    grid = [
        (
            agency,
            [
                (code, current.get((agency.id if agency else None, code)))
                for code in ["", *[c for c, _t in areas]]
            ],
        )
        for agency in [None, *agencies]
    ]
    return render(
        request,
        "appraisal/assignments.html",
        {"period": period, "areas": areas, "grid": grid, "second_row": second_row, "appraisers": appraisers},
    )


@login_required
@require_GET
def review(request, period_code: str):
    period = _period(period_code)
    if not _may_review(request.user):
        raise Http404
    per_appraiser, agencies, differences = appraisal_selectors.appraisal_review(period=period)
    return render(
        request,
        "appraisal/review.html",
        {
            "period": period,
            "per_appraiser": per_appraiser,
            "agencies": agencies,
            "differences": differences[:100],
            "difference_count": len(differences),
            "transitions": [
                (name, LABELS[name]) for name in transitions_available(period=period, user=request.user)
            ],
            "history": period.transitions.select_related("by"),
            "disagreements": appraisal_selectors.double_appraisal_disagreements(period=period),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def transition(request, period_code: str, name: str):
    """GET: the step's confirmation page with what is not ready. POST: the step, confirmed; while
    something is not ready, with the stated reason (the workflow checks both again)."""
    period = _period(period_code)
    if not policy.may_read(policy.audience(request.user), policy.Obj.WORKFLOW, period.state):
        raise Http404  # the transition itself is checked by agencies.workflow
    if name not in TRANSITIONS:
        raise Http404
    if name not in transitions_available(period=period, user=request.user):
        messages.error(request, _("This step is not possible now."))
        return redirect("appraisal:review", period.code)
    if request.method == "POST":
        try:
            period_transition(
                period=period,
                name=name,
                user=request.user,
                comment=request.POST.get("comment", ""),
                confirmed=request.POST.get("confirm") == "1",
                override_reason=request.POST.get("override_reason", ""),
            )
        except TransitionRefused as refused:
            messages.error(request, refused.message)
        else:
            appraisal.notify_round(period=period, name=name)
            messages.success(
                request, _("The period is now: %(state)s.") % {"state": PeriodState(period.state).label}
            )
            return redirect("appraisal:review", period.code)
    return render(
        request,
        "appraisal/transition.html",
        {
            "period": period,
            "name": name,
            "label": LABELS[name],
            "target": next(
                PeriodState(t.target).label
                for t in period.get_available_state_transitions()
                if t.name == name
            ),
            "readiness": readiness.period_readiness(period=period, name=name),
            "comment_required": name == "return_to_secretariat",
            "comment": request.POST.get("comment", ""),
            "override_reason": request.POST.get("override_reason", ""),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def explain(request, period_code: str):
    """The agency's provisional appraisal, item by item, and its explanations (giải trình)."""
    period = _period(period_code)
    agency = request.user.agency
    if agency is None or not scope_for(request.user).agencies.filter(pk=agency.pk).exists():
        raise Http404
    if not policy.may_read(
        policy.audience(request.user, agency_id=agency.pk), policy.Stage.APPRAISED, period.state
    ):
        raise Http404  # the appraisal is shown to the agency from the explanation round on
    if request.method == "POST":
        current = get_object_or_404(
            AssessmentItem, pk=request.POST.get("item"), agency=agency, node__criteria_set__period=period
        )
        try:
            appraisal.item_explain(
                item=current,
                user=request.user,
                expected_version=int(request.POST.get("version") or 0),
                text=request.POST.get("explanation", ""),
            )
        except StaleItem:
            messages.error(request, _("This item changed meanwhile; check it and send again."))
        except AssessmentRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Explanation of %(code)s sent.") % {"code": current.node.code})
        return redirect(f"{request.path}#item-{current.pk}")
    items = list(
        AssessmentItem.objects.filter(agency=agency, node__criteria_set__period=period)
        .exclude(node__rule="survey")
        .select_related("node")
        .order_by("node__position")
    )
    rows = [
        (
            item,
            appraisal.leaf_points(item.node, item.self_input)
            if item.applicable and item.self_input
            else None,
            appraisal.leaf_points(item.node, item.final_input)
            if item.applicable and item.final_input
            else None,
        )
        for item in items
    ]
    rows.sort(key=lambda r: (r[1] is None or r[2] is None or r[1] == r[2], r[0].node.position))
    return render(
        request,
        "appraisal/explain.html",
        {"period": period, "agency": agency, "rows": rows, "open": period.state == PeriodState.EXPLANATION},
    )


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    notices = Notification.objects.filter(user=request.user)
    if request.method == "POST":
        notices.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("appraisal:notifications")
    return render(request, "appraisal/notifications.html", {"notices": notices[:100]})


ROUND_STATES = (
    PeriodState.APPRAISAL,
    PeriodState.EXPLANATION,
    PeriodState.REAPPRAISAL,
    PeriodState.COUNCIL,
    PeriodState.APPROVED,
)


@login_required
@require_GET
def index(request):
    """The secretariat goes to its inbox, reviewers to the review, agencies to their explanations."""
    period = Period.objects.filter(state__in=ROUND_STATES).first() or Period.objects.first()
    if period is None:
        raise Http404
    if _is_secretariat(request.user):
        return redirect("appraisal:inbox", period.code)
    if _may_review(request.user):
        return redirect("appraisal:review", period.code)
    if request.user.agency_id:
        return redirect("appraisal:explain", period.code)
    raise Http404
