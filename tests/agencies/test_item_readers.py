"""Who reads which assessment items: `items_readable_q` (items of any period) and the policy's
`item_audience` (a user's audience for one item), on PostgreSQL.

An appraiser's assignment counts in its own period only, for its agency (or every agency), whether
they are its first or its second appraiser; an agency user reads their own agency's items. Each case
names exactly the items read, so a dropped condition or a widened filter fails (`make mutate`,
docs/testing.md).
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from agencies.permissions import items_readable_q
from agencies.policy import Audience as A
from agencies.policy import item_audience
from assessment.models import AppraisalAssignment, AssessmentItem
from tests.factories import PeriodFactory, UserFactory
from tests.worlds import self_assessment_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return self_assessment_world()


def read(user) -> set[tuple[str, str]]:
    """(agency code, leaf code) of every item the user may read."""
    items = AssessmentItem.objects.filter(items_readable_q(user))
    return set(items.values_list("agency__code", "node__code"))


def items_of(*agencies) -> set[tuple[str, str]]:
    return set(AssessmentItem.objects.filter(agency__in=agencies).values_list("agency__code", "node__code"))


def appraiser(name: str):
    return UserFactory(username=name, role=Role.APPRAISER)


# --- items_readable_q --------------------------------------------------------------------------------


def test_first_and_second_appraiser_of_one_agency_read_that_agency_s_items_only(world):
    first, second = appraiser("tham-dinh-1"), appraiser("tham-dinh-2")
    AppraisalAssignment.objects.create(
        period=world.period, appraiser=first, agency=world.agency, second_appraiser=second
    )
    assert read(first) == items_of(world.agency)
    assert read(second) == items_of(world.agency)
    assert len(read(first)) == 6  # the six leaves of the small criteria set


def test_an_assignment_of_every_agency_covers_both(world):
    first, second = appraiser("tham-dinh-1"), appraiser("tham-dinh-2")
    AppraisalAssignment.objects.create(
        period=world.period, appraiser=first, agency=None, second_appraiser=second
    )
    assert read(first) == items_of(world.agency, world.other)
    assert read(second) == items_of(world.agency, world.other)


def test_another_appraiser_s_assignment_gives_nothing(world):
    colleague, idle = appraiser("tham-dinh-1"), appraiser("tham-dinh-3")
    AppraisalAssignment.objects.create(period=world.period, appraiser=colleague, agency=None)
    assert read(idle) == set()


def test_an_assignment_of_another_period_gives_nothing_in_this_one(world):
    first, second = appraiser("tham-dinh-1"), appraiser("tham-dinh-2")
    earlier = PeriodFactory(year=2025)
    AppraisalAssignment.objects.create(
        period=earlier, appraiser=first, agency=world.agency, second_appraiser=second
    )
    assert read(first) == set()
    assert read(second) == set()


def test_agency_users_read_their_agency_and_province_wide_roles_every_agency(world):
    assert read(world.users["focal"]) == items_of(world.agency)
    assert read(world.users["other_focal"]) == items_of(world.other)
    assert read(world.users["lead"]) == items_of(world.agency, world.other)
    assert read(world.users["operator"]) == set()
    assert read(AnonymousUser()) == set()


def test_a_superuser_with_the_appraiser_role_reads_every_item(world):
    boss = UserFactory(username="boss", role=Role.APPRAISER, is_superuser=True)
    assert read(boss) == items_of(world.agency, world.other)


# --- item_audience -----------------------------------------------------------------------------------


def test_an_appraiser_meets_an_item_as_first_or_second_where_assigned_in_its_period(world):
    first, second, idle = appraiser("tham-dinh-1"), appraiser("tham-dinh-2"), appraiser("tham-dinh-3")
    AppraisalAssignment.objects.create(
        period=world.period, appraiser=first, agency=world.agency, second_appraiser=second
    )
    AppraisalAssignment.objects.create(period=PeriodFactory(year=2025), appraiser=idle, agency=None)
    own, others = world.item("1.1"), world.item("1.1", world.other)
    assert item_audience(first, own) == A.FIRST
    assert item_audience(second, own) == A.SECOND
    assert item_audience(first, others) == A.APPRAISER
    assert item_audience(second, others) == A.APPRAISER
    assert item_audience(idle, own) == A.APPRAISER


def test_other_users_meet_an_item_through_their_role_and_agency(world, django_assert_num_queries):
    own, others = world.item("2.1"), world.item("2.1", world.other)
    boss = UserFactory(username="boss", role=Role.APPRAISER, is_superuser=True)
    with django_assert_num_queries(0):  # only an appraiser's relation needs the assignments
        assert item_audience(None, own) == A.ANONYMOUS
        assert item_audience(AnonymousUser(), own) == A.ANONYMOUS
        assert item_audience(boss, own) == A.SUPERUSER
        assert item_audience(world.users["focal"], own) == A.FOCAL_POINT
        assert item_audience(world.users["focal"], others) == A.OUTSIDER
        assert item_audience(world.users["head"], own) == A.AGENCY_HEAD
        assert item_audience(world.users["lead"], own) == A.LEAD
        assert item_audience(world.users["operator"], own) == A.SURVEY_OPERATOR
