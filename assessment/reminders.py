"""Deadline reminders: e-mail the focal points of agencies that have not submitted, 3 days and 1 day
before their self-assessment window closes (their own extension included)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role, User
from agencies.models import Agency, Period, Window, WindowKind
from scoring.models import CriteriaSet

from .models import ReminderSent, Submission, SubmissionStatus
from .windows import moment_text, window_for

DAYS_BEFORE = (3, 1)


def self_assessment_reminders_send(*, now: datetime | None = None) -> int:
    """Sends what is due now; returns the number of e-mails. Safe to run more than once a day."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    windows = Window.objects.filter(
        kind=WindowKind.SELF_ASSESSMENT, starts_at__lte=now, ends_at__gt=now
    ).select_related("period")
    messages = []
    for window in windows:
        period = window.period
        blocks = CriteriaSet.objects.filter(period=period).values_list("block_id", flat=True)
        submitted = Submission.objects.filter(period=period, status=SubmissionStatus.SUBMITTED).values_list(
            "agency_id", flat=True
        )
        agencies = period.agencies().filter(block__in=blocks).exclude(pk__in=submitted)
        for agency in agencies:
            deadline = window_for(period=period, kind=WindowKind.SELF_ASSESSMENT, agency=agency).ends_at
            days_left = (timezone.localdate(deadline) - today).days
            if days_left not in DAYS_BEFORE:
                continue
            recipients = list(
                User.objects.filter(agency=agency, role=Role.FOCAL_POINT, is_active=True)
                .exclude(email="")
                .values_list("email", flat=True)
            )
            if not recipients or not _claim(period, agency, days_left, len(recipients)):
                continue
            messages.append(_message(period, agency, deadline, days_left, recipients))
    if messages:
        send_mass_mail(messages, fail_silently=False)
    return len(messages)


def _claim(period: Period, agency: Agency, days_before: int, recipients: int) -> bool:
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                period=period, agency=agency, days_before=days_before, recipients=recipients
            )
    except IntegrityError:
        return False
    return True


def _message(period, agency, deadline, days_left, recipients):
    with translation.override(settings.LANGUAGE_CODE):
        when = moment_text(deadline, end=True)
        subject = _("[ParIndex] %(days)s day(s) left to submit the self-assessment %(period)s") % {
            "days": days_left,
            "period": period.name,
        }
        link = settings.SITE_URL + reverse("assessment:page", args=[period.code, agency.code])
        body = _(
            "Dear focal point of %(agency)s,\n\nThe self-assessment %(period)s closes at %(when)s and your agency "
            "has not submitted it yet. Please complete the criteria, attach the evidence and submit:\n%(link)s\n\n"
            "Department of Home Affairs"
        ) % {"agency": agency.name, "period": period.name, "when": when, "link": link}
    return subject, body, settings.DEFAULT_FROM_EMAIL, recipients
