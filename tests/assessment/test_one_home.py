"""Rules with one home (issue 13): a step and its notices in one transaction, the round chosen once for
the page and the API, the item page's editability decided by a selector, the inbox's agencies from
scope_for, and a self-assessment page that writes nothing on GET."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from agencies.models import PeriodState
from agencies.workflow import TransitionRefused
from assessment import appraisal, appraisal_selectors
from assessment.models import AppraisalAssignment, AssessmentItem, Notification, Submission
from assessment.services import AssessmentRefused
from tests.assessment import test_appraisal
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
round_world = test_appraisal.round_world  # the fixture
step = test_appraisal.step


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def explanation_ready(world):
    item = world.item("1.1")
    appraisal.item_appraise(
        item=item,
        acting_user=world.users["appraiser"],
        expected_version=item.version,
        data={"points": "1"},
        comment="Thiếu",
    )
    return world


def open_explanation(world):
    appraisal.period_step(
        period=world.period,
        name="open_explanation",
        acting_user=world.users["lead"],
        confirmed=True,
        override_reason="x",
    )


def test_a_step_and_its_notices_are_stored_together(round_world, django_capture_on_commit_callbacks):
    world = explanation_ready(round_world)
    with django_capture_on_commit_callbacks(execute=True):
        open_explanation(world)
    world.period.refresh_from_db()
    assert world.period.state == PeriodState.EXPLANATION
    assert Notification.objects.filter(user=world.users["focal"]).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["focal@tinh.gov.vn", "other_focal@tinh.gov.vn"]


def test_a_failing_notice_undoes_the_step(round_world, monkeypatch, django_capture_on_commit_callbacks):
    world = explanation_ready(round_world)

    def broken(**kwargs):
        Notification.objects.create(user=world.users["focal"], text="half")
        raise RuntimeError("mail server down")

    monkeypatch.setattr(appraisal, "notify_round", broken)
    before = Notification.objects.count()  # the submissions' notices to the heads
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError, match="mail server down"),
    ):
        open_explanation(world)
    world.period.refresh_from_db()
    assert world.period.state == PeriodState.APPRAISAL
    assert Notification.objects.count() == before and mail.outbox == []


def test_a_refused_step_sends_nothing(round_world):
    before = Notification.objects.count()
    with pytest.raises(TransitionRefused, match=re.escape(gettext("You are not allowed to take this step."))):
        appraisal.period_step(
            period=round_world.period,
            name="open_explanation",
            acting_user=round_world.users["focal"],
            confirmed=True,
        )
    assert Notification.objects.count() == before


def test_the_round_is_chosen_once_for_the_page_and_the_api(round_world, client):
    world = round_world
    item = world.item("1.1")
    saved = appraisal.item_appraisal_save(
        item=item,
        acting_user=world.users["appraiser"],
        expected_version=item.version,
        data={"points": "1"},
        comment="Thiếu",
    )
    assert saved.appraised_input == {"points": "1"} and saved.reappraised_input is None
    step(world, "open_explanation")
    refused = re.escape(gettext("Scores cannot be changed in this state of the period."))
    with pytest.raises(AssessmentRefused, match=refused):
        appraisal.item_appraisal_save(
            item=saved,
            acting_user=world.users["appraiser"],
            expected_version=saved.version,
            data={"points": "2"},
        )
    client.force_login(world.users["appraiser"])
    url = reverse("assessment-api:appraisal-item-detail", args=[world.period.code, saved.pk])
    answer = client.patch(
        url, {"version": saved.version, "input": {"points": "2"}}, content_type="application/json"
    )
    assert answer.status_code == 400 and answer.json()["detail"] == gettext(
        "Scores cannot be changed in this state of the period."
    )


def test_the_item_page_is_decided_by_the_selector(round_world):
    world = round_world
    item = world.item("1.1")
    page = appraisal_selectors.appraisal_item_page(
        period=world.period, item=item, acting_user=world.users["appraiser"]
    )
    assert page.round == "appraise" and page.role == "first" and page.editable and not page.may_correct
    assert page.shown == {"points": "2"}  # the self-score until appraised
    other = world.item("2.1")  # area 2 is the lead's, not this appraiser's
    assert not appraisal_selectors.appraisal_item_page(
        period=world.period, item=other, acting_user=world.users["appraiser"]
    ).editable
    council = appraisal_selectors.appraisal_item_page(
        period=world.period, item=item, acting_user=world.users["council"]
    )
    assert council.role is None and not council.editable


def test_the_second_appraisers_inbox_lists_the_agencies_of_their_items(round_world, client):
    """The inbox's agency filter comes from scope_for: a second appraiser of every agency sees them all."""
    world = round_world
    second = UserFactory(username="second", role="appraiser")
    AppraisalAssignment.objects.filter(area_code="1").update(second_appraiser=second)
    client.force_login(second)
    agencies = client.get(reverse("appraisal:inbox", args=[world.period.code])).context["agencies"]
    assert {a.code for a in agencies} == {world.agency.code, world.other.code}
    client.force_login(world.users["appraiser"])
    agencies = client.get(reverse("appraisal:inbox", args=[world.period.code])).context["agencies"]
    assert {a.code for a in agencies} == {world.agency.code, world.other.code}


def test_the_self_assessment_page_writes_nothing_on_get(world, client):
    AssessmentItem.objects.filter(agency=world.agency).delete()
    Submission.objects.all().delete()
    client.force_login(world.users["focal"])
    response = client.get(reverse("assessment:page", args=[world.period.code, world.agency.code]))
    assert response.status_code == 200
    assert not AssessmentItem.objects.filter(agency=world.agency).exists()
    assert not Submission.objects.exists()


def test_opening_the_self_assessment_makes_every_agencys_items(world):
    from agencies.workflow import period_transition

    leaves = AssessmentItem.objects.filter(agency=world.agency).count()
    AssessmentItem.objects.all().delete()
    type(world.period).objects.filter(pk=world.period.pk).update(state=PeriodState.DRAFT)
    world.period.refresh_from_db()
    period_transition(
        period=world.period,
        name="open_self_assessment",
        acting_user=world.users["home_affairs"],
        confirmed=True,
        override_reason="x",
    )
    assert leaves > 0
    for agency in (world.agency, world.other):
        assert AssessmentItem.objects.filter(agency=agency).count() == leaves


def test_the_first_save_records_the_activity(world, client):
    Submission.objects.all().delete()
    client.force_login(world.users["focal"])
    item = world.item("1.1")
    client.post(
        reverse("assessment:item_save", args=[world.period.code, world.agency.code, item.pk]),
        {"version": item.version, "points": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert Submission.objects.get(agency=world.agency).last_activity_at is not None


def test_every_save_moves_the_overview_s_last_activity(world, client):
    """A save does not rewrite the submission (a statement fewer per autosave): the overview's last
    activity is the latest of the submission's and the items' own `self_scored_at`."""
    from datetime import timedelta

    from django.utils import timezone

    from assessment.selectors import self_assessment_overview

    client.force_login(world.users["focal"])
    item = world.item("1.1")
    url = reverse("assessment:item_save", args=[world.period.code, world.agency.code, item.pk])
    client.post(url, {"version": item.version, "points": "1"}, HTTP_HX_REQUEST="true")
    long_ago = timezone.now() - timedelta(days=2)
    Submission.objects.filter(agency=world.agency).update(last_activity_at=long_ago)
    item.refresh_from_db()
    client.post(url, {"version": item.version, "points": "2"}, HTTP_HX_REQUEST="true")
    item.refresh_from_db()
    assert item.self_input == {"points": "2"} and item.self_scored_at > long_ago
    rows = self_assessment_overview(period=world.period, agencies=type(world.agency).objects.all())
    before = next(row for row in rows if row.agency == world.agency)
    assert before.last_activity == item.self_scored_at
    other = world.item("1.2")  # marked not applicable: its item leaves the counts, not the activity
    client.post(
        reverse("assessment:item_save", args=[world.period.code, world.agency.code, other.pk]),
        {"version": other.version, "not_applicable": "on", "not_applicable_reason": "Không có"},
        HTTP_HX_REQUEST="true",
    )
    other.refresh_from_db()
    assert other.applicable is False and other.self_scored_at > item.self_scored_at
    rows = self_assessment_overview(period=world.period, agencies=type(world.agency).objects.all())
    row = next(row for row in rows if row.agency == world.agency)
    assert row.last_activity == other.self_scored_at
    assert (row.leaves, row.scored) == (before.leaves - 1, before.scored)


def test_an_agency_that_has_not_started_shows_no_last_activity(world, client):
    """Items made when the round opens are no activity: the overview shows none, and the agency as not
    started, until its first save, even one that only marks a criterion not applicable."""
    from assessment.selectors import self_assessment_overview

    Submission.objects.filter(agency=world.agency).delete()
    assert AssessmentItem.objects.filter(agency=world.agency, version=1).exists()

    def row():
        rows = self_assessment_overview(period=world.period, agencies=type(world.agency).objects.all())
        return next(row for row in rows if row.agency == world.agency)

    assert (row().last_activity, row().status) == (None, "not_started")
    client.force_login(world.users["focal"])
    item = world.item("1.1")
    client.post(  # marked not applicable: nothing scored yet, but the agency has started
        reverse("assessment:item_save", args=[world.period.code, world.agency.code, item.pk]),
        {"version": item.version, "not_applicable": "on", "not_applicable_reason": "Không phát sinh"},
        HTTP_HX_REQUEST="true",
    )
    item.refresh_from_db()
    assert item.version == 2 and not item.applicable
    assert (row().last_activity, row().status, row().scored) == (item.self_scored_at, "in_progress", 0)
