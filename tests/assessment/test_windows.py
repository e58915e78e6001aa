"""The one window check (assessment/windows.py): the last day counts to its end, the day after is closed,
an agency's extension moves the end for that agency only, and a missing window is closed except the
explanation round's. Moments are fixed, never the clock's, so the local hour does not matter."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from agencies.models import Extension, Window, WindowKind
from assessment.windows import _aware, moment_text, window_for, window_refusal

VN = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2026, 12, 25, 0, 0, tzinfo=VN)
END = datetime(2027, 1, 11, 0, 0, tzinfo=VN)  # 24:00 on 10/01/2027, the last day
TICK = timedelta(microseconds=1)


@pytest.fixture
def dated(world):
    world.window.starts_at, world.window.ends_at = START, END
    world.window.save()
    return world


def refusal(world, moment, kind=WindowKind.SELF_ASSESSMENT, agency=None):
    return window_refusal(period=world.period, kind=kind, agency=agency or world.agency, now=moment)


def test_the_first_moment_and_the_whole_last_day_are_open(dated):
    assert refusal(dated, START) is None
    assert refusal(dated, datetime(2027, 1, 10, 23, 59, 59, 999999, tzinfo=VN)) is None


def test_the_moment_before_and_the_day_after_are_closed(dated):
    with translation.override("en"):
        before = refusal(dated, START - TICK)
        after = refusal(dated, END)
    expected = "Self-assessment is open from 00:00 25/12/2026 to 24:00 10/01/2027; it is closed now."
    assert before == after == expected


def test_an_extension_keeps_the_window_open_for_that_agency_only(dated):
    Extension.objects.create(
        window=dated.window, agency=dated.agency, ends_at=END + timedelta(days=2), reason="x"
    )
    day_after = END + timedelta(hours=10)
    assert refusal(dated, day_after) is None
    assert refusal(dated, day_after, agency=dated.other) is not None
    assert refusal(dated, END + timedelta(days=2) - TICK) is None
    with translation.override("en"):
        assert "to 24:00 12/01/2027" in refusal(dated, END + timedelta(days=2))
    extended = window_for(period=dated.period, kind=WindowKind.SELF_ASSESSMENT, agency=dated.agency)
    assert extended.extended and extended.ends_at == END + timedelta(days=2)
    plain = window_for(period=dated.period, kind=WindowKind.SELF_ASSESSMENT, agency=dated.other)
    assert not plain.extended and plain.ends_at == END


def test_an_extension_ending_earlier_changes_nothing(dated):
    Extension.objects.create(
        window=dated.window, agency=dated.agency, ends_at=END - timedelta(days=1), reason="x"
    )
    window = window_for(period=dated.period, kind=WindowKind.SELF_ASSESSMENT, agency=dated.agency)
    assert not window.extended and window.ends_at == END
    assert refusal(dated, END - TICK) is None


def test_a_missing_window_is_closed_except_the_explanation_round(dated):
    with translation.override("en"):
        assert (
            refusal(dated, START, kind=WindowKind.APPRAISAL) == "The window of this round has not been set."
        )
        dated.window.delete()
        assert refusal(dated, START) == "The self-assessment window of this period has not been set."
    assert refusal(dated, START, kind=WindowKind.EXPLANATION) is None


def test_the_explanation_round_uses_the_same_rule_and_the_same_dates(dated):
    Window.objects.create(period=dated.period, kind=WindowKind.EXPLANATION, starts_at=START, ends_at=END)
    assert refusal(dated, END - TICK, kind=WindowKind.EXPLANATION) is None
    with translation.override("en"):
        closed = refusal(dated, END, kind=WindowKind.EXPLANATION)
    assert closed == "This round is open from 00:00 25/12/2026 to 24:00 10/01/2027; it is closed now."


def test_dates_read_the_same_in_both_languages():
    moment = datetime(2027, 1, 10, 17, 5, tzinfo=VN)
    with translation.override("en"):
        english = moment_text(moment), moment_text(END, end=True), moment_text(END)
    with translation.override("vi"):
        vietnamese = moment_text(moment), moment_text(END, end=True), moment_text(END)
    assert english == vietnamese == ("17:05 10/01/2027", "24:00 10/01/2027", "00:00 11/01/2027")


@pytest.mark.parametrize(
    "stored",
    [
        datetime(2023, 1, 10, 17, 0, tzinfo=UTC),  # PostgreSQL
        datetime(2023, 1, 10, 17, 0),  # SQLite, naive in UTC
        "2023-01-10 17:00:00",  # SQLite, as text
    ],
)
def test_a_window_moment_read_in_sql_is_the_aware_moment_the_orm_gives(stored):
    assert _aware(stored) == datetime(2023, 1, 11, 0, 0, tzinfo=VN)
    assert _aware(None) is None
