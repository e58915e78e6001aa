"""A survey write and the council's approval at the same moment: the write either commits before the
approval or is judged by the approved state, so no response or survey value lands in a period whose
inputs have just been frozen (agencies.policy._lock_state, as tests/assessment/test_period_lock.py shows
for the items).

PostgreSQL only: the approval holds the period's state lock exclusively until it commits; each survey write
must ask for it shared inside its own transaction, and so wait, then see "approved"."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import translation

from agencies.models import Period, PeriodState
from agencies.policy import period_inputs_refusal
from agencies.workflow import period_transition
from surveys.models import Response, SurveyToken, SurveyValue
from surveys.services import online_response_store, response_enter, survey_values_refresh, tokens_generate
from tests.factories import UserFactory
from tests.locks import waiting_on_a_lock
from tests.surveys.factories import make_survey, respond

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


def _write_during_approval(survey, write) -> tuple[bool, str]:
    """Holds the council's approval open in one thread, runs `write` in another, lets the approval commit
    once the write waits on a lock (or after 3 s). Returns whether the write waited and what it answered."""
    council = UserFactory(username="hoidong", role="council")
    language = translation.get_language()
    held, may_commit = threading.Event(), threading.Event()
    writer: dict = {}

    def approve():
        from django.db import connection as own

        try:
            with transaction.atomic():
                period_transition(
                    period=Period.objects.get(pk=survey.period.pk), name="approve", acting_user=council,
                    confirmed=True, override_reason="Hội đồng thống nhất",
                )  # fmt: skip
                held.set()
                may_commit.wait(timeout=20)
        finally:
            own.close()

    def run():
        from django.db import connection as own

        translation.activate(language)
        try:
            writer["pid"] = own.cursor().connection.info.backend_pid
            write()
            writer["outcome"] = "saved"
        except ValidationError as refused:
            writer["outcome"] = " ".join(refused.messages)
        except Exception as error:  # kept, so the assertion says what went wrong in the thread
            writer["outcome"] = repr(error)
        finally:
            own.close()

    first = threading.Thread(target=approve)
    first.start()
    assert held.wait(timeout=20)
    second = threading.Thread(target=run)
    second.start()
    waited = False
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and not waited and "outcome" not in writer:
        time.sleep(0.05)
        waited = "pid" in writer and waiting_on_a_lock(writer["pid"])
    may_commit.set()
    first.join()
    second.join()
    assert Period.objects.get(pk=survey.period.pk).state == PeriodState.APPROVED
    return waited, writer["outcome"]


@pytest.fixture
def survey():
    with translation.override("en"):
        survey = make_survey()
        Period.objects.filter(pk=survey.period.pk).update(state=PeriodState.COUNCIL)
        survey.period.refresh_from_db()
        yield survey


def _frozen(survey) -> str:
    return period_inputs_refusal(Period.objects.get(pk=survey.period.pk))


def test_a_typed_form_waits_for_the_approval_and_is_refused(survey):
    """An operator's entry begun while the council approves is not stored in the approved period."""
    operator = UserFactory(username="buu-dien", role="survey_operator")
    question = survey.questionnaire.questions.get(number="1")

    def enter():
        response_enter(
            questionnaire=survey.questionnaire, serial="r9", group=survey.group("hdnd"), agency=survey.a,
            answers={question.pk: "1"}, acting_user=operator,
        )  # fmt: skip

    waited, outcome = _write_during_approval(survey, enter)
    assert not Response.objects.exists(), outcome
    assert waited and outcome == _frozen(survey)


def test_an_online_answer_waits_for_the_approval_and_is_refused(survey):
    """A respondent's link sent while the council approves stores nothing, and the link stays unused."""
    tokens_generate(questionnaire=survey.questionnaire)
    link = SurveyToken.objects.filter(group__code="hdnd").first()
    question = survey.questionnaire.questions.get(number="1")

    def answer():
        online_response_store(token=link.token, answers={question.pk: "1"})

    waited, outcome = _write_during_approval(survey, answer)
    assert not Response.objects.exists(), outcome
    assert SurveyToken.objects.get(pk=link.pk).used_at is None
    assert waited and outcome == _frozen(survey)


def test_the_system_refresh_of_survey_values_waits_for_the_approval_and_is_refused(survey):
    """The command's aggregation (no acting user) begun while the council approves writes no value."""
    respond(survey.questionnaire, "r1", "hdnd", survey.a, q1="1", q2="2")

    def refresh():
        survey_values_refresh(period=Period.objects.get(pk=survey.period.pk))

    waited, outcome = _write_during_approval(survey, refresh)
    assert not SurveyValue.objects.exists(), outcome
    assert waited and outcome == _frozen(survey)


def test_links_made_while_the_council_approves_wait_and_are_refused(survey):
    """Home Affairs makes the one-time links (Obj.SURVEY_LINKS, closed by approval) as the council
    approves: none is made in the approved period."""
    official = UserFactory(username="noivu", role="home_affairs")

    def make_links():
        tokens_generate(questionnaire=survey.questionnaire, acting_user=official)

    waited, outcome = _write_during_approval(survey, make_links)
    assert not SurveyToken.objects.exists(), outcome
    assert waited and outcome == _frozen(survey)
