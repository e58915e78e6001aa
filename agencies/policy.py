"""The one workflow policy: who may read or write what, at each period state.

Every path (page, API, admin, command, job, export) asks this module; nothing else decides.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Period, PeriodState

# Approval freezes every input that feeds the index (items, evidence, surveys, measured data);
# after it only Home Affairs' audited correction changes anything.
FROZEN_STATES = frozenset({PeriodState.APPROVED, PeriodState.PUBLISHED})


def period_inputs_frozen(period: Period) -> bool:
    return period.state in FROZEN_STATES


def period_inputs_refusal(period: Period) -> str | None:
    """Why no input of the period may change now (None while it may)."""
    if period_inputs_frozen(period):
        return _("The results of %(period)s are approved: its inputs can no longer change.") % {
            "period": period.name
        }
    return None
