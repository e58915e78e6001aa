"""In-app notifications (also e-mailed): the one way a hand-over tells the next person."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils.translation import override

from .models import Notification


def notify(*, users, text: str, url: str = "") -> int:
    """In-app notifications, and the same text by e-mail to those who have an address."""
    users = list(users)
    Notification.objects.bulk_create(Notification(user=user, text=text, url=url) for user in users)
    with override(settings.LANGUAGE_CODE):
        messages = [
            (
                f"[ParIndex] {text}"[:200],
                f"{text}\n\n{settings.SITE_URL}{url}",
                settings.DEFAULT_FROM_EMAIL,
                [u.email],
            )
            for u in users
            if u.email
        ]
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return len(users)
