"""The home page of each role answers "what must I do now" (issue 14): open windows with their countdown,
the agency's progress with what is missing as links, items waiting (appraise, explain, sign off, approve),
the next workflow step, jobs running; each in a bounded number of queries. Home Affairs' period page
shows the workflow as a timeline with the next step, its readiness and its button."""

from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from agencies.models import PeriodState, Window, WindowKind
from agencies.workflow import period_transition
from assessment import appraisal
from assessment.models import AssessmentItem, ItemStatus, Submission
from assessment.services import assessment_submit, item_self_score, items_ensure
from scoring.models import ComputeJob, Source
from tests.factories import AgencyFactory
from tests.worlds import self_assessment_world
from web.home import home_for, time_left

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


@pytest.fixture
def world(db):
    return self_assessment_world()


def score_all(world, agency=None, focal="focal"):
    agency = agency or world.agency
    for code, data in SELF.items():
        item = world.item(code, agency)
        item_self_score(item=item, acting_user=world.users[focal], expected_version=item.version, data=data)


def home_html(client, user, budget, django_assert_max_num_queries) -> str:
    client.force_login(user)
    with django_assert_max_num_queries(budget):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_time_left_counts_days_hours_and_minutes():
    """The countdown in words, at its boundaries."""
    now = datetime(2026, 1, 1, 12, 0, tzinfo=ZoneInfo("UTC"))
    assert time_left(now + timedelta(days=3, hours=4, minutes=59), now) == "3 days 4 hours left"
    assert time_left(now + timedelta(days=1), now) == "1 day left"
    assert time_left(now + timedelta(hours=1), now) == "1 hour left"
    assert time_left(now + timedelta(minutes=59, seconds=59), now) == "59 minutes left"
    assert time_left(now + timedelta(seconds=20), now) == "1 minute left"
    assert time_left(now, now) == "closed"


def test_the_countdown_reads_in_vietnamese():
    now = datetime(2026, 1, 1, 12, 0, tzinfo=ZoneInfo("UTC"))
    with translation.override("vi"):
        text = time_left(now + timedelta(days=2, hours=5), now)
        assert text == translation.gettext("%(time)s left") % {
            "time": translation.ngettext("%(n)d day", "%(n)d days", 2) % {"n": 2}
            + " "
            + translation.ngettext("%(n)d hour", "%(n)d hours", 5) % {"n": 5}
        }


def test_the_focal_points_home_links_to_the_open_self_assessment_and_lists_what_is_missing(
    client, world, django_assert_max_num_queries
):
    """Before anything is scored (the page never opened), every leaf is missing, each a link to its place."""
    html = home_html(client, world.users["focal"], 16, django_assert_max_num_queries)
    page = reverse("assessment:page", args=[world.period.code, world.agency.code])
    assert f'href="{page}"' in html
    # The small set's self-scored leaves: 1.1, 1.2, 1.3, 2.1, 2.2 (2.3 is the survey's).
    for code in ("1.1", "1.2", "1.3", "2.1", "2.2"):
        assert f'href="{page}#node-{code}"' in html
    assert "#node-2.3" not in html
    assert "0 of 5 criteria scored" in html
    assert "5 criteria are still to be scored, then submit." in html
    # The window with its deadline and time left.
    assert "Self-assessment and evidence upload" in html and "left" in html


def test_the_focal_points_progress_follows_scoring_and_submission(
    client, world, django_assert_max_num_queries
):
    item = world.item("1.1")
    item_self_score(
        item=item, acting_user=world.users["focal"], expected_version=item.version, data={"points": "1"}
    )
    html = home_html(client, world.users["focal"], 16, django_assert_max_num_queries)
    assert "1 of 5 criteria scored" in html and "#node-1.1" not in html and "#node-1.2" in html
    score_all(world)
    assessment_submit(
        period=world.period, agency=world.agency, acting_user=world.users["focal"], explanation="x"
    )
    html = home_html(client, world.users["focal"], 16, django_assert_max_num_queries)
    assert "Submitted at" in html and "waiting for the head" in html
    assert "still to be scored" not in html


def test_the_heads_home_asks_for_the_sign_off_once_submitted(client, world, django_assert_max_num_queries):
    head = world.users["head"]
    assert "waits for your sign-off" not in home_html(client, head, 16, django_assert_max_num_queries)
    score_all(world)
    assessment_submit(
        period=world.period, agency=world.agency, acting_user=world.users["focal"], explanation="x"
    )
    html = home_html(client, head, 16, django_assert_max_num_queries)
    assert "the self-assessment was submitted and waits for your sign-off." in html
    assert reverse("assessment:page", args=[world.period.code, world.agency.code]) in html


def test_an_agency_user_sees_only_their_own_agency(client, world, django_assert_max_num_queries):
    score_all(world, world.other, "other_focal")
    html = home_html(client, world.users["focal"], 16, django_assert_max_num_queries)
    assert world.other.code not in html and "0 of 5 criteria scored" in html


def _in_appraisal(world):
    for agency, focal in ((world.agency, "focal"), (world.other, "other_focal")):
        score_all(world, agency, focal)
        assessment_submit(period=world.period, agency=agency, acting_user=world.users[focal], explanation="x")
    period_transition(
        period=world.period, name="start_appraisal", acting_user=world.users["home_affairs"], confirmed=True,
        override_reason="test",
    )  # fmt: skip


def test_an_appraiser_assigned_before_the_round_is_told_so_then_sees_what_waits(
    client, world, django_assert_max_num_queries
):
    appraisal.assignments_replace(
        period=world.period, cells={(None, "1"): world.users["appraiser"].pk}, acting_user=world.users["lead"]
    )
    html = home_html(client, world.users["appraiser"], 16, django_assert_max_num_queries)
    assert "6 criteria are assigned to you; you appraise them once the appraisal opens" in html
    _in_appraisal(world)
    html = home_html(client, world.users["appraiser"], 16, django_assert_max_num_queries)
    # Area 1 of two agencies: 3 leaves each.
    assert "6 criteria wait for your appraisal." in html
    assert reverse("appraisal:inbox", args=[world.period.code]) + "?status=submitted" in html
    assert "Appraisal" in html  # the window list has no appraisal window: nothing invented
    assert "No window is open for you." in html


def test_the_lead_is_asked_to_assign_appraisers_when_none_is(client, world, django_assert_max_num_queries):
    html = home_html(client, world.users["lead"], 18, django_assert_max_num_queries)
    assert "no appraiser is assigned yet." in html
    assert reverse("appraisal:assignments", args=[world.period.code]) in html


def test_the_council_is_asked_to_approve(client, world, django_assert_max_num_queries):
    _in_appraisal(world)
    period_transition(
        period=world.period,
        name="send_to_council",
        acting_user=world.users["lead"],
        confirmed=True,
        override_reason="t",
    )
    html = home_html(client, world.users["council"], 16, django_assert_max_num_queries)
    assert "next step: “Approve”" in html
    assert reverse("period", args=[world.period.code]) in html


def test_the_focal_point_is_asked_to_explain_in_the_explanation_round(
    client, world, django_assert_max_num_queries
):
    _in_appraisal(world)
    appraisal.assignments_replace(
        period=world.period, cells={(None, ""): world.users["appraiser"].pk}, acting_user=world.users["lead"]
    )
    item = world.item("1.1")
    appraisal.item_appraise(
        item=item, acting_user=world.users["appraiser"], expected_version=item.version, data={"points": "1"},
        comment="Thiếu kế hoạch",
    )  # fmt: skip
    period_transition(
        period=world.period,
        name="open_explanation",
        acting_user=world.users["lead"],
        confirmed=True,
        override_reason="t",
    )
    html = home_html(client, world.users["focal"], 16, django_assert_max_num_queries)
    assert "1 criterion has an appraiser's comment you may explain." in html
    assert reverse("appraisal:explain", args=[world.period.code]) in html


def test_the_explanation_task_counts_appraisers_comments_not_measured_data_sources(
    client, world, django_assert_max_num_queries
):
    """A measured criterion carries its data source as its appraisal note ("Số liệu đo lường: …"); the
    home page counted it as an appraiser's comment (the sample: 12 where the appraiser commented on 1)."""
    _in_appraisal(world)
    appraisal.assignments_replace(
        period=world.period, cells={(None, ""): world.users["appraiser"].pk}, acting_user=world.users["lead"]
    )
    item = world.item("1.1")
    appraisal.item_appraise(
        item=item, acting_user=world.users["appraiser"], expected_version=item.version, data={"points": "1"},
        comment="Thiếu kế hoạch",
    )  # fmt: skip
    measured = world.item("2.1")
    measured.node.source = Source.DATA
    measured.node.save()
    AssessmentItem.objects.filter(pk=measured.pk).update(
        status=ItemStatus.APPRAISED, appraisal_comment="Số liệu đo lường: Cổng Dịch vụ công, ngày 01/12/2026."
    )
    period_transition(
        period=world.period, name="open_explanation", acting_user=world.users["lead"], confirmed=True,
        override_reason="t",
    )  # fmt: skip
    html = home_html(client, world.users["focal"], 16, django_assert_max_num_queries)
    assert "1 criterion has an appraiser's comment you may explain." in html


def test_the_next_step_reads_without_brackets_after_a_period_name_ending_in_one(
    client, world, settings, django_assert_max_num_queries
):
    """A period named "… (minh hoạ)" read "Chỉ số CCHC năm 2026 (minh hoạ) (hiện tại: …)": the state
    in brackets after a name that may end in brackets. Both languages say it in one sentence."""
    world.period.name = "Chỉ số CCHC năm 2026 (minh hoạ)"
    world.period.save()
    html = home_html(client, world.users["home_affairs"], 22, django_assert_max_num_queries)
    assert (
        "Chỉ số CCHC năm 2026 (minh hoạ) is at the “Self-assessment” stage; next step: “Start the appraisal”."
        in html
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    html = home_html(client, world.users["home_affairs"], 22, django_assert_max_num_queries)
    assert "Chỉ số CCHC năm 2026 (minh hoạ) đang ở giai đoạn “Tự đánh giá”; bước tiếp theo:" in html
    assert ") (" not in html


def test_home_affairs_sees_the_submissions_the_next_step_and_jobs_running(
    client, world, django_assert_max_num_queries
):
    score_all(world)
    assessment_submit(
        period=world.period, agency=world.agency, acting_user=world.users["focal"], explanation="x"
    )
    ComputeJob.objects.create(period=world.period, status="running", progress=40)
    html = home_html(client, world.users["home_affairs"], 22, django_assert_max_num_queries)
    assert "1 of 2 agencies have submitted their self-assessment." in html
    assert "next step: “Start the appraisal”" in html
    assert reverse("period", args=[world.period.code]) in html
    assert "Jobs running" in html and 'data-width="40"' in html


def test_the_survey_operators_home_is_the_survey_desk(client, world):
    """The operator's fence sends the home to the surveys index, where their work is."""
    client.force_login(world.users["operator"])
    assert client.get(reverse("home"))["Location"] == reverse("surveys:index")
    assert home_for(world.users["operator"]).tasks == []


@pytest.mark.parametrize("role", ["home_affairs", "lead", "focal"])
def test_the_home_query_count_does_not_grow_with_agencies(client, world, role):
    """Ten more agencies, all submitted, change nothing in the number of queries of a home."""

    def queries() -> int:
        client.force_login(world.users[role])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("home")).status_code == 200
        return len(captured)

    before = queries()
    block = world.agency.block
    for number in range(10):
        agency = AgencyFactory(block=block, code=f"so-them-{number}")
        items_ensure(period=world.period, agency=agency)
        Submission.objects.create(period=world.period, agency=agency, status="submitted")
    assert queries() == before


def test_a_window_opening_later_is_announced_without_a_countdown(world):
    world.window.starts_at = timezone.now() + timedelta(days=2)
    world.window.ends_at = timezone.now() + timedelta(days=12)
    world.window.save()
    rows = home_for(world.users["focal"]).windows
    assert len(rows) == 1 and not rows[0].is_open and rows[0].left == ""


def test_a_window_of_a_round_already_passed_is_not_shown(world):
    now = timezone.now()
    Window.objects.create(
        period=world.period,
        kind=WindowKind.COUNCIL,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=1),
    )
    world.period.state = PeriodState.APPROVED
    world.period.save()
    assert home_for(world.users["council"]).windows == []


def test_the_period_page_shows_the_timeline_the_next_step_its_readiness_and_its_button(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.users["home_affairs"])
    url = reverse("period", args=[world.period.code])
    with django_assert_max_num_queries(20):
        html = client.get(url).content.decode()
    assert html.count('class="list-group-item timeline-done') == 1  # draft
    assert 'data-state="self_assessment" aria-current="step"' in html
    assert html.count("timeline-todo") == 6
    assert 'data-step="start_appraisal"' in html
    assert "Agencies that have not submitted their self-assessment" in html  # readiness
    confirm = reverse("appraisal:transition", args=[world.period.code, "start_appraisal"])
    assert f'href="{confirm}"' in html


def test_the_period_page_offers_no_button_to_a_role_that_does_not_take_the_step(client, world):
    client.force_login(world.users["lead"])
    html = client.get(reverse("period", args=[world.period.code])).content.decode()
    assert 'data-step="start_appraisal"' in html and "Another role takes this step." in html
    assert reverse("appraisal:transition", args=[world.period.code, "start_appraisal"]) not in html


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("home_affairs", 200),
        ("lead", 200),
        ("council", 200),
        ("appraiser", 404),
        ("focal", 404),
        ("head", 404),
    ],
)
def test_who_reads_the_period_page(client, world, role, status):
    client.force_login(world.users[role])
    assert client.get(reverse("period", args=[world.period.code])).status_code == status


def test_home_affairs_reaches_the_period_page_and_the_review_from_the_menu(client, world):
    client.force_login(world.users["home_affairs"])
    html = client.get(reverse("home")).content.decode()
    assert (
        f'href="{reverse("period_current")}"' in html
        and f'href="{reverse("period", args=[world.period.code])}"' in html
    )
    assert client.get(reverse("period_current"))["Location"] == reverse("period", args=[world.period.code])
    response = client.get(reverse("appraisal:index"))
    assert response["Location"] == reverse("appraisal:review", args=[world.period.code])


def test_the_menus_workflow_link_skips_approved_periods_and_is_hidden_from_others(client, world):
    from tests.factories import PeriodFactory

    PeriodFactory(year=2030, code="2030", state=PeriodState.APPROVED)
    client.force_login(world.users["home_affairs"])
    assert client.get(reverse("period_current"))["Location"] == reverse("period", args=[world.period.code])
    client.force_login(world.users["focal"])
    assert reverse("period_current") not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("period_current")).status_code == 404


@pytest.mark.parametrize(("role", "linked"), [("home_affairs", True), ("focal", False), ("council", False)])
def test_the_api_clients_page_is_reached_from_home_affairs_home_only(world, role, linked):
    """Home Affairs issues the API tokens: its home links to that page; no other role's home does."""
    links = [link.url for link in home_for(world.users[role]).links]
    assert (reverse("api-clients:list") in links) is linked


def test_a_deadline_at_midnight_reads_24_00_of_its_last_day_with_the_time_zone(client, world):
    """A window whose last day is 10/01 ends at 00:00 on 11/01 (“24:00 10/01”, as the period's decision
    and the refusal messages write it); the home page, the self-assessment page and the period page wrote
    “00:00 11/01”, a day later than the official wording at a glance, and none said which clock it is."""
    last_day = timezone.localdate() + timedelta(days=3)
    world.window.ends_at = timezone.make_aware(
        datetime.combine(last_day + timedelta(days=1), datetime.min.time())
    )
    world.window.save()
    day = f"{last_day:%d/%m/%Y}"
    next_day = f"{last_day + timedelta(days=1):%d/%m/%Y}"
    client.cookies["django_language"] = "vi"
    with translation.override("vi"):
        pages = {
            "focal": [
                reverse("home"),
                reverse("assessment:page", args=[world.period.code, world.agency.code]),
            ],
            "home_affairs": [reverse("home"), reverse("period", args=[world.period.code])],
        }
        for user, urls in pages.items():
            client.force_login(world.users[user])
            for url in urls:
                html = unescape(client.get(url).content.decode())
                assert f"24:00 {day} (UTC+7)" in html, (user, url)
                assert f"00:00 {next_day}" not in html, (user, url)
