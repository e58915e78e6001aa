"""The period's workflow in one place: the transitions are declared on `Period` (django-fsm-2); this
service is the only caller. It checks that the transition exists from the current state and that the
user holds its permission, that the step was confirmed and, when something is not ready
(assessment.readiness), that a reason to go ahead was stated; applies it, and records who, when, why and
what was not ready."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed, has_transition_perm

from parindex.refusals import Refused

from . import policy
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
LABELS = {
    "open_self_assessment": gettext_lazy("Open self-assessment"),
    "start_appraisal": gettext_lazy("Start the appraisal"),
    "open_explanation": gettext_lazy("Open the explanation round"),
    "start_reappraisal": gettext_lazy("Close explanations, start re-appraisal"),
    "send_to_council": gettext_lazy("Send to the council"),
    "return_to_secretariat": gettext_lazy("Return to the secretariat"),
    "approve": gettext_lazy("Approve"),
    "publish": gettext_lazy("Publish"),
}
NOT_CONFIRMED = gettext_lazy("Confirm the step on its confirmation page first.")
REASON_REQUIRED = gettext_lazy(
    "Not everything is ready for this step (%(gaps)s): state the reason for going ahead anyway."
)


class TransitionRefused(Refused):
    """A step of the workflow the rules do not allow (parindex.refusals)."""


def transitions_available(*, period: Period, user) -> list[str]:
    """The transitions this user may apply now, in workflow order."""
    return [
        name
        for name in TRANSITIONS
        if can_proceed(getattr(period, name)) and has_transition_perm(getattr(period, name), user)
    ]


@transaction.atomic
def period_transition(
    *,
    period: Period,
    name: str,
    acting_user,
    comment: str = "",
    confirmed: bool = False,
    override_reason: str = "",
    snapshot=None,
) -> Period:
    """Applies the step `name` once the user has confirmed it after seeing its readiness list; while
    something is not ready, only with `override_reason`. `snapshot` is the computation being published
    (publish only). The record keeps the gaps of that moment and the reason."""
    # The row first, then the state lock: a criteria import also locks the row before asking the policy.
    locked = Period.objects.select_for_update().get(pk=period.pk)
    policy.hold_state(locked)
    method = getattr(locked, name, None) if name in TRANSITIONS else None
    if method is None:
        raise TransitionRefused(_("Unknown step %(name)s.") % {"name": name})
    state_label = PeriodState(locked.state).label
    if not can_proceed(method):
        raise TransitionRefused(
            _("This step is not possible while the period is in the state “%(state)s”.")
            % {"state": state_label}
        )
    if not has_transition_perm(method, acting_user):
        raise TransitionRefused(_("You are not allowed to take this step."))
    if name in COMMENT_REQUIRED and not comment.strip():
        raise TransitionRefused(_("Give a comment explaining why."))
    if not confirmed:
        raise TransitionRefused(str(NOT_CONFIRMED))
    # assessment sits above agencies (it imports it), so the readiness checks are imported late.
    from assessment.readiness import period_readiness

    readiness = period_readiness(period=locked, name=name, snapshot=snapshot)
    override_reason = override_reason.strip()
    if not readiness.ready and not override_reason:
        raise TransitionRefused(str(REASON_REQUIRED) % {"gaps": readiness.summary()})
    source = locked.state
    method()
    locked.save(update_fields=["state"])
    PeriodTransition.objects.create(
        period=locked,
        name=name,
        source=source,
        target=locked.state,
        by=acting_user,
        comment=comment.strip(),
        override_reason=override_reason if not readiness.ready else "",
        readiness=readiness.as_record(),
    )
    if name == "open_self_assessment":
        locked.criteria_sets.filter(frozen_at__isnull=True).update(frozen_at=timezone.now())
        from assessment.services import period_items_ensure  # assessment builds on agencies

        period_items_ensure(period=locked)
    period.state = locked.state
    return locked
