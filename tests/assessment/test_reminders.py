"""Reminders go 3 days and 1 day before the deadline, once, to agencies that have not submitted."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from agencies.models import Extension
from assessment.models import Submission, SubmissionStatus
from assessment.reminders import self_assessment_reminders_send
from assessment.tasks import send_self_assessment_reminders

pytestmark = pytest.mark.django_db


@pytest.fixture
def deadline_world(world):
    for name in ("focal", "other_focal"):
        world.users[name].email = f"{name}@tinh.gov.vn"
        world.users[name].save()
    return world


def close_at_end_of_day(world, *, days: int) -> None:
    """The window closes at 23:59 local time `days` days from now: at 08:00 on its closing day it is
    still open, whatever the hour the test runs (the local date may be ahead of UTC's)."""
    world.window.ends_at = (timezone.localtime() + timedelta(days=days)).replace(hour=23, minute=59)
    world.window.starts_at = timezone.now() - timedelta(days=10)
    world.window.save()


def at_days_before(world, days):
    """A moment `days` calendar days before the window's closing day, at 08:00 local time."""
    closing_day = timezone.localtime(world.window.ends_at)
    return (closing_day - timedelta(days=days)).replace(hour=8, minute=0)


def test_three_days_before_both_unsubmitted_agencies_are_reminded_once(deadline_world):
    world = deadline_world
    close_at_end_of_day(world, days=5)
    now = at_days_before(world, 3)
    assert self_assessment_reminders_send(now=now) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["focal@tinh.gov.vn", "other_focal@tinh.gov.vn"]
    assert "3" in mail.outbox[0].subject and "/tu-danh-gia/2026/" in mail.outbox[0].body
    assert self_assessment_reminders_send(now=now) == 0  # the daily job ran twice: nothing more
    assert self_assessment_reminders_send(now=at_days_before(world, 2)) == 0


def test_a_submitted_agency_is_not_reminded_and_an_extension_moves_the_date(deadline_world):
    world = deadline_world
    close_at_end_of_day(world, days=5)
    Submission.objects.create(period=world.period, agency=world.agency, status=SubmissionStatus.SUBMITTED)
    Extension.objects.create(
        window=world.window,
        agency=world.other,
        ends_at=world.window.ends_at + timedelta(days=1),
        reason="Bão",
    )
    assert self_assessment_reminders_send(now=at_days_before(world, 1)) == 0  # other still has 2 days
    assert self_assessment_reminders_send(now=at_days_before(world, 0)) == 1  # the day before its own
    assert mail.outbox[0].to == ["other_focal@tinh.gov.vn"]


def test_the_task_runs_the_service(deadline_world, settings):
    """The fixture's window closes tomorrow: both agencies get their day-before reminder."""
    assert send_self_assessment_reminders.apply().get() == 2
    assert "self-assessment-reminders" in settings.CELERY_BEAT_SCHEDULE
