"""The one scoping helper: what a user may see. Views, API and downloads all go through `scope_for`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from accounts.models import AGENCY_ROLES, Role

from .models import Agency

PROVINCE_WIDE_ROLES = frozenset({Role.HOME_AFFAIRS, Role.SECRETARIAT_LEAD, Role.COUNCIL})


@dataclass(frozen=True)
class Scope:
    role: str
    agencies: QuerySet  # agencies whose assessment the user may read
    manages_periods: bool  # sets up periods, criteria, windows; computes and publishes

    def sees(self, agency: Agency) -> bool:
        return self.agencies.filter(pk=agency.pk).exists()


def scope_for(user) -> Scope:
    """Agency users see their own agency; Home Affairs, the secretariat lead and the council see all.

    Appraisers see the agencies assigned to them (items are narrowed further by area in the
    appraisal inbox); survey operators and anonymous users see no agency's assessment.
    """
    if not user.is_authenticated:
        return Scope("", Agency.objects.none(), False)
    if user.is_superuser:
        return Scope(user.role, Agency.objects.all(), True)
    if user.role in PROVINCE_WIDE_ROLES:
        return Scope(user.role, Agency.objects.all(), user.role == Role.HOME_AFFAIRS)
    if user.role in AGENCY_ROLES and user.agency_id:
        return Scope(user.role, Agency.objects.filter(pk=user.agency_id), False)
    if user.role == Role.APPRAISER:
        return Scope(user.role, _assigned_agencies(user), False)
    return Scope(user.role, Agency.objects.none(), False)


def _assigned_agencies(user) -> QuerySet:
    """An appraiser reads the agencies of their assignments (an assignment without agency: all)."""
    from assessment.models import AppraisalAssignment  # assessment builds on agencies, not the reverse

    assignments = AppraisalAssignment.objects.filter(appraiser=user)
    if assignments.filter(agency__isnull=True).exists():
        return Agency.objects.all()
    return Agency.objects.filter(pk__in=assignments.values("agency_id"))
