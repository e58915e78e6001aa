"""The one scoping helper: what a user may see. Views, API and downloads all go through `scope_for`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import AGENCY_ROLES, Role

from .models import Agency

PROVINCE_WIDE_ROLES = frozenset({Role.HOME_AFFAIRS, Role.SECRETARIAT_LEAD, Role.COUNCIL})


@dataclass(frozen=True)
class Scope:
    role: str
    agencies_query: Callable[[], QuerySet]  # builds `agencies`; not built when `known` answers (autosave)
    manages_periods: bool  # sets up periods, criteria, windows; computes and publishes
    # What `agencies` holds when that is known without a query: every agency (True), none (False), or
    # the one agency of an agency user (its id); None: ask the database (an appraiser's assignments).
    known: bool | int | None = None

    @cached_property
    def agencies(self) -> QuerySet:
        """The agencies whose assessment the user may read."""
        return self.agencies_query()

    def sees(self, agency: Agency) -> bool:
        if self.known is None:
            return self.agencies.filter(pk=agency.pk).exists()
        if isinstance(self.known, bool):
            return self.known
        return agency.pk == self.known


def scope_for(user, period=None) -> Scope:
    """Agency users see their own agency; Home Affairs, the secretariat lead and the council see all.

    Appraisers see the agencies assigned to them *in that period* (items are narrowed further by area
    in the appraisal inbox); without a period, none (ask `items_readable_q` for items of any period).
    Survey operators and anonymous users see no agency's assessment.
    """
    if not user.is_authenticated:
        return Scope("", Agency.objects.none, False, known=False)
    if user.is_superuser:
        return Scope(user.role, Agency.objects.all, True, known=True)
    if user.role in PROVINCE_WIDE_ROLES:
        return Scope(user.role, Agency.objects.all, user.role == Role.HOME_AFFAIRS, known=True)
    if user.role in AGENCY_ROLES and user.agency_id:
        agency_id = user.agency_id
        return Scope(user.role, lambda: Agency.objects.filter(pk=agency_id), False, known=agency_id)
    if user.role == Role.APPRAISER:
        return Scope(user.role, lambda: _assigned_agencies(user, period), False)
    return Scope(user.role, Agency.objects.none, False, known=False)


def _assigned_agencies(user, period) -> QuerySet:
    """An appraiser reads the agencies of their assignments in the period (an assignment without
    agency: all), as first or second appraiser; an assignment of another period gives nothing."""
    from assessment.models import AppraisalAssignment  # assessment builds on agencies, not the reverse

    if period is None:
        return Agency.objects.none()
    assignments = AppraisalAssignment.objects.filter(period=period).filter(
        Q(appraiser=user) | Q(second_appraiser=user)
    )
    if assignments.filter(agency__isnull=True).exists():
        return Agency.objects.all()
    return Agency.objects.filter(pk__in=assignments.values("agency_id"))


def items_readable_q(user, prefix: str = "") -> Q:
    """A filter on AssessmentItem (or, with `prefix` such as "links__item__", on a model reaching items)
    for the items the user may read, whatever their period: an appraiser's assignments count only in
    their own period."""
    from assessment.models import AppraisalAssignment

    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.role == Role.APPRAISER and not user.is_superuser:
        covering = AppraisalAssignment.objects.filter(
            Q(appraiser=user) | Q(second_appraiser=user),
            period=OuterRef(f"{prefix}node__criteria_set__period"),
        ).filter(Q(agency__isnull=True) | Q(agency=OuterRef(f"{prefix}agency")))
        return Q(Exists(covering))
    return Q(**{f"{prefix}agency__in": scope_for(user).agencies})
