"""The period workflow: every transition allowed only from its state and to its role, each recorded."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from agencies.models import Period, PeriodState, PeriodTransition
from agencies.workflow import TRANSITIONS, TransitionRefused, period_transition, transitions_available
from scoring.formats import criteria_set_from_document
from tests.documents import small_document
from tests.factories import BlockFactory, PeriodFactory, UserFactory

pytestmark = pytest.mark.django_db

S = PeriodState
# name: (source states, target, role allowed)
EXPECTED = {
    "open_self_assessment": ({S.DRAFT}, S.SELF_ASSESSMENT, "home_affairs"),
    "start_appraisal": ({S.SELF_ASSESSMENT}, S.APPRAISAL, "home_affairs"),
    "open_explanation": ({S.APPRAISAL}, S.EXPLANATION, "secretariat_lead"),
    "start_reappraisal": ({S.EXPLANATION}, S.REAPPRAISAL, "secretariat_lead"),
    "send_to_council": ({S.APPRAISAL, S.REAPPRAISAL}, S.COUNCIL, "secretariat_lead"),
    "return_to_secretariat": ({S.COUNCIL}, S.REAPPRAISAL, "council"),
    "approve": ({S.COUNCIL}, S.APPROVED, "council"),
    "publish": ({S.APPROVED}, S.PUBLISHED, "home_affairs"),
}
ROLES = ["home_affairs", "secretariat_lead", "appraiser", "council", "focal_point", "survey_operator"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_the_table_covers_every_transition():
    assert set(EXPECTED) == set(TRANSITIONS)


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("name", TRANSITIONS)
def test_each_transition_from_each_state_for_each_role(state, name):
    """Allowed exactly from its source states and for its role; otherwise refused, state unchanged."""
    sources, target, allowed_role = EXPECTED[name]
    period = PeriodFactory(year=2030, state=state)
    for role in ROLES:
        user = UserFactory(username=f"{role}-{name}-{state}", role=role)
        if state in sources and role == allowed_role:
            continue
        # The state is checked first: from a wrong state everyone is refused for it, whatever the role.
        # Worded in the active language, as the refusal is when raised.
        expected = (
            gettext("This step is not possible while the period is in the state “%(state)s”.")
            % {"state": PeriodState(state).label}
            if state not in sources
            else gettext("You are not allowed to take this step.")
        )
        with pytest.raises(TransitionRefused, match=re.escape(expected)):
            period_transition(period=period, name=name, acting_user=user, comment="vì")
        assert Period.objects.get(pk=period.pk).state == state
    if state in sources:
        user = UserFactory(username=f"ok-{name}-{state}", role=allowed_role)
        period_transition(
            period=period,
            name=name,
            acting_user=user,
            comment="Đề nghị rà soát lại lĩnh vực 3",
            confirmed=True,
            override_reason="Theo kế hoạch",
        )
        assert Period.objects.get(pk=period.pk).state == target
        record = PeriodTransition.objects.get(period=period)
        assert (record.source, record.target, record.by, record.name) == (state, target, user, name)
    assert not PeriodTransition.objects.filter(period=period).exclude(by__role=allowed_role).exists()


def test_a_refusal_says_why():
    period = PeriodFactory(year=2031, state=S.DRAFT)
    with pytest.raises(TransitionRefused, match="not possible while the period is in the state “Draft”"):
        period_transition(
            period=period, name="publish", acting_user=UserFactory(username="hn", role="home_affairs")
        )
    with pytest.raises(TransitionRefused, match="not allowed"):
        period_transition(
            period=period, name="open_self_assessment", acting_user=UserFactory(username="c", role="council")
        )
    council = UserFactory(username="hd", role="council")
    period = PeriodFactory(year=2032, state=S.COUNCIL)
    with pytest.raises(TransitionRefused, match="Give a comment"):
        period_transition(period=period, name="return_to_secretariat", acting_user=council, comment=" ")


def test_opening_self_assessment_freezes_the_criteria_sets():
    period = PeriodFactory(year=2033, state=S.DRAFT)
    criteria_set = criteria_set_from_document(
        period=period, block=BlockFactory(code="k"), document=small_document()
    )
    period_transition(
        period=period,
        name="open_self_assessment",
        acting_user=UserFactory(username="nv", role="home_affairs"),
        confirmed=True,
        override_reason="Chưa có tài khoản đầu mối",
    )
    criteria_set.refresh_from_db()
    assert criteria_set.frozen_at is not None


def test_available_transitions_depend_on_state_and_role():
    period = PeriodFactory(year=2034, state=S.APPRAISAL)
    lead = UserFactory(username="tt", role="secretariat_lead")
    assert transitions_available(period=period, user=lead) == ["open_explanation", "send_to_council"]
    assert transitions_available(period=period, user=UserFactory(username="hn2", role="home_affairs")) == []
