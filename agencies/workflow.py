"""The period's workflow in one place: the transitions are declared on `Period` (django-fsm-2); this
service is the only caller. It checks that the transition exists from the current state and that the
user holds its permission, applies it, and records who, when and why."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from .models import Period, PeriodState, PeriodTransition

TRANSITIONS = (
    "open_self_assessment",
    "start_appraisal",
    "open_explanation",
    "start_reappraisal",
    "send_to_council",
    "return_to_secretariat",
    "approve",
    "publish",
)
COMMENT_REQUIRED = frozenset({"return_to_secretariat"})


class TransitionRefused(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def transitions_available(*, period: Period, user) -> list[str]:
    """The transitions this user may apply now, in workflow order."""
    return [
        name
        for name in TRANSITIONS
        if can_proceed(getattr(period, name)) and has_transition_perm(getattr(period, name), user)
    ]


@transaction.atomic
def period_transition(*, period: Period, name: str, user, comment: str = "") -> Period:
    locked = Period.objects.select_for_update().get(pk=period.pk)
    method = getattr(locked, name, None) if name in TRANSITIONS else None
    if method is None:
        raise TransitionRefused(_("Unknown step %(name)s.") % {"name": name})
    state_label = PeriodState(locked.state).label
    if not can_proceed(method):
        raise TransitionRefused(
            _("This step is not possible while the period is in the state “%(state)s”.")
            % {"state": state_label}
        )
    if not has_transition_perm(method, user):
        raise TransitionRefused(_("You are not allowed to take this step."))
    if name in COMMENT_REQUIRED and not comment.strip():
        raise TransitionRefused(_("Give a comment explaining why."))
    source = locked.state
    method()
    locked.save(update_fields=["state"])
    PeriodTransition.objects.create(
        period=locked, name=name, source=source, target=locked.state, by=user, comment=comment.strip()
    )
    if name == "open_self_assessment":
        locked.criteria_sets.filter(frozen_at__isnull=True).update(frozen_at=timezone.now())
    period.state = locked.state
    return locked
