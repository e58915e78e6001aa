"""The main menu: which sections this user may use, so no link leads to a refusal or an empty 404."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import Role
from agencies.models import Period, PeriodState

# The agency sees its appraisal (and explains it) from the explanation round until the results are
# approved; before that the appraisal is the secretariat's (assessment/appraisal_views.explain).
AGENCY_APPRAISAL_STATES = (
    PeriodState.EXPLANATION,
    PeriodState.REAPPRAISAL,
    PeriodState.COUNCIL,
    PeriodState.APPROVED,
)
APPRAISAL_PERMISSIONS = (
    "agencies.run_appraisal_workflow",
    "agencies.manage_period_workflow",
    "agencies.decide_as_council",
)


def _appraisal_url(user) -> str | None:
    if user.role in (Role.APPRAISER, Role.SECRETARIAT_LEAD) or any(
        user.has_perm(p) for p in APPRAISAL_PERMISSIONS
    ):
        return reverse("appraisal:index")
    if user.agency_id:
        period = Period.objects.filter(state__in=AGENCY_APPRAISAL_STATES).only("code").first()
        if period is not None:
            return reverse("appraisal:explain", args=[period.code])
    return None


def _self_assessment(user) -> bool:
    return bool(
        user.agency_id
        or user.role in (Role.SECRETARIAT_LEAD, Role.COUNCIL)
        or user.has_perm("agencies.manage_period_workflow")
    )


def _period_url(user) -> str | None:
    """Home Affairs' page of the period under way (web.views.period_current picks it: no query here)."""
    if not (user.is_superuser or user.has_perm("agencies.manage_period_workflow")):
        return None
    return reverse("period_current")


def navigation(request) -> dict:
    """Context processor: nav_* entries, computed only when a template reads them (partials never do)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_appraisal_url": lambda: _appraisal_url(user),
        "nav_self_assessment": lambda: _self_assessment(user),
        "nav_period_url": lambda: _period_url(user),
    }
