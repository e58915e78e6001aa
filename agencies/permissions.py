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

    Appraisers see what is assigned to them (the appraisal app narrows this); survey operators and
    anonymous users see no agency's assessment.
    """
    if not user.is_authenticated:
        return Scope("", Agency.objects.none(), False)
    if user.is_superuser:
        return Scope(user.role, Agency.objects.all(), True)
    if user.role in PROVINCE_WIDE_ROLES:
        return Scope(user.role, Agency.objects.all(), user.role == Role.HOME_AFFAIRS)
    if user.role in AGENCY_ROLES and user.agency_id:
        return Scope(user.role, Agency.objects.filter(pk=user.agency_id), False)
    return Scope(user.role, Agency.objects.none(), False)
