"""Hand-overs are not silent (issue 14): the head is told when a submission waits for sign-off, the
council when the results reach it; the head can send the form back to the focal point (a step through
the service and the policy, audited, with a reason)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from agencies.models import PeriodState
from agencies.workflow import period_transition
from assessment import appraisal
from assessment.models import ItemStatus, Notification, Submission, SubmissionStatus
from assessment.services import (
    AssessmentRefused,
    assessment_send_back,
    assessment_sign_off,
    assessment_submit,
    item_self_score,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SELF = {
    "1.1": {"points": "2"},
    "1.2": {"level": "dung_han"},
    "1.3": {"value": "0"},
    "2.1": {"value": "95"},
    "2.2": {"value": "80"},
}


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def submitted(world, agency=None, focal="focal"):
    agency = agency or world.agency
    for code, data in SELF.items():
        item = world.item(code, agency)
        item_self_score(item=item, acting_user=world.users[focal], expected_version=item.version, data=data)
    return assessment_submit(
        period=world.period, agency=agency, acting_user=world.users[focal], explanation="x"
    )


def test_the_head_is_notified_when_the_submission_waits_for_sign_off(
    world, django_capture_on_commit_callbacks
):
    head = world.users["head"]
    head.email = "giamdoc@so-a.gov.vn"
    head.save()
    with django_capture_on_commit_callbacks(execute=True):
        submitted(world)
    notice = Notification.objects.get(user=head)
    assert (
        notice.text
        == f"{world.agency.name} submitted its self-assessment of {world.period.name}: it waits for your sign-off."
    )
    assert notice.url == reverse("assessment:page", args=[world.period.code, world.agency.code])
    assert [m.to for m in mail.outbox] == [["giamdoc@so-a.gov.vn"]]
    # Nobody of another agency, nor the focal point, is told.
    assert Notification.objects.exclude(user=head).count() == 0


def test_the_council_is_notified_when_the_results_are_sent_to_it(world):
    members = [world.users["council"], UserFactory(username="hoidong2", role="council")]
    UserFactory(username="hoidong-cu", role="council", is_active=False)
    submitted(world)
    period_transition(
        period=world.period, name="start_appraisal", acting_user=world.users["home_affairs"], confirmed=True,
        override_reason="t",
    )  # fmt: skip
    period_transition(
        period=world.period,
        name="send_to_council",
        acting_user=world.users["lead"],
        confirmed=True,
        override_reason="t",
    )
    appraisal.notify_round(period=world.period, name="send_to_council")
    notices = Notification.objects.filter(text__contains="sent to the council")
    assert sorted(n.user.username for n in notices) == sorted(u.username for u in members)
    assert {n.url for n in notices} == {reverse("appraisal:review", args=[world.period.code])}


def test_the_council_is_notified_through_the_confirmation_page(client, world):
    submitted(world)
    period_transition(
        period=world.period, name="start_appraisal", acting_user=world.users["home_affairs"], confirmed=True,
        override_reason="t",
    )  # fmt: skip
    client.force_login(world.users["lead"])
    client.post(
        reverse("appraisal:transition", args=[world.period.code, "send_to_council"]),
        {"confirm": "1", "override_reason": "Theo lịch"},
    )
    world.period.refresh_from_db()
    assert world.period.state == PeriodState.COUNCIL
    assert Notification.objects.filter(
        user=world.users["council"], text__contains="sent to the council"
    ).exists()


def test_the_head_sends_the_form_back_with_a_reason_audited_and_the_focal_point_told(client, world):
    submitted(world)
    client.force_login(world.users["head"])
    page = reverse("assessment:page", args=[world.period.code, world.agency.code])
    html = client.get(page).content.decode()
    assert reverse("assessment:send_back", args=[world.period.code, world.agency.code]) in html
    response = client.post(
        reverse("assessment:send_back", args=[world.period.code, world.agency.code]),
        {"reason": "Bổ sung tài liệu cho 1.1"},
        follow=True,
    )
    assert "The self-assessment was sent back to the focal point." in response.content.decode()
    submission = Submission.objects.get(period=world.period, agency=world.agency)
    assert submission.status == SubmissionStatus.RETURNED and not submission.locked
    latest = submission.history.first()
    assert (
        latest.history_change_reason == "returned by the head" and latest.history_user == world.users["head"]
    )
    assert latest.reopen_reason == "Bổ sung tài liệu cho 1.1"
    assert world.item("1.1").status == ItemStatus.SELF_SCORED
    notice = Notification.objects.get(user=world.users["focal"])
    assert "Bổ sung tài liệu cho 1.1" in notice.text and notice.url == page
    # The focal point can change and submit again; the head is told again.
    item = world.item("1.1")
    item_self_score(
        item=item, acting_user=world.users["focal"], expected_version=item.version, data={"points": "1"}
    )
    assessment_submit(
        period=world.period, agency=world.agency, acting_user=world.users["focal"], explanation="x"
    )
    assert Notification.objects.filter(user=world.users["head"]).count() == 2


def test_the_returned_form_is_on_the_focal_points_home(client, world):
    submitted(world)
    assessment_send_back(
        period=world.period, agency=world.agency, acting_user=world.users["head"], reason="Thiếu 1.1"
    )
    client.force_login(world.users["focal"])
    html = client.get(reverse("home")).content.decode()
    assert "the head sent the self-assessment back: “Thiếu 1.1”" in html


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("focal", "Only the head of the agency can send its self-assessment back."),
        ("home_affairs", "Only the head of the agency can send its self-assessment back."),
    ],
)
def test_only_the_head_sends_back(world, who, message):
    submitted(world)
    with pytest.raises(AssessmentRefused, match=message):
        assessment_send_back(
            period=world.period, agency=world.agency, acting_user=world.users[who], reason="x"
        )
    assert Submission.objects.get(agency=world.agency).locked


def test_the_head_of_another_agency_gets_a_404(client, world):
    submitted(world)
    other_head = UserFactory(username="gd-so-b", role="agency_head", agency=world.other)
    client.force_login(other_head)
    url = reverse("assessment:send_back", args=[world.period.code, world.agency.code])
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert Submission.objects.get(agency=world.agency).locked


def test_send_back_needs_a_reason_a_submission_no_sign_off_and_an_open_window(world):
    head = world.users["head"]
    with pytest.raises(AssessmentRefused, match="has not been submitted yet"):
        assessment_send_back(period=world.period, agency=world.agency, acting_user=head, reason="x")
    submitted(world)
    with pytest.raises(AssessmentRefused, match="Say what the focal point should change"):
        assessment_send_back(period=world.period, agency=world.agency, acting_user=head, reason="  ")
    world.window.ends_at = timezone.now() - timedelta(minutes=1)
    world.window.starts_at = timezone.now() - timedelta(days=3)
    world.window.save()
    with pytest.raises(AssessmentRefused, match="window is closed"):
        assessment_send_back(period=world.period, agency=world.agency, acting_user=head, reason="x")
    world.window.ends_at = timezone.now() + timedelta(days=1)
    world.window.save()
    assessment_sign_off(period=world.period, agency=world.agency, acting_user=head)
    with pytest.raises(AssessmentRefused, match="already signed off"):
        assessment_send_back(period=world.period, agency=world.agency, acting_user=head, reason="x")


def test_send_back_is_refused_once_the_appraisal_started(world):
    submitted(world)
    period_transition(
        period=world.period, name="start_appraisal", acting_user=world.users["home_affairs"], confirmed=True,
        override_reason="t",
    )  # fmt: skip
    with pytest.raises(AssessmentRefused, match="cannot be changed while the period is in the state"):
        assessment_send_back(
            period=world.period, agency=world.agency, acting_user=world.users["head"], reason="x"
        )


def test_the_sign_off_asks_first_as_it_cannot_be_undone(client, world):
    """Signing off closes the way back to the focal point (send-back is refused afterwards), yet the
    button signed at one click; it now asks first, as the focal point's submit does."""
    submitted(world)
    client.force_login(world.users["head"])
    html = client.get(
        reverse("assessment:page", args=[world.period.code, world.agency.code])
    ).content.decode()
    sign_off = html[html.index(reverse("assessment:sign_off", args=[world.period.code, world.agency.code])) :]
    button = sign_off[sign_off.index("<button") : sign_off.index("</button>")]
    assert 'data-confirm="After signing off, the self-assessment can no longer be sent back' in button
