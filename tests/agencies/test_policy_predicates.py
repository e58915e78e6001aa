"""agencies.policy's predicates of who acts: may_self_assess, may_sign_off, may_appraise. Every branch and
boundary, without a database (see `make mutate`, docs/testing.md)."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from agencies import policy


def user(role="", agency_id=None, superuser=False, perms=None):
    granted = {
        "focal_point": {"assessment.self_assess"},
        "agency_head": {"assessment.sign_off_self_assessment"},
    }.get(role, set())
    held = granted if perms is None else set(perms)
    return SimpleNamespace(
        is_authenticated=True,
        is_superuser=superuser,
        role=role,
        agency_id=agency_id,
        has_perm=lambda name: superuser or name in held,
    )


def test_the_focal_point_self_assesses_their_own_agency_only():
    assert policy.may_self_assess(user("focal_point", 1), 1) is True
    assert policy.may_self_assess(user("focal_point", 1), 2) is False


def test_no_agency_no_self_assessment():
    """An object of no agency: even a focal point without agency does not act for it."""
    assert policy.may_self_assess(user("focal_point", None), None) is False
    assert policy.may_self_assess(user("focal_point", 1), None) is False


@pytest.mark.parametrize(
    "role", ["agency_head", "home_affairs", "secretariat_lead", "council", "appraiser", "survey_operator", ""]
)
def test_no_other_role_self_assesses_even_with_the_permission(role):
    """The role decides (its group holds the permission, accounts.roles): a permission alone does not."""
    assert policy.may_self_assess(user(role, 1, perms={"assessment.self_assess"}), 1) is False


def test_neither_anonymous_nor_a_superuser_self_assesses():
    assert policy.may_self_assess(None, 1) is False
    assert policy.may_self_assess(AnonymousUser(), 1) is False
    assert policy.may_self_assess(user("focal_point", 1, superuser=True), 1) is False


def test_the_head_signs_off_their_own_agency_only():
    assert policy.may_sign_off(user("agency_head", 1), 1) is True
    assert policy.may_sign_off(user("agency_head", 1), 2) is False
    assert policy.may_sign_off(user("agency_head", 1), None) is False
    assert (
        policy.may_sign_off(user("focal_point", 1, perms={"assessment.sign_off_self_assessment"}), 1) is False
    )
    assert policy.may_sign_off(user("agency_head", 1, superuser=True), 1) is False
    assert policy.may_sign_off(AnonymousUser(), 1) is False


@pytest.fixture
def relation(monkeypatch):
    """appraiser_role answers from a table: (user, item) → "first" / "second" / None."""
    answers = {}
    from assessment import appraisal

    def appraiser_role(user, item, period):
        assert period is item.node.criteria_set.period  # the item's own period, not another
        return answers.get((user.role, item.id))

    monkeypatch.setattr(appraisal, "appraiser_role", appraiser_role)
    return answers


def an_item(item_id=7):
    period = SimpleNamespace(state="appraisal")
    return SimpleNamespace(
        id=item_id, agency_id=1, node=SimpleNamespace(criteria_set=SimpleNamespace(period=period))
    )


@pytest.mark.parametrize(("answer", "expected"), [("first", True), ("second", True), (None, False)])
def test_an_assignment_covering_the_item_makes_its_appraiser(relation, answer, expected):
    relation[("appraiser", 7)] = answer
    assert policy.may_appraise(user("appraiser"), an_item()) is expected
    assert policy.may_appraise(user("appraiser"), an_item(8)) is False


def test_the_lead_appraises_where_assigned(relation):
    relation[("secretariat_lead", 7)] = "first"
    assert policy.may_appraise(user("secretariat_lead"), an_item()) is True


def test_nobody_signed_in_appraises(relation):
    relation[("", 7)] = "first"
    assert policy.may_appraise(None, an_item()) is False
    assert policy.may_appraise(AnonymousUser(), an_item()) is False
