"""Test worlds: a period with an open self-assessment window, two agencies of one block and a user of every role."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from agencies.models import Period, PeriodState, Window, WindowKind
from agencies.workflow import period_transition
from assessment import appraisal
from assessment.models import AssessmentItem
from assessment.services import items_ensure
from scoring.formats import criteria_set_from_document
from tests.documents import small_document
from tests.factories import AgencyFactory, BlockFactory, PeriodFactory, UserFactory


@dataclass
class World:
    period: Period
    agency: object
    other: object
    window: Window
    users: dict

    def item(self, code: str, agency=None) -> AssessmentItem:
        return AssessmentItem.objects.select_related("node").get(
            agency=agency or self.agency, node__code=code
        )


ROLES = {
    "focal": ("focal_point", "agency"),
    "head": ("agency_head", "agency"),
    "other_focal": ("focal_point", "other"),
    "home_affairs": ("home_affairs", None),
    "lead": ("secretariat_lead", None),
    "appraiser": ("appraiser", None),
    "council": ("council", None),
    "operator": ("survey_operator", None),
}


def self_assessment_world(password: str | None = None, measured: bool = False) -> World:
    """Two agencies of one block, a small criteria set, a window open since yesterday, one user per role.

    `measured`: leaves 2.1 and 2.2 are measured data (tests/documents.py)."""
    period = PeriodFactory(year=2026, state=PeriodState.SELF_ASSESSMENT)
    block = BlockFactory(code="so-nganh", name="Sở, ban, ngành")
    criteria_set_from_document(period=period, block=block, document=small_document(measured=measured))
    agency = AgencyFactory(block=block, code="so-a", name="Sở A")
    other = AgencyFactory(block=block, code="so-b", name="Sở B")
    now = timezone.now()
    window = Window.objects.create(
        period=period,
        kind=WindowKind.SELF_ASSESSMENT,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=1),
    )
    agencies = {"agency": agency, "other": other, None: None}
    users = {
        name: UserFactory(username=name, role=role, agency=agencies[where])
        for name, (role, where) in ROLES.items()
    }
    for each in (agency, other):
        items_ensure(period=period, agency=each)
    return World(period, agency, other, window, users)


def appraisal_started(world: World, cells: dict) -> None:
    """Home Affairs starts the appraisal (past the sign-offs still missing) and the lead assigns `cells`
    ({(agency id or None, area code or ""): appraiser id})."""
    period_transition(
        period=world.period,
        name="start_appraisal",
        acting_user=world.users["home_affairs"],
        confirmed=True,
        override_reason="Chưa ký duyệt",
    )
    appraisal.assignments_replace(period=world.period, cells=cells, acting_user=world.users["lead"])
