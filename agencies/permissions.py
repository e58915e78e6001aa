"""The one scoping helper: what a user may see. Views, API and downloads all go through `scope_for`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

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
    # An appraiser's: whether their assignments cover every item of an agency (None: as `sees`).
    reads_every_item: Callable[[Agency], bool] | None = None

    @cached_property
    def agencies(self) -> QuerySet:
        """The agencies of whose assessment the user may read something (an appraiser: an item of one
        of their areas at least; which items, `items_readable_q` says)."""
        return self.agencies_query()

    def sees(self, agency: Agency) -> bool:
        """Whether `agencies` holds the agency: not that the user reads all of its assessment."""
        if self.known is None:
            return self.agencies.filter(pk=agency.pk).exists()
        if isinstance(self.known, bool):
            return self.known
        return agency.pk == self.known

    def sees_whole(self, agency: Agency) -> bool:
        """Whether the user reads the agency's whole assessment, every item of it, as the pages that
        gather them all show it (the self-assessment page, its progress, its submission steps): an
        appraiser only where their assignments in the period cover every area of the agency."""
        if self.reads_every_item is not None:
            return self.reads_every_item(agency)
        return self.sees(agency)


def scope_for(user, period=None) -> Scope:
    """Agency users see their own agency; Home Affairs, the secretariat lead and the council see all.

    Appraisers see the agencies assigned to them *in that period*, but only the items of their areas
    (`items_readable_q`; `sees_whole` for the pages of an agency's every item); without a period, none
    (ask `items_readable_q` for items of any period). Survey operators and anonymous users see no
    agency's assessment.
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
        return Scope(
            user.role,
            lambda: _assigned_agencies(user, period),
            False,
            reads_every_item=lambda agency: _reads_every_item(user, period, agency),
        )
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


def _reads_every_item(user, period, agency: Agency) -> bool:
    """An appraiser's assignment in the period names the agency (or every agency), and no item of the
    agency in the period lies outside what they read (one query)."""
    from assessment.models import AppraisalAssignment, AssessmentItem

    if period is None:
        return False
    assigned = AppraisalAssignment.objects.filter(
        Q(appraiser=user) | Q(second_appraiser=user), Q(agency__isnull=True) | Q(agency=agency), period=period
    )
    outside = (
        AssessmentItem.objects.filter(agency=agency, node__criteria_set__period=period)
        .exclude(items_readable_q(user))
        .values("pk")
    )
    return Agency.objects.filter(Exists(assigned), ~Exists(outside), pk=agency.pk).exists()


def items_readable_q(user, prefix: str = "") -> Q:
    """A filter on AssessmentItem (or, with `prefix` such as "links__item__", on a model reaching items)
    for the items the user may read, whatever their period: an appraiser reads the items their
    assignments cover in the items' own period, by agency (or every agency) and by content area (or
    every area), as first or second appraiser (assessment.appraisal.covers, in SQL)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.role == Role.APPRAISER and not user.is_superuser:
        return items_covered_q(user, prefix=prefix)
    return Q(**{f"{prefix}agency__in": scope_for(user).agencies})


def items_covered_q(user, *, first: bool = True, second: bool = True, prefix: str = "") -> Q:
    """A filter on AssessmentItem for the items the user's assignments cover in the items' own period, as
    first appraiser (`first`), as second appraiser (`second`) or either; no query of its own."""
    from assessment.models import AppraisalAssignment

    roles = Q(pk__in=[])
    if first:
        roles |= Q(appraiser=user)
    if second:
        roles |= Q(second_appraiser=user)
    every_area = AppraisalAssignment.objects.filter(
        roles, period=OuterRef(f"{prefix}node__criteria_set__period"), area_code=""
    ).filter(Q(agency__isnull=True) | Q(agency=OuterRef(f"{prefix}agency")))
    return Q(Exists(every_area)) | Q(
        **{f"{prefix}pk__in": _items_of_assigned_areas(user, first=first, second=second)}
    )


def _items_of_assigned_areas(user, *, first: bool = True, second: bool = True) -> RawSQL:
    """The ids of the items covered by the user's assignments of one content area (any period), as one
    uncorrelated subquery (the database computes it once per query, then looks each item up in it).

    An item's area is its node's nearest ancestor marked as an area, else its root (area_codes in
    assessment.appraisal). The criteria tree is as deep as its document, so it is walked by a recursive
    query: from the area (or root) nodes named by an assignment in the assignment's period, down to every
    node below that is not an area of its own; then the items of those nodes, of the assignment's agency
    or of any agency."""
    from assessment.models import AppraisalAssignment, AssessmentItem
    from scoring.models import CriteriaNode, CriteriaSet

    quote = connection.ops.quote_name

    def table(model) -> str:
        return quote(model._meta.db_table)

    def column(model, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    node, criteria_set = table(CriteriaNode), table(CriteriaSet)
    assignment, item = table(AppraisalAssignment), table(AssessmentItem)
    n_id, n_parent, n_code, n_area, n_set = (
        column(CriteriaNode, name) for name in ("id", "parent", "code", "is_area", "criteria_set")
    )
    s_id, s_period = column(CriteriaSet, "id"), column(CriteriaSet, "period")
    a_period, a_agency, a_area = (
        column(AppraisalAssignment, name) for name in ("period", "agency", "area_code")
    )
    a_first, a_second = (
        column(AppraisalAssignment, "appraiser"),
        column(AppraisalAssignment, "second_appraiser"),
    )
    i_id, i_node, i_agency = (column(AssessmentItem, name) for name in ("id", "node", "agency"))
    sql = f"""
        WITH RECURSIVE covered (node_id, agency_id) AS (
            SELECT n.{n_id}, a.{a_agency}
            FROM {assignment} a
            INNER JOIN {criteria_set} s ON s.{s_period} = a.{a_period}
            INNER JOIN {node} n ON n.{n_set} = s.{s_id} AND n.{n_code} = a.{a_area}
            WHERE (a.{a_first} = %s OR a.{a_second} = %s) AND a.{a_area} <> ''
                AND (n.{n_area} OR n.{n_parent} IS NULL)
            UNION ALL
            SELECT child.{n_id}, covered.agency_id
            FROM {node} child INNER JOIN covered ON child.{n_parent} = covered.node_id
            WHERE NOT child.{n_area}
        )
        SELECT i.{i_id} FROM {item} i INNER JOIN covered ON i.{i_node} = covered.node_id
        WHERE covered.agency_id IS NULL OR covered.agency_id = i.{i_agency}
    """
    # A role not asked for matches no row (`= NULL` is never true).
    return RawSQL(" ".join(sql.split()), [user.pk if first else None, user.pk if second else None])
