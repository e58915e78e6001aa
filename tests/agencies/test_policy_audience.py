"""agencies.policy's audience and workflow order, without a database (see `make mutate`, docs/testing.md)."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from agencies.models import PeriodState
from agencies.policy import Audience as A
from agencies.policy import _from, audience


def user(role="", agency_id=None, superuser=False):
    return SimpleNamespace(is_authenticated=True, is_superuser=superuser, role=role, agency_id=agency_id)


def test_a_state_and_every_later_one_in_the_workflow_order():
    order = list(PeriodState)
    assert _from(order[0]) == frozenset(order)
    assert _from(order[1]) == frozenset(order[1:])
    assert _from(order[-1]) == frozenset({order[-1]})


def test_nobody_signed_in_and_a_superuser():
    assert audience(None) == A.ANONYMOUS
    assert audience(AnonymousUser(), agency_id=1) == A.ANONYMOUS
    assert audience(user("focal_point", 1, superuser=True), agency_id=2, appraiser="first") == A.SUPERUSER


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("home_affairs", A.HOME_AFFAIRS),
        ("secretariat_lead", A.LEAD),
        ("council", A.COUNCIL),
        ("appraiser", A.APPRAISER),
        ("focal_point", A.FOCAL_POINT),
        ("agency_head", A.AGENCY_HEAD),
        ("survey_operator", A.SURVEY_OPERATOR),
        ("", A.OUTSIDER),
        ("guest", A.OUTSIDER),
    ],
)
def test_each_role_meets_an_object_of_no_agency_as_its_own_audience(role, expected):
    assert audience(user(role, 1)) == expected
    assert audience(user(role, 1), agency_id=None, appraiser=None) == expected


@pytest.mark.parametrize("role", ["focal_point", "agency_head"])
def test_an_agency_user_is_an_outsider_to_another_agency_only(role):
    assert audience(user(role, 1), agency_id=1) == A(role)
    assert audience(user(role, 1), agency_id=2) == A.OUTSIDER
    assert audience(user(role, 1), agency_id=2, appraiser="first") == A.OUTSIDER


@pytest.mark.parametrize("role", ["home_affairs", "secretariat_lead", "council", "survey_operator"])
def test_a_province_wide_role_keeps_its_audience_for_any_agency(role):
    assert audience(user(role), agency_id=2) == A(role)
    assert audience(user(role), agency_id=2, appraiser="first") == A(role)  # the lead stays the lead


def test_an_appraiser_is_first_or_second_only_where_assigned():
    appraiser = user("appraiser")
    assert audience(appraiser, agency_id=2, appraiser="first") == A.FIRST
    assert audience(appraiser, agency_id=2, appraiser="second") == A.SECOND
    assert audience(appraiser, agency_id=2, appraiser=None) == A.APPRAISER
    assert audience(appraiser, agency_id=2, appraiser="third") == A.APPRAISER
