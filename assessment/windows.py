"""The one window check: whether a period's window (self-assessment, explanation, …) is open for an
agency at a moment, and the message that says when it is open.

- A window is open from `starts_at` (included) to `ends_at` (excluded). A window whose last day is
  10/01 ends at 00:00 on 11/01 local time (“24:00 10/01/2023”), so the last day counts to its end.
- An agency's recorded extension (gia hạn) replaces the end when it ends later (any kind of window).
- A missing window is closed (nothing was opened), except the explanation round's: the secretariat
  opens and closes that round by the period's steps, and its window, when set, only narrows it.
- Dates in messages are Vietnamese, whatever the language: 08:00 25/12/2022, and an end at midnight
  as 24:00 of the day before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy

from agencies.models import Agency, Extension, Period, Window, WindowKind
from parindex.formatting import moment_text

# Kinds whose missing window leaves the round open (see the module's docstring).
MISSING_IS_OPEN = frozenset({WindowKind.EXPLANATION})

CLOSED = {
    WindowKind.SELF_ASSESSMENT: gettext_lazy(
        "Self-assessment is open from %(start)s to %(end)s; it is closed now."
    )
}
CLOSED_ROUND = gettext_lazy("This round is open from %(start)s to %(end)s; it is closed now.")
NOT_SET = {
    WindowKind.SELF_ASSESSMENT: gettext_lazy("The self-assessment window of this period has not been set.")
}
NOT_SET_ROUND = gettext_lazy("The window of this round has not been set.")


@dataclass(frozen=True)
class OpenWindow:
    """A window as it applies to one agency: `extended` when its recorded extension ends later."""

    starts_at: datetime
    ends_at: datetime
    extended: bool

    def contains(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at


def window_for(*, period: Period, kind: str, agency: Agency | None = None) -> OpenWindow | None:
    """The period's window of `kind`, with `agency`'s recorded extension if it ends later; None if unset.

    One SQL statement (a window and an extension are each unique, so at most one row): every autosave
    asks this, and the ORM spent more CPU compiling the query than PostgreSQL running it (issue 17)."""
    with connection.cursor() as cursor:
        cursor.execute(_WINDOW_SQL, [agency.pk if agency is not None else None, period.pk, kind])
        row = cursor.fetchone()
    if row is None:
        return None
    starts_at, ends_at, extension_ends_at = (_aware(moment) for moment in row)
    if extension_ends_at is not None and extension_ends_at > ends_at:
        return OpenWindow(starts_at, extension_ends_at, True)
    return OpenWindow(starts_at, ends_at, False)


_WINDOW_SQL = (
    f"SELECT w.starts_at, w.ends_at, e.ends_at FROM {Window._meta.db_table} w"
    f" LEFT JOIN {Extension._meta.db_table} e ON e.window_id = w.id AND e.agency_id = %s"
    " WHERE w.period_id = %s AND w.kind = %s"
)


def _aware(moment: datetime | str | None) -> datetime | None:
    """A moment as the ORM gives it: PostgreSQL returns it aware; SQLite (the embedded demo) as text or
    naive, in UTC."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, UTC)


def window_refusal(
    *, period: Period, kind: str, agency: Agency | None = None, now: datetime | None = None
) -> str | None:
    """Why the window of `kind` is closed for `agency` now (None while it is open)."""
    window = window_for(period=period, kind=kind, agency=agency)
    if window is None:
        return None if kind in MISSING_IS_OPEN else str(NOT_SET.get(kind, NOT_SET_ROUND))
    if window.contains(now or timezone.now()):
        return None
    return str(CLOSED.get(kind, CLOSED_ROUND)) % {
        "start": moment_text(window.starts_at),
        "end": moment_text(window.ends_at, end=True),
    }
