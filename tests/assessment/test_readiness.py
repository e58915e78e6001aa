"""Readiness before the workflow's irreversible steps: what is not ready is listed, the step is confirmed,
and going ahead with gaps needs a stated reason, recorded with the step (issue 11, item 11)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from agencies.models import Period, PeriodState, PeriodTransition, Window, WindowKind
from agencies.workflow import TRANSITIONS, TransitionRefused, period_transition
from assessment.models import AssessmentItem, ItemStatus, Submission, SubmissionStatus
from assessment.readiness import CHECKS, period_readiness
from scoring.formats import criteria_set_from_document
from scoring.services import PublicationRefused, period_compute, snapshot_publish
from surveys.models import SurveyValue
from tests.documents import small_document
from tests.factories import AgencyFactory, BlockFactory, PeriodFactory, UserFactory
from tests.worlds import self_assessment_world

pytestmark = pytest.mark.django_db

S = PeriodState
SOURCE = {
    "open_self_assessment": S.DRAFT,
    "start_appraisal": S.SELF_ASSESSMENT,
    "open_explanation": S.APPRAISAL,
    "start_reappraisal": S.EXPLANATION,
    "send_to_council": S.REAPPRAISAL,
    "return_to_secretariat": S.COUNCIL,
    "approve": S.COUNCIL,
    "publish": S.APPROVED,
}
ROLE = {
    "open_self_assessment": "home_affairs",
    "start_appraisal": "home_affairs",
    "open_explanation": "lead",
    "start_reappraisal": "lead",
    "send_to_council": "lead",
    "return_to_secretariat": "council",
    "approve": "council",
    "publish": "home_affairs",
}
FINAL = {
    "1.1": {"points": "2"},
    "1.2": {"level": "dung_han"},
    "1.3": {"value": "0"},
    "2.1": {"value": "95"},
    "2.2": {"value": "80"},
}
WITH_GAPS = [name for name in TRANSITIONS if CHECKS[name]]


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def ready_world(state):
    """Both agencies submitted and signed off, every leaf appraised, survey values in, every window set
    (explanations closed yesterday), and the period in `state`: nothing is missing for any step."""
    world = self_assessment_world()
    now = timezone.now()
    for agency in (world.agency, world.other):
        Submission.objects.create(
            period=world.period,
            agency=agency,
            status=SubmissionStatus.SUBMITTED,
            submitted_at=now,
            signed_off_at=now,
        )
        for code, data in FINAL.items():
            AssessmentItem.objects.filter(agency=agency, node__code=code).update(
                self_input=data, appraised_input=data, status=ItemStatus.APPRAISED
            )
        SurveyValue.objects.create(agency=agency, node=world.item("2.3", agency).node, value=Decimal("0.9"))
    for kind in (WindowKind.APPRAISAL, WindowKind.EXPLANATION, WindowKind.REAPPRAISAL, WindowKind.COUNCIL):
        Window.objects.create(
            period=world.period, kind=kind, starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=1)
        )
    Period.objects.filter(pk=world.period.pk).update(state=state)
    world.period.refresh_from_db()
    return world


def bare_period(state, year=2040):
    """A criteria set and two agencies, nothing else: no account, submission, item, window or result."""
    period = PeriodFactory(year=year, state=state)
    block = BlockFactory(code=f"khoi-{year}")
    criteria_set_from_document(period=period, block=block, document=small_document())
    AgencyFactory(block=block, code=f"a-{year}", name="Sở Alpha")
    AgencyFactory(block=block, code=f"b-{year}", name="Sở Beta")
    return period


def user_for(name):
    role = {"lead": "secretariat_lead"}.get(ROLE[name], ROLE[name])
    return UserFactory(username=f"{role}-{name}", role=role)


@pytest.mark.parametrize("name", WITH_GAPS)
def test_a_step_with_gaps_and_no_reason_is_refused_and_changes_nothing(name):
    period = bare_period(SOURCE[name])
    assert not period_readiness(period=period, name=name).ready
    with pytest.raises(TransitionRefused, match="state the reason for going ahead"):
        period_transition(
            period=period, name=name, acting_user=user_for(name), confirmed=True, override_reason="  "
        )
    period.refresh_from_db()
    assert period.state == SOURCE[name] and not PeriodTransition.objects.filter(period=period).exists()
    assert not period.criteria_sets.filter(frozen_at__isnull=False).exists()


@pytest.mark.parametrize("name", TRANSITIONS)
def test_a_step_without_confirmation_is_refused(name):
    """Even when ready: the confirmation page (or --reason of the command) is the only way through."""
    world = ready_world(SOURCE[name])
    with pytest.raises(TransitionRefused, match="Confirm the step"):
        period_transition(
            period=world.period,
            name=name,
            acting_user=world.users[ROLE[name]],
            comment="Rà soát",
            override_reason="x",
        )
    world.period.refresh_from_db()
    assert world.period.state == SOURCE[name] and not PeriodTransition.objects.exists()


@pytest.mark.parametrize("name", WITH_GAPS)
def test_with_a_reason_the_step_proceeds_and_records_reason_and_gaps(name):
    period = bare_period(SOURCE[name])
    gaps = period_readiness(period=period, name=name).as_record()
    user = user_for(name)
    period_transition(
        period=period,
        name=name,
        acting_user=user,
        confirmed=True,
        override_reason=" Quyết định của Chủ tịch ",
    )
    record = PeriodTransition.objects.get(period=period)
    assert (record.name, record.source, record.by) == (name, SOURCE[name], user)
    assert record.override_reason == "Quyết định của Chủ tịch"
    assert record.readiness == gaps and record.readiness


@pytest.mark.parametrize("name", TRANSITIONS)
def test_when_everything_is_ready_a_confirmation_suffices(name):
    world = ready_world(SOURCE[name])
    snapshot = period_compute(period=world.period) if name == "publish" else None
    readiness = period_readiness(period=world.period, name=name, snapshot=snapshot)
    assert readiness.ready, readiness.summary()
    period_transition(
        period=world.period,
        name=name,
        acting_user=world.users[ROLE[name]],
        comment="Rà soát lĩnh vực 2",
        confirmed=True,
        snapshot=snapshot,
    )
    record = PeriodTransition.objects.get(period=world.period)
    assert record.readiness == [] and record.override_reason == ""


def test_the_lists_name_the_agencies_with_links_and_counts():
    world = self_assessment_world()
    now = timezone.now()
    Submission.objects.create(
        period=world.period, agency=world.agency, status=SubmissionStatus.SUBMITTED, submitted_at=now
    )
    gaps = {gap.code: gap for gap in period_readiness(period=world.period, name="start_appraisal").gaps}
    assert set(gaps) == {"not_submitted", "not_signed_off", "window_missing"}
    assert [(e.label, e.url) for e in gaps["not_submitted"].entries] == [
        ("Sở B", reverse("assessment:page", args=[world.period.code, "so-b"]))
    ]
    assert gaps["not_signed_off"].count == 1 and gaps["not_signed_off"].entries[0].label == "Sở A"
    assert gaps["window_missing"].entries[0].label == "Appraisal"
    Submission.objects.filter(agency=world.agency).update(signed_off_at=now)
    codes = [gap.code for gap in period_readiness(period=world.period, name="start_appraisal").gaps]
    assert codes == ["not_submitted", "window_missing"]

    AssessmentItem.objects.filter(agency=world.agency, node__code="1.1").update(
        appraised_input={"points": "1"}
    )
    AssessmentItem.objects.filter(agency=world.agency, node__code="1.2").update(applicable=False)
    gap = period_readiness(period=world.period, name="open_explanation").gaps[0]
    assert gap.code == "not_appraised" and gap.count == 3 + 5  # Sở A: 1.3, 2.1, 2.2; Sở B: all five
    assert [(e.label, e.count) for e in gap.entries] == [("Sở A", 3), ("Sở B", 5)]
    assert gap.entries[0].url.endswith("?agency=so-a")


def test_an_agency_that_never_opened_its_page_misses_every_leaf():
    period = bare_period(S.APPRAISAL)
    gap = period_readiness(period=period, name="open_explanation").gaps[0]
    assert (gap.code, gap.count, [e.count for e in gap.entries]) == ("not_appraised", 10, [5, 5])


def test_the_explanation_window_still_open_is_a_gap_until_it_closes():
    world = ready_world(S.EXPLANATION)
    window = Window.objects.get(period=world.period, kind=WindowKind.EXPLANATION)
    window.ends_at = timezone.now() + timedelta(hours=2)
    window.save()
    gaps = period_readiness(period=world.period, name="start_reappraisal").gaps
    assert [gap.code for gap in gaps] == ["explanation_open"]
    window.ends_at = timezone.now() - timedelta(seconds=1)
    window.save()
    assert period_readiness(period=world.period, name="start_reappraisal").ready


def test_explained_items_wait_for_their_reappraisal():
    world = ready_world(S.REAPPRAISAL)
    item = world.item("1.1")
    AssessmentItem.objects.filter(pk=item.pk).update(status=ItemStatus.DISPUTED, explanation="Đã ban hành")
    gaps = period_readiness(period=world.period, name="send_to_council").gaps
    assert [(g.code, g.count, g.entries[0].label) for g in gaps] == [("disputed", 1, "Sở A")]
    AssessmentItem.objects.filter(pk=item.pk).update(
        status=ItemStatus.REAPPRAISED, reappraised_input={"points": "2"}
    )
    assert period_readiness(period=world.period, name="send_to_council").ready


def test_survey_values_are_needed_unless_the_leaf_is_not_applicable():
    world = ready_world(S.COUNCIL)
    SurveyValue.objects.filter(agency=world.other).delete()
    gaps = period_readiness(period=world.period, name="approve").gaps
    assert [(g.code, g.count, g.entries[0].label) for g in gaps] == [("survey_missing", 1, "Sở B")]
    AssessmentItem.objects.filter(agency=world.other, node__code="2.3").update(applicable=False)
    assert period_readiness(period=world.period, name="approve").ready


def test_publication_needs_results_computed_from_todays_inputs():
    world = ready_world(S.APPROVED)
    assert [g.code for g in period_readiness(period=world.period, name="publish").gaps] == ["no_snapshot"]
    first = period_compute(period=world.period)
    assert period_readiness(period=world.period, name="publish").ready
    AssessmentItem.objects.filter(agency=world.agency, node__code="1.1").update(
        appraised_input={"points": "1"}
    )
    stale = period_readiness(period=world.period, name="publish", snapshot=first).gaps
    assert [(g.code, g.entries[0].label) for g in stale] == [("snapshot_stale", "Version 1")]
    second = period_compute(period=world.period)
    assert period_readiness(period=world.period, name="publish", snapshot=second).ready
    with pytest.raises(PublicationRefused, match="Not everything is ready"):
        snapshot_publish(snapshot=first, acting_user=world.users["home_affairs"], confirmed=True)
    assert not world.period.snapshots.filter(is_published=True).exists()


@pytest.mark.parametrize("name", TRANSITIONS)
def test_readiness_reads_in_a_bounded_number_of_queries(name, django_assert_max_num_queries):
    """Two agencies or forty: the same number of queries for each step's list."""
    small = bare_period(SOURCE[name], year=2050)
    with CaptureQueriesContext(connection) as few:
        period_readiness(period=small, name=name)
    large = bare_period(SOURCE[name], year=2051)
    AgencyFactory.create_batch(38, block=large.criteria_sets.get().block)
    with django_assert_max_num_queries(len(few.captured_queries)):
        gaps = period_readiness(period=large, name=name).gaps
    with django_assert_max_num_queries(12):
        period_readiness(period=large, name=name)
    for gap in gaps:
        assert len(gap.entries) <= 20


# The pages -------------------------------------------------------------------------------------------


def test_the_review_page_leads_to_the_confirmation_page(client):
    world = self_assessment_world()
    client.force_login(world.users["home_affairs"])
    html = client.get(reverse("appraisal:review", args=[world.period.code])).content.decode()
    url = reverse("appraisal:transition", args=[world.period.code, "start_appraisal"])
    assert f'href="{url}"' in html and f'action="{url}"' not in html
    page = client.get(url).content.decode()
    assert "Not everything is ready for this step." in page
    assert "Agencies that have not submitted their self-assessment" in page
    assert f'href="{reverse("assessment:page", args=[world.period.code, "so-a"])}"' in page
    assert 'name="override_reason"' in page and 'name="confirm" value="1"' in page
    assert "onclick" not in page and "<script>" not in page and "style=" not in page.split("<main", 1)[1]


def test_the_page_refuses_gaps_without_a_reason_then_records_the_reason(client):
    world = self_assessment_world()
    client.force_login(world.users["home_affairs"])
    url = reverse("appraisal:transition", args=[world.period.code, "start_appraisal"])
    refused = client.post(url, {"confirm": "1", "override_reason": ""})
    assert refused.status_code == 200 and "state the reason for going ahead" in refused.content.decode()
    assert "Agencies that have not submitted" in refused.content.decode()
    assert Period.objects.get(pk=world.period.pk).state == S.SELF_ASSESSMENT
    unconfirmed = client.post(url, {"override_reason": "Hết hạn"}, follow=True)
    assert "Confirm the step" in unconfirmed.content.decode()
    assert Period.objects.get(pk=world.period.pk).state == S.SELF_ASSESSMENT
    done = client.post(url, {"confirm": "1", "override_reason": "Hết hạn nộp theo Kế hoạch 12"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("appraisal:review", args=[world.period.code])
    assert Period.objects.get(pk=world.period.pk).state == S.APPRAISAL
    record = PeriodTransition.objects.get(period=world.period)
    assert record.override_reason == "Hết hạn nộp theo Kế hoạch 12"
    assert [g["code"] for g in record.readiness] == ["not_submitted", "window_missing"]
    assert record.readiness[0]["names"] == ["Sở A", "Sở B"] and record.readiness[0]["count"] == 2
    assert "Hết hạn nộp theo Kế hoạch 12" in done.content.decode()  # the history shows it


def test_when_ready_the_page_asks_only_for_confirmation(client):
    world = ready_world(S.SELF_ASSESSMENT)
    client.force_login(world.users["home_affairs"])
    url = reverse("appraisal:transition", args=[world.period.code, "start_appraisal"])
    page = client.get(url).content.decode()
    assert "Everything checked is ready" in page and 'name="override_reason"' not in page
    client.post(url, {"confirm": "1"})
    assert Period.objects.get(pk=world.period.pk).state == S.APPRAISAL


def test_a_step_not_open_to_the_user_has_no_confirmation_page(client):
    world = self_assessment_world()
    client.force_login(world.users["council"])
    url = reverse("appraisal:transition", args=[world.period.code, "start_appraisal"])
    assert client.get(url).status_code == 302
    client.post(url, {"confirm": "1", "override_reason": "x"})
    assert Period.objects.get(pk=world.period.pk).state == S.SELF_ASSESSMENT
    assert client.get(reverse("appraisal:transition", args=[world.period.code, "nope"])).status_code == 404


def test_publishing_from_the_page_goes_through_the_confirmation(client):
    world = ready_world(S.APPROVED)
    snapshot = period_compute(period=world.period)
    AssessmentItem.objects.filter(agency=world.agency, node__code="1.1").update(
        appraised_input={"points": "1"}
    )
    client.force_login(world.users["home_affairs"])
    url = reverse("results:publish", args=[world.period.code])
    form = client.get(url).content.decode()
    assert "onclick" not in form and "Publication note (optional" in form
    page = client.post(url, {"version": snapshot.version, "reason": "Theo Quyết định 123"}).content.decode()
    assert "Confirm the publication" in page and "computed before the latest change" in page
    assert 'name="override_reason"' in page and 'value="Theo Quyết định 123"' in page
    snapshot.refresh_from_db()
    assert not snapshot.is_published
    refused = client.post(url, {"version": snapshot.version, "reason": "Theo Quyết định 123", "confirm": "1"})
    assert "state the reason for going ahead" in refused.content.decode()
    snapshot.refresh_from_db()
    assert not snapshot.is_published
    client.post(
        url,
        {
            "version": snapshot.version,
            "reason": "Theo Quyết định 123",
            "confirm": "1",
            "override_reason": "Điểm 1.1 sửa sau phê duyệt, công bố theo bản Hội đồng",
        },
    )
    snapshot.refresh_from_db()
    assert snapshot.is_published and snapshot.publication_note == "Theo Quyết định 123"
    assert snapshot.correction_reason == ""
    record = PeriodTransition.objects.get(period=world.period, name="publish")
    assert record.override_reason.startswith("Điểm 1.1") and record.readiness[0]["code"] == "snapshot_stale"


def test_a_ready_publication_needs_only_the_confirmation(client):
    world = ready_world(S.APPROVED)
    snapshot = period_compute(period=world.period)
    client.force_login(world.users["home_affairs"])
    url = reverse("results:publish", args=[world.period.code])
    page = client.post(url, {"version": snapshot.version}).content.decode()
    assert "Everything checked is ready" in page and 'name="override_reason"' not in page
    client.post(url, {"version": snapshot.version, "confirm": "1"})
    snapshot.refresh_from_db()
    assert snapshot.is_published


def test_the_first_publication_is_published_not_corrected(client):
    world = ready_world(S.APPROVED)
    first = snapshot_publish(
        snapshot=period_compute(period=world.period),
        acting_user=world.users["home_affairs"],
        note="Kết quả theo Quyết định 456/QĐ-UBND",
        confirmed=True,
    )
    assert first.publication_note == "Kết quả theo Quyết định 456/QĐ-UBND" and first.correction_reason == ""
    assert PeriodTransition.objects.get(name="publish").comment == "Kết quả theo Quyết định 456/QĐ-UBND"
    ranking = client.get(reverse("public:ranking", args=[world.period.code])).content.decode()
    assert "Corrected results." not in ranking and "Kết quả theo Quyết định 456/QĐ-UBND" in ranking
    data = client.get(reverse("public:data", args=[world.period.code])).content.decode()
    assert "Publication note" in data and "Reason for the correction" not in data
    with translation.override("vi"):
        client.cookies["django_language"] = "vi"
        assert (
            "Kết quả đã đính chính"
            not in client.get(reverse("public:ranking", args=[world.period.code])).content.decode()
        )

    AssessmentItem.objects.filter(agency=world.agency, node__code="1.1").update(
        appraised_input={"points": "1"}
    )
    corrected = snapshot_publish(
        snapshot=period_compute(period=world.period),
        acting_user=world.users["home_affairs"],
        reason="Sửa điểm tiêu chí 1.1 của Sở A",
        confirmed=True,
    )
    assert (
        corrected.correction_reason == "Sửa điểm tiêu chí 1.1 của Sở A" and corrected.publication_note == ""
    )
    client.cookies["django_language"] = "en"
    ranking = client.get(reverse("public:ranking", args=[world.period.code])).content.decode()
    assert "Corrected results." in ranking and "Sửa điểm tiêu chí 1.1 của Sở A" in ranking
    staff = client.get(reverse("results:publish", args=[world.period.code]))
    assert staff.status_code == 302  # not logged in
    client.force_login(world.users["home_affairs"])
    staff = client.get(reverse("results:publish", args=[world.period.code])).content.decode()
    assert staff.count(">Correction<") == 1 and "Kết quả theo Quyết định 456/QĐ-UBND" in staff


def test_a_correction_needs_confirmation_too():
    world = ready_world(S.APPROVED)
    user = world.users["home_affairs"]
    snapshot_publish(snapshot=period_compute(period=world.period), acting_user=user, confirmed=True)
    second = period_compute(period=world.period)
    with pytest.raises(PublicationRefused, match="Confirm the publication"):
        snapshot_publish(snapshot=second, acting_user=user, reason="Sửa lỗi")
    second.refresh_from_db()
    assert not second.is_published


def test_the_command_needs_a_reason_when_not_ready(capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    world = ready_world(S.APPROVED)
    snapshot = period_compute(period=world.period)
    SurveyValue.objects.filter(agency=world.other).delete()
    with pytest.raises(CommandError, match="give --reason"):
        call_command("publish_results", "--period", world.period.code, "--user", "home_affairs")
    assert "Survey criteria without a survey value: 1 (Sở B)" in capsys.readouterr().out
    snapshot.refresh_from_db()
    assert not snapshot.is_published
    call_command(
        "publish_results",
        "--period",
        world.period.code,
        "--user",
        "home_affairs",
        "--reason",
        "Khảo sát bổ sung",
    )
    snapshot.refresh_from_db()
    record = PeriodTransition.objects.get(name="publish")
    assert snapshot.is_published and snapshot.correction_reason == "" and snapshot.publication_note == ""
    assert record.override_reason == "Khảo sát bổ sung"
    assert {g["code"] for g in record.readiness} == {"survey_missing", "snapshot_stale"}
