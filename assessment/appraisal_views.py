"""The appraisal pages: the appraiser's inbox and item form, the lead's assignment grid and review, the
agency's explanation page, period transitions, notifications. Views resolve, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role, User
from agencies import policy
from agencies.models import Block, Period, PeriodState
from agencies.permissions import scope_for
from agencies.workflow import LABELS, TRANSITIONS, TransitionRefused, transitions_available
from scoring.models import CriteriaNode, Source

from . import appraisal, appraisal_selectors, readiness
from .models import AppraisalAssignment, AssessmentItem, ItemStatus, Notification
from .services import AssessmentRefused, StaleItem, version_posted

PAGE_SIZE = 100


def _period(code: str) -> Period:
    return get_object_or_404(Period, code=code)


def _reached(request, period_code: str, page: policy.Obj) -> Period:
    """The period of a page gathering many agencies' items, if the policy lets the user reach it (else 404)."""
    period = _period(period_code)
    if not policy.may_read(policy.audience(request.user), page, period.state):
        raise Http404
    return period


def _switcher(url_name: str) -> dict:
    """The periods to switch between on a page of the appraisal (newest first) and the page's URL name."""
    return {"switch_periods": Period.objects.only("code", "name", "state"), "switch_url": url_name}


def _is_secretariat(user, period: Period) -> bool:
    """Reaches the inbox (appraisers, the lead): the policy's INBOX table."""
    return policy.may_read(policy.audience(user), policy.Obj.INBOX, period.state)


def _may_review(user, period: Period) -> bool:
    """Reaches the review (the lead, Home Affairs, the council): the policy's REVIEW table."""
    return policy.may_read(policy.audience(user), policy.Obj.REVIEW, period.state)


def _reads_appraisal(user, period: Period) -> dict[bool, bool]:
    """Whether `user` reads the first appraisal (Stage.APPRAISED: score, comment, evidence flag) of an
    item of their inbox in the period's state, by whether they are its blind second appraiser (the
    `blind_items` annotation) or not (its first appraiser, or the lead: the policy's audience)."""
    return {
        blind: policy.may_read(
            policy.audience(user, appraiser="second" if blind else "first"),
            policy.Stage.APPRAISED,
            period.state,
        )
        for blind in (False, True)
    }


@login_required
@require_GET
def inbox(request, period_code: str):
    period = _reached(request, period_code, policy.Obj.INBOX)
    items, counts, areas = appraisal_selectors.inbox(
        period=period,
        user=request.user,
        agency=request.GET.get("agency", ""),
        area=request.GET.get("area", ""),
        status=request.GET.get("status", ""),
        evidence=request.GET.get("evidence", ""),
    )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    reads_appraisal = _reads_appraisal(request.user, period)
    labels = dict(ItemStatus.choices)
    rows = [
        (item, areas.get(item.node_id), reads_appraisal[item.blind], labels.get(item.shown_status))
        for item in page
    ]
    agencies = (
        scope_for(request.user, period)
        .agencies.filter(pk__in=period.assessed_agencies().values("pk"))
        .order_by("block__position", "position")
    )
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
            **_switcher("appraisal:inbox"),
        },
    )


def _item_for(request, period: Period, item_id: int) -> AssessmentItem:
    """An item the user may read in the appraisal: the appraiser's own, any for the lead, else 404."""
    items = appraisal_selectors.appraiser_items(period=period, user=request.user)
    if not _is_secretariat(request.user, period):
        if not _may_review(request.user, period):
            raise Http404
        items = AssessmentItem.objects.filter(node__criteria_set__period=period)
    return get_object_or_404(items.select_related("agency__block", "node"), pk=item_id)


@login_required
@require_http_methods(["GET", "POST"])
def item(request, period_code: str, item_id: int):
    period = _period(period_code)
    current = _item_for(request, period, item_id)
    error = None
    if request.method == "POST":
        try:
            current = appraisal.item_appraisal_save(
                item=current,
                acting_user=request.user,
                expected_version=version_posted(request.POST.get("version")),
                data=request.POST,
                comment=request.POST.get("comment", ""),
                evidence_insufficient=request.POST.get("evidence_insufficient") == "on",
            )
        except StaleItem as stale:
            current = stale.current
            error = _("Someone else saved this item meanwhile; check it and save again.")
        except AssessmentRefused as refused:
            error = refused.message
        else:
            messages.success(request, _("Criterion %(code)s saved.") % {"code": current.node.code})
            following = appraisal_selectors.next_item(
                period=period,
                user=request.user,
                after=current,
                statuses=appraisal.waiting_statuses(appraisal.appraisal_round(period)),
            )
            if "save_next" in request.POST:
                if following is not None:
                    return redirect("appraisal:item", period.code, following.pk)
                # The last one: say so and go back to the list instead of reloading the same item.
                messages.success(request, _("Done: no other criterion is waiting for you in this round."))
                return redirect("appraisal:inbox", period.code)
            return redirect("appraisal:item", period.code, current.pk)
    page = appraisal_selectors.appraisal_item_page(
        period=period, item=current, acting_user=request.user, posted=request.POST if error else None
    )
    return render(
        request,
        "appraisal/item.html",
        {
            "period": period,
            "item": current,
            "node": current.node,
            "error": error,
            # The frame previews the first file the browser can show (PDF, image); a click on another
            # such file shows it there (target="evidence-preview"); other types are downloaded.
            "preview": next((link for link in page.links if link.evidence.shown_inline), None),
            **vars(page),
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
            item=current, acting_user=request.user, data=request.POST, reason=request.POST.get("reason", "")
        )
    except AssessmentRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Criterion %(code)s saved.") % {"code": current.node.code})
    return redirect("appraisal:item", period.code, current.pk)


def _appraiser_options(appraisers, chosen_ids) -> dict:
    """The <option>s of a grid cell, built once per chosen appraiser (a grid of 120 agencies × 10 areas has
    1,300 cells but a handful of distinct choices)."""
    out = {}
    for chosen in chosen_ids:
        out[chosen] = format_html(
            '<option value="">—</option>{}',
            format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (person.id, mark_safe(" selected") if person.id == chosen else "", person.label)
                    for person in appraisers
                ),
            ),
        )
    return out


def appraisal_areas(period: Period, block: Block | None = None) -> list[tuple[str, str]]:
    """(code, title) of every area holding a criterion the secretariat appraises, in code order: the
    content areas and the top-level nodes outside them, such as the bonus (area 9), whose leaves an
    appraiser scores too; with `block`, that block's criteria set only. Survey areas and measured data are not appraised here."""
    nodes = CriteriaNode.objects.filter(criteria_set__period=period)
    if block is not None:
        nodes = nodes.filter(criteria_set__block=block)
    nodes = list(nodes)
    codes = appraisal.area_codes(nodes)
    parents = {node.parent_id for node in nodes}
    appraised = {
        codes[node.id]
        for node in nodes
        if node.id not in parents and node.rule != "survey" and node.source != Source.DATA
    }
    titles = {
        node.code: node.title
        for node in nodes
        if node.code in appraised and (node.is_area or node.parent_id is None)
    }
    return sorted(
        ((code, titles.get(code, code)) for code in appraised),
        key=lambda a: [int(p) if p.isdigit() else p for p in a[0].split(".")],
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignments(request, period_code: str):
    """The lead's grid: rows are 'every agency' and each agency; columns 'every area' and each area.

    One block's agencies at a time (tabs), optionally narrowed by name; a save replaces only the rows
    shown, so the other block's assignments stay."""
    period = _period(period_code)
    if not request.user.has_perm("agencies.run_appraisal_workflow"):
        raise Http404
    blocks = list(Block.objects.filter(criteria_sets__period=period).order_by("position", "code"))
    block = next((b for b in blocks if b.code == request.GET.get("khoi")), blocks[0] if blocks else None)
    query = request.GET.get("q", "").strip()
    agencies = period.assessed_agencies().filter(block=block).order_by("position", "code")
    if query:
        agencies = agencies.filter(Q(name__icontains=query) | Q(short_name__icontains=query))
    agencies = list(agencies)
    areas = appraisal_areas(period, block)
    appraisers = list(
        User.objects.filter(role__in=[Role.APPRAISER, Role.SECRETARIAT_LEAD], is_active=True).order_by(
            "username"
        )
    )
    codes = ["", *[code for code, _title in areas]]
    if request.method == "POST":
        shown = {None, *[a.id for a in agencies]}
        cells = {}
        for agency_id in shown:
            for area_code in codes:
                value = request.POST.get(f"cell-{agency_id or 'all'}-{area_code or 'all'}", "")
                cells[(agency_id, area_code)] = int(value) if value.isdigit() else None
        seconds = {}
        for area_code in codes:
            value = request.POST.get(f"second-all-{area_code or 'all'}", "")
            seconds[(None, area_code)] = int(value) if value.isdigit() else None
        try:
            count = appraisal.assignments_replace(
                period=period, cells=cells, acting_user=request.user, seconds=seconds, shown=True
            )
        except AssessmentRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("%(count)s assignments saved.") % {"count": count})
        return redirect(request.get_full_path())
    saved = list(AppraisalAssignment.objects.filter(period=period))
    current = {(a.agency_id, a.area_code): a.appraiser_id for a in saved}
    for person in appraisers:
        person.label = f"{person.get_full_name() or person.username} ({person.username})"
    options = _appraiser_options(
        appraisers, {None, *current.values(), *(a.second_appraiser_id for a in saved)}
    )
    second_row = [
        (
            code,
            options[
                next(
                    (a.second_appraiser_id for a in saved if a.agency_id is None and a.area_code == code),
                    None,
                )
            ],
        )
        for code in codes
    ]
    grid = [
        (agency, [(code, options[current.get((agency.id if agency else None, code))]) for code in codes])
        for agency in [None, *agencies]
    ]
    return render(
        request,
        "appraisal/assignments.html",
        {
            "period": period,
            "areas": areas,
            "grid": grid,
            "second_row": second_row,
            "blocks": blocks,
            "current_block": block,
            "query": query,
            "appraisers": appraisers,
            **_switcher("appraisal:assignments"),
        },
    )


@login_required
@require_GET
def review(request, period_code: str):
    period = _reached(request, period_code, policy.Obj.REVIEW)
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
            # The blind second appraisal is the staff's check (the policy's Stage.SECOND): not the council's.
            "disagreements": appraisal_selectors.double_appraisal_disagreements(period=period)
            if policy.may_read(policy.audience(request.user), policy.Stage.SECOND, period.state)
            else [],
            **_switcher("appraisal:review"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def transition(request, period_code: str, name: str):
    """GET: the step's confirmation page with what is not ready. POST: the step, confirmed; while
    something is not ready, with the stated reason (the workflow checks both again)."""
    period = _reached(request, period_code, policy.Obj.WORKFLOW)  # the step: agencies.workflow
    if name not in TRANSITIONS:
        raise Http404
    if name not in transitions_available(period=period, user=request.user):
        messages.error(request, _("This step is not possible now."))
        return redirect("appraisal:review", period.code)
    if request.method == "POST":
        try:
            appraisal.period_step(
                period=period,
                name=name,
                acting_user=request.user,
                comment=request.POST.get("comment", ""),
                confirmed=request.POST.get("confirm") == "1",
                override_reason=request.POST.get("override_reason", ""),
            )
        except TransitionRefused as refused:
            messages.error(request, refused.message)
        else:
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
    if agency is None or not scope_for(request.user, period).sees(agency):
        raise Http404
    who = policy.audience(request.user, agency_id=agency.pk)
    if not policy.may_read(who, policy.Stage.APPRAISED, period.state):
        raise Http404  # the appraisal is shown to the agency from the explanation round on
    # The re-appraisal (its score and comment) only once the policy shows it to the agency (approved):
    # until then the page shows the first appraisal, whatever the item holds.
    reappraisal_shown = policy.may_read(who, policy.Stage.REAPPRAISED, period.state)
    if request.method == "POST":
        item_id = request.POST.get("item", "")
        if not (item_id.isascii() and item_id.isdigit()):  # a tampered form: as for an item not theirs
            raise Http404
        current = get_object_or_404(
            AssessmentItem, pk=int(item_id), agency=agency, node__criteria_set__period=period
        )
        try:
            appraisal.item_explain(
                item=current,
                acting_user=request.user,
                expected_version=version_posted(request.POST.get("version")),
                text=request.POST.get("explanation", ""),
            )
        except StaleItem:
            messages.error(request, _("This item changed meanwhile; check it and send again."))
        except AssessmentRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Explanation of %(code)s sent.") % {"code": current.node.code})
        return redirect(f"{request.path}#item-{current.pk}")
    return render(
        request,
        "appraisal/explain.html",
        {
            "period": period,
            "agency": agency,
            "groups": appraisal_selectors.explanation_page(
                period=period, agency=agency, reappraisal_shown=reappraisal_shown
            ),
            "reappraisal_shown": reappraisal_shown,
            "open": period.state == PeriodState.EXPLANATION,
        },
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
    periods = Period.objects.all()
    if request.user.agency_id:  # the period that scores their agency (a database may hold two provinces)
        periods = periods.filter(criteria_sets__block=request.user.agency.block_id)
        period = periods.filter(state__in=ROUND_STATES).first() or periods.first()
    else:
        if AppraisalAssignment.objects.filter(appraiser=request.user).exists():  # where they are assigned
            periods = periods.filter(assignments__appraiser=request.user)
        # The newest period still under way: appraisers can be assigned, and the appraisal started,
        # before the round (an approved or published year would hide the open one).
        period = periods.exclude(state__in=policy.FROZEN_STATES).first() or periods.first()
    period = period or Period.objects.first()
    if period is None:
        raise Http404
    if _is_secretariat(request.user, period):
        return redirect("appraisal:inbox", period.code)
    if _may_review(request.user, period):
        return redirect("appraisal:review", period.code)
    if request.user.agency_id:
        return redirect("appraisal:explain", period.code)
    raise Http404
