"""Staff pages of the web app: the home (what this user must do now), the results of each period
(the latest computation per block) and Home Affairs' page of one period's workflow."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from agencies import policy
from agencies.models import Period, PeriodState, Window, WindowKind
from agencies.workflow import LABELS, transitions_available
from assessment.readiness import period_readiness
from scoring.selectors import latest_results_by_block

from .home import home_for

WINDOW_OF_STATE = {
    PeriodState.SELF_ASSESSMENT: WindowKind.SELF_ASSESSMENT,
    PeriodState.APPRAISAL: WindowKind.APPRAISAL,
    PeriodState.EXPLANATION: WindowKind.EXPLANATION,
    PeriodState.REAPPRAISAL: WindowKind.REAPPRAISAL,
    PeriodState.COUNCIL: WindowKind.COUNCIL,
}


@login_required
@require_GET
def home(request):
    """What the signed-in user must do now (web.home); the public keeps the public site."""
    return render(request, "web/home.html", {"home": home_for(request.user)})


@login_required
@require_GET
def results(request):
    """The latest computed results of each period, per block (those allowed to read results)."""
    may_view = request.user.has_perm("scoring.view_resultsnapshot")
    if not may_view:
        raise Http404
    return render(
        request, "web/results_index.html", {"periods": latest_results_by_block(), "may_view": may_view}
    )


@login_required
@require_GET
def period_current(request):
    """The menu's "Workflow": the newest period still under way (else the newest one)."""
    period = Period.objects.exclude(state__in=policy.FROZEN_STATES).first() or Period.objects.first()
    if period is None or not policy.may_read(
        policy.audience(request.user), policy.Obj.WORKFLOW, period.state
    ):
        raise Http404
    return redirect("period", period.code)


@login_required
@require_GET
def period(request, period_code: str):
    """One period's workflow as a timeline: each state, when it was reached and by whom, the current
    one, and the next steps with their readiness and, for those the user may take, the button."""
    period = get_object_or_404(Period, code=period_code)
    if not policy.may_read(policy.audience(request.user), policy.Obj.WORKFLOW, period.state):
        raise Http404
    steps = list(period.transitions.select_related("by"))
    reached = {}
    for step in steps:
        reached[step.target] = step  # the latest time each state was reached
    windows = {w.kind: w for w in Window.objects.filter(period=period)}
    order = list(PeriodState)
    current = order.index(period.state)
    timeline = [
        {
            "state": state,
            "label": state.label,
            "status": "done" if index < current else "current" if index == current else "todo",
            "step": reached.get(state),
            "window": windows.get(WINDOW_OF_STATE.get(state)),
        }
        for index, state in enumerate(order)
    ]
    mine = set(transitions_available(period=period, user=request.user))
    next_steps = []
    for transition in period.get_available_state_transitions():
        name = transition.name
        next_steps.append(
            {
                "name": name,
                "label": LABELS[name],
                "target": PeriodState(transition.target).label,
                "owner": _owner(transition.permission),
                "mine": name in mine,
                "readiness": period_readiness(period=period, name=name),
                "url": _step_url(period, name),
            }
        )
    return render(
        request,
        "web/period.html",
        {"period": period, "timeline": timeline, "next_steps": next_steps, "history": steps},
    )


def _step_url(period: Period, name: str) -> str:
    if name == "publish":
        return reverse("results:publish", args=[period.code])
    return reverse("appraisal:transition", args=[period.code, name])


def _owner(permission: str) -> str:
    return {
        "agencies.manage_period_workflow": _("Home Affairs"),
        "agencies.run_appraisal_workflow": _("The secretariat lead"),
        "agencies.decide_as_council": _("The council"),
    }.get(permission, "")
