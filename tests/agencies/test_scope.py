"""`scope_for`, branch by branch: which agencies each kind of user sees, and who manages periods.

Also the period-state policy that freezes inputs. Each case names exactly the agencies seen, so a
branch dropped or a scope widened to every agency fails here (see `make mutate`, docs/testing.md).
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from accounts.models import Role
from agencies.models import Period, PeriodState
from agencies.permissions import scope_for
from agencies.policy import period_inputs_frozen, period_inputs_refusal
from assessment.models import AppraisalAssignment
from tests.factories import AgencyFactory, PeriodFactory, UserFactory


@pytest.fixture
def agencies():
    return AgencyFactory(), AgencyFactory(), AgencyFactory()


def seen(scope) -> set:
    return set(scope.agencies)


def scope_in(user, period):
    """The scope in a period where appraiser scope is per period, else the user's scope."""
    try:
        return scope_for(user, period)
    except TypeError:  # scope_for(user) without periods
        return scope_for(user)


@pytest.mark.django_db
def test_an_anonymous_visitor_sees_nothing(agencies):
    scope = scope_for(AnonymousUser())
    assert (scope.role, seen(scope), scope.manages_periods) == ("", set(), False)
    assert not scope.sees(agencies[0])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["", Role.APPRAISER, Role.FOCAL_POINT])
def test_a_superuser_sees_everything_and_manages_periods(agencies, role):
    agency = agencies[0] if role == Role.FOCAL_POINT else None
    user = UserFactory(is_superuser=True, role=role, agency=agency)
    scope = scope_for(user)
    assert (scope.role, seen(scope), scope.manages_periods) == (role, set(agencies), True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "manages"), [(Role.HOME_AFFAIRS, True), (Role.SECRETARIAT_LEAD, False), (Role.COUNCIL, False)]
)
def test_province_wide_roles_see_every_agency_and_only_home_affairs_manages(agencies, role, manages):
    scope = scope_for(UserFactory(role=role))
    assert (scope.role, seen(scope), scope.manages_periods) == (role, set(agencies), manages)
    assert all(scope.sees(agency) for agency in agencies)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.FOCAL_POINT, Role.AGENCY_HEAD])
def test_agency_users_see_their_own_agency_only(agencies, role):
    scope = scope_for(UserFactory(role=role, agency=agencies[1]))
    assert (scope.role, seen(scope), scope.manages_periods) == (role, {agencies[1]}, False)
    assert scope.sees(agencies[1])
    assert not scope.sees(agencies[0])


@pytest.mark.django_db
def test_an_agency_role_without_an_agency_sees_nothing(agencies):
    scope = scope_for(UserFactory(role=Role.FOCAL_POINT, agency=None))
    assert (scope.role, seen(scope), scope.manages_periods) == (Role.FOCAL_POINT, set(), False)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SURVEY_OPERATOR, ""])
def test_survey_operators_and_users_without_role_see_nothing(agencies, role):
    scope = scope_for(UserFactory(role=role))
    assert (scope.role, seen(scope), scope.manages_periods) == (role, set(), False)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SURVEY_OPERATOR, Role.APPRAISER, ""])
def test_only_an_agency_role_is_scoped_by_the_agency_on_the_account(agencies, role):
    """User.clean() keeps an agency off other roles' accounts, but the database does not: an operator,
    an appraiser without assignments or a user without role recorded with an agency still reads none."""
    scope = scope_in(UserFactory(role=role, agency=agencies[0]), PeriodFactory())
    assert seen(scope) == set()


@pytest.mark.django_db
def test_an_appraiser_sees_the_agencies_assigned_to_them(agencies):
    period = PeriodFactory()
    appraiser, colleague = UserFactory(role=Role.APPRAISER), UserFactory(role=Role.APPRAISER)
    AppraisalAssignment.objects.create(period=period, appraiser=appraiser, agency=agencies[0])
    AppraisalAssignment.objects.create(period=period, appraiser=appraiser, agency=agencies[1], area_code="3")
    AppraisalAssignment.objects.create(period=period, appraiser=colleague, agency=agencies[2])
    scope = scope_in(appraiser, period)
    assert (scope.role, seen(scope), scope.manages_periods) == (Role.APPRAISER, set(agencies[:2]), False)
    assert scope.sees(agencies[0]) and not scope.sees(agencies[2])
    assert seen(scope_in(colleague, period)) == {agencies[2]}


@pytest.mark.django_db
def test_an_assignment_without_agency_covers_every_agency(agencies):
    period = PeriodFactory()
    appraiser = UserFactory(role=Role.APPRAISER)
    AppraisalAssignment.objects.create(period=period, appraiser=appraiser, agency=agencies[0])
    AppraisalAssignment.objects.create(period=period, appraiser=appraiser, agency=None, area_code="7")
    AppraisalAssignment.objects.create(period=period, appraiser=UserFactory(role=Role.APPRAISER), agency=None)
    assert seen(scope_in(appraiser, period)) == set(agencies)


@pytest.mark.django_db
def test_an_appraiser_without_assignments_sees_nothing(agencies):
    period = PeriodFactory()
    AppraisalAssignment.objects.create(period=period, appraiser=UserFactory(role=Role.APPRAISER), agency=None)
    scope = scope_in(UserFactory(role=Role.APPRAISER), period)
    assert (seen(scope), scope.manages_periods) == (set(), False)


# --- period-state policy --------------------------------------------------------------------------------


@pytest.mark.parametrize("state", list(PeriodState))
def test_inputs_freeze_at_approval_and_stay_frozen(state):
    period = Period(code="2022", name="Năm 2022", state=state)
    frozen = state in (PeriodState.APPROVED, PeriodState.PUBLISHED)
    assert period_inputs_frozen(period) is frozen
    with translation.override("en"):
        refusal = period_inputs_refusal(period)
    if frozen:
        assert refusal == "The results of Năm 2022 are approved: its inputs can no longer change."
    else:
        assert refusal is None


@pytest.mark.django_db
def test_sees_agrees_with_the_agencies_for_every_kind_of_user_and_asks_only_for_appraisers(
    agencies, django_assert_num_queries
):
    """`sees` answers from what it knows (everyone, no one, the account's agency) and asks the database
    only for an appraiser's assignments; either way it says what `agencies` holds."""
    period = PeriodFactory()
    appraiser = UserFactory(role=Role.APPRAISER)
    AppraisalAssignment.objects.create(period=period, appraiser=appraiser, agency=agencies[1])
    users = [
        AnonymousUser(),
        UserFactory(is_superuser=True, role=""),
        UserFactory(role=Role.HOME_AFFAIRS),
        UserFactory(role=Role.COUNCIL),
        UserFactory(role=Role.FOCAL_POINT, agency=agencies[0]),
        UserFactory(role=Role.AGENCY_HEAD, agency=agencies[2]),
        UserFactory(role=Role.SURVEY_OPERATOR),
        UserFactory(role=""),
        appraiser,
    ]
    for user in users:
        scope = scope_for(user, period)
        held = seen(scope)
        with django_assert_num_queries(len(agencies) if user is appraiser else 0):
            answers = {agency: scope.sees(agency) for agency in agencies}
        assert answers == {agency: agency in held for agency in agencies}, user


@pytest.mark.django_db
def test_sees_answers_without_a_query_or_a_queryset_when_the_scope_is_known(
    agencies, django_assert_num_queries
):
    """The autosave asks `sees` on every save: an agency user's and a province-wide user's answer is
    known without building the agencies' queryset; an appraiser's asks the database."""
    own, other, _third = agencies
    focal = UserFactory(role=Role.FOCAL_POINT, agency=own)
    lead = UserFactory(role=Role.SECRETARIAT_LEAD)
    for user, expected in ((focal, (True, False)), (lead, (True, True))):
        scope = scope_for(user)
        with django_assert_num_queries(0):
            assert (scope.sees(own), scope.sees(other)) == expected
        assert "agencies" not in vars(scope)  # never built
        assert seen(scope) == ({own} if user is focal else set(agencies))
    period = PeriodFactory()
    appraiser = UserFactory(role=Role.APPRAISER)
    AppraisalAssignment.objects.create(period=period, appraiser=appraiser, agency=other)
    scope = scope_for(appraiser, period)
    with django_assert_num_queries(2):  # an assignment of every agency? then: is this one assigned?
        assert scope.sees(other)
    with django_assert_num_queries(1):  # the queryset is built once
        assert not scope.sees(own)


# --- the agency's whole assessment ---------------------------------------------------------------------


@pytest.mark.django_db
def test_sees_whole_needs_every_area_of_the_agency_for_an_appraiser():
    """The pages of an agency's every item: an appraiser reads them where their assignments in the
    period cover every item of the agency (an area of every agency counts), as first or second."""
    from tests.worlds import self_assessment_world

    world = self_assessment_world()
    period, own, other = world.period, world.agency, world.other
    appraiser, colleague = UserFactory(role=Role.APPRAISER), UserFactory(role=Role.APPRAISER)
    AppraisalAssignment.objects.create(period=period, appraiser=appraiser, agency=own, area_code="1")
    assert scope_for(appraiser, period).sees(own)
    assert not scope_for(appraiser, period).sees_whole(own)
    AppraisalAssignment.objects.create(
        period=period, appraiser=colleague, second_appraiser=appraiser, agency=None, area_code="2"
    )
    scope = scope_for(appraiser, period)
    assert scope.sees_whole(own) and not scope.sees_whole(other)
    assert scope_for(colleague, period).sees(own) and not scope_for(colleague, period).sees_whole(own)
    assert not scope_for(appraiser, PeriodFactory(year=2025)).sees_whole(own)
    assert not scope_for(appraiser).sees_whole(own)  # no period: no appraiser's scope
    AppraisalAssignment.objects.create(period=period, appraiser=colleague, agency=other)
    assert scope_for(colleague, period).sees_whole(other)


@pytest.mark.django_db
def test_sees_whole_is_sees_for_every_other_kind_of_user(agencies, django_assert_num_queries):
    users = [
        AnonymousUser(),
        UserFactory(is_superuser=True, role=Role.APPRAISER),
        UserFactory(role=Role.HOME_AFFAIRS),
        UserFactory(role=Role.COUNCIL),
        UserFactory(role=Role.FOCAL_POINT, agency=agencies[0]),
        UserFactory(role=Role.AGENCY_HEAD, agency=agencies[2]),
        UserFactory(role=Role.SURVEY_OPERATOR),
    ]
    for user in users:
        scope = scope_for(user, PeriodFactory())
        with django_assert_num_queries(0):
            assert [scope.sees_whole(a) for a in agencies] == [scope.sees(a) for a in agencies], user
