"""Issue 11, items 1–6: every path follows the one workflow policy (agencies/policy.py)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from agencies.models import Period, PeriodState, Window, WindowKind
from agencies.workflow import period_transition
from assessment import appraisal
from assessment.models import AppraisalAssignment, ItemStatus, SecondAppraisal, Submission
from assessment.services import (
    AssessmentRefused,
    assessment_reopen,
    assessment_sign_off,
    assessment_submit,
    item_self_score,
)
from evidence.models import EvidenceFile
from evidence.services import evidence_attach
from surveys.models import Response, SurveyValue
from surveys.services import response_enter, survey_values_refresh
from tests.evidence.factories import pdf_bytes
from tests.factories import PeriodFactory
from tests.public.builders import NOT_READY
from tests.surveys.factories import make_survey, respond
from tests.worlds import self_assessment_world

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


def api_for(user, settings):
    api = APIClient()
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    api.force_authenticate(user)
    return api


def set_state(period: Period, state: str) -> None:
    Period.objects.filter(pk=period.pk).update(state=state)
    period.refresh_from_db()


def submitted_round(world):
    """Agency A self-assessed and submitted; B never submitted; the period in appraisal."""
    focal = world.users["focal"]
    for code, data in SELF.items():
        item = world.item(code)
        item_self_score(item=item, acting_user=focal, expected_version=item.version, data=data)
    assessment_submit(
        period=world.period, agency=world.agency, acting_user=focal, explanation="Không có văn bản"
    )
    period_transition(
        period=world.period,
        name="start_appraisal",
        acting_user=world.users["home_affairs"],
        confirmed=True,
        override_reason=NOT_READY,
    )
    world.period.refresh_from_db()
    return world


# --- 1. self-assessment and evidence after the period left self-assessment ------------------------


@pytest.mark.parametrize("state", [PeriodState.APPRAISAL, PeriodState.COUNCIL, PeriodState.APPROVED])
def test_an_unsubmitted_agency_cannot_save_scores_once_self_assessment_is_over(
    client, world, settings, state
):
    """The window is still open and nothing is locked; only the period's state closes it."""
    set_state(world.period, state)
    item = world.item("1.1", world.other)
    focal = world.users["other_focal"]
    client.force_login(focal)
    url = reverse("assessment:item_save", args=[world.period.code, world.other.code, item.pk])
    html = client.post(url, {"version": item.version, "points": "2"}).content.decode()
    assert "cannot be changed" in html or "approved" in html
    api = api_for(focal, settings)
    answer = api.patch(
        f"/api/v1/assessment/items/{item.pk}/",
        {"version": item.version, "input": {"points": "2"}},
        format="json",
    )
    assert answer.status_code == 400 and answer.json()["detail"]
    item.refresh_from_db()
    assert item.self_input is None and item.version == 1
    page = client.get(reverse("assessment:page", args=[world.period.code, world.other.code])).content
    page = page.decode()
    assert "Read only." in page and "In progress" not in page
    with pytest.raises(ValidationError, match="cannot be changed|approved"):
        evidence_attach(item=item, uploaded_file=SimpleUploadedFile("a.pdf", pdf_bytes()), acting_user=focal)


def test_self_assessment_still_saves_while_the_period_is_in_self_assessment(client, world):
    item = world.item("1.1", world.other)
    client.force_login(world.users["other_focal"])
    url = reverse("assessment:item_save", args=[world.period.code, world.other.code, item.pk])
    client.post(url, {"version": item.version, "points": "2"})
    item.refresh_from_db()
    assert item.self_input == {"points": "2"}


# --- 2. the evidence library upload (no item) ------------------------------------------------------


def test_a_library_upload_is_refused_when_no_period_takes_evidence(world, settings):
    api = api_for(world.users["focal"], settings)
    set_state(world.period, PeriodState.APPRAISAL)
    refused = api.post("/api/v1/evidence/files/", {"file": SimpleUploadedFile("a.pdf", pdf_bytes())})
    assert refused.status_code == 403 and "evidence" in refused.json()["detail"].lower()
    assert not EvidenceFile.objects.exists()
    set_state(world.period, PeriodState.SELF_ASSESSMENT)
    stored = api.post("/api/v1/evidence/files/", {"file": SimpleUploadedFile("a.pdf", pdf_bytes())})
    assert stored.status_code == 201 and EvidenceFile.objects.count() == 1


def test_a_library_upload_is_refused_after_the_window_closed(world, settings):
    Window.objects.filter(pk=world.window.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
    api = api_for(world.users["focal"], settings)
    refused = api.post("/api/v1/evidence/files/", {"file": SimpleUploadedFile("a.pdf", pdf_bytes())})
    assert refused.status_code == 403 and not EvidenceFile.objects.exists()


# --- 3. surveys freeze at approval -----------------------------------------------------------------


@pytest.fixture
def approved_survey(db):
    survey = make_survey()
    respond(survey.questionnaire, "r1", "hdnd", survey.a, q1="1", q2="2")
    survey_values_refresh(period=survey.period)
    set_state(survey.period, PeriodState.APPROVED)
    return survey


def test_survey_entry_is_refused_on_an_approved_period(client, approved_survey):
    from tests.factories import UserFactory

    survey = approved_survey
    operator = UserFactory(username="buu-dien", role="survey_operator")
    group = survey.questionnaire.groups.get(code="hdnd")
    with pytest.raises(ValidationError, match="approved"):
        response_enter(
            questionnaire=survey.questionnaire,
            serial="r9",
            group=group,
            agency=survey.a,
            answers={},
            acting_user=operator,
        )
    client.force_login(operator)
    answer = client.post(reverse("surveys:entry", args=[survey.questionnaire.pk]), {"serial": "r9"})
    assert answer.status_code == 409 and "approved" in answer.content.decode()
    assert Response.objects.count() == 1


def test_survey_values_do_not_refresh_on_an_approved_period(approved_survey):
    before = list(SurveyValue.objects.values_list("pk", "value", "updated_at"))
    respond(approved_survey.questionnaire, "r2", "hdnd", approved_survey.a, q1="4", q2="4")
    with pytest.raises(ValidationError, match="approved"):
        survey_values_refresh(period=approved_survey.period)
    assert list(SurveyValue.objects.values_list("pk", "value", "updated_at")) == before


def test_a_survey_import_is_refused_on_an_approved_period(approved_survey):
    from surveys.jobs import import_job_start

    with pytest.raises(ValidationError, match="approved"):
        import_job_start(
            questionnaire=approved_survey.questionnaire,
            upload=SimpleUploadedFile("phieu.csv", b"serial\n"),
        )


# --- 4. the agency's item history hides the appraisal until the explanation round ----------------


def test_the_agency_history_hides_the_appraisal_until_the_explanation_round(client, world):
    submitted_round(world)
    appraisal.assignments_replace(
        period=world.period, cells={(None, ""): world.users["appraiser"].pk}, acting_user=world.users["lead"]
    )
    item = world.item("1.1")
    appraisal.item_appraise(
        item=item, acting_user=world.users["appraiser"], expected_version=item.version,
        data={"points": "1"}, comment="Kế hoạch ban hành muộn",
    )  # fmt: skip
    client.force_login(world.users["focal"])
    url = reverse("assessment:item_history", args=[world.period.code, world.agency.code, item.pk])
    html = client.get(url).content.decode()
    assert client.get(url).status_code == 200
    assert "Kế hoạch ban hành muộn" not in html and "appraiser" not in html
    set_state(world.period, PeriodState.EXPLANATION)
    html = client.get(url).content.decode()
    assert "Kế hoạch ban hành muộn" in html


# --- 5. the blind second appraisal -----------------------------------------------------------------


@pytest.fixture
def double_round(world):
    submitted_round(world)
    from tests.factories import UserFactory

    second = UserFactory(username="appraiser2", role="appraiser")
    appraisal.assignments_replace(
        period=world.period,
        cells={(None, ""): world.users["appraiser"].pk},
        seconds={(None, ""): second.pk},
        acting_user=world.users["lead"],
    )
    item = world.item("1.1")
    appraisal.item_appraise(
        item=item, acting_user=world.users["appraiser"], expected_version=item.version,
        data={"points": "1"}, comment="Thiếu văn bản số 12",
    )  # fmt: skip
    world.users["second"] = second
    return world


def test_the_assignment_grid_saves_second_appraisers(client, world):
    set_state(world.period, PeriodState.APPRAISAL)
    from tests.factories import UserFactory

    second = UserFactory(username="appraiser2", role="appraiser")
    client.force_login(world.users["lead"])
    client.post(
        reverse("appraisal:assignments", args=[world.period.code]),
        {"cell-all-all": str(world.users["appraiser"].pk), "second-all-all": str(second.pk)},
    )
    assignment = AppraisalAssignment.objects.get(period=world.period)
    assert (assignment.appraiser, assignment.second_appraiser) == (world.users["appraiser"], second)


def test_the_second_appraiser_never_sees_the_first_appraisal(client, double_round, settings):
    world = double_round
    item = world.item("1.1")
    second = world.users["second"]
    assert appraisal.appraiser_role(second, item, world.period) == "second"
    client.force_login(second)
    html = client.get(reverse("appraisal:item", args=[world.period.code, item.pk])).content.decode()
    assert "Thiếu văn bản số 12" not in html and ">appraiser<" not in html
    api = api_for(second, settings)
    data = api.get(f"/api/v1/assessment/appraisal/{world.period.code}/items/{item.pk}/").json()
    assert data["appraised_input"] is None and data["appraisal_comment"] == ""
    listed = api.get(f"/api/v1/assessment/appraisal/{world.period.code}/items/").json()["results"]
    assert all(row["appraisal_comment"] == "" for row in listed)
    # The second appraisal itself saves and stays beside the item, against the version it is shown (its own,
    # which the first appraisal did not move).
    assert data["version"] == 0
    client.post(
        reverse("appraisal:item", args=[world.period.code, item.pk]),
        {"version": data["version"], "points": "2"},
    )
    assert SecondAppraisal.objects.get(item=item).appraised_input == {"points": "2"}
    assert world.item("1.1").status == ItemStatus.APPRAISED


# --- 6. appraiser scope is per period --------------------------------------------------------------


def test_an_earlier_assignment_gives_no_access_to_a_later_period(world, client, settings):
    earlier = PeriodFactory(year=2025, state=PeriodState.APPROVED)
    AppraisalAssignment.objects.create(period=earlier, appraiser=world.users["appraiser"])
    item = world.item("1.1")
    evidence = evidence_attach(
        item=item, uploaded_file=SimpleUploadedFile("a.pdf", pdf_bytes()), acting_user=world.users["focal"]
    )
    api = api_for(world.users["appraiser"], settings)
    assert api.get("/api/v1/assessment/items/").json()["results"] == []
    assert api.get(f"/api/v1/assessment/items/{item.pk}/").status_code == 404
    assert api.get(f"/api/v1/evidence/files/{evidence.pk}/").status_code == 404
    client.force_login(world.users["appraiser"])
    assert client.get(reverse("evidence:download", args=[evidence.pk])).status_code == 404
    page = reverse("assessment:page", args=[world.period.code, world.agency.code])
    assert client.get(page).status_code == 404
    # Assigned in this period: readable.
    AppraisalAssignment.objects.create(period=world.period, appraiser=world.users["appraiser"])
    assert api.get(f"/api/v1/assessment/items/{item.pk}/").status_code == 200
    assert client.get(reverse("evidence:download", args=[evidence.pk])).status_code == 200


def test_window_kind_is_checked_for_explanation_evidence(world):
    """Boundary: in the explanation round an appraised item takes evidence again."""
    submitted_round(world)
    appraisal.assignments_replace(
        period=world.period, cells={(None, ""): world.users["appraiser"].pk}, acting_user=world.users["lead"]
    )
    item = world.item("1.1")
    appraisal.item_appraise(
        item=item, acting_user=world.users["appraiser"], expected_version=item.version,
        data={"points": "1"}, comment="Thiếu",
    )  # fmt: skip
    set_state(world.period, PeriodState.EXPLANATION)
    assert not Window.objects.filter(kind=WindowKind.EXPLANATION).exists()
    evidence_attach(
        item=world.item("1.1"),
        uploaded_file=SimpleUploadedFile("b.pdf", pdf_bytes("b")),
        acting_user=world.users["focal"],
    )
    assert EvidenceFile.objects.count() == 1


# --- sign-off and reopening follow the policy's SIGN_OFF and REOPEN tables --------------------------


def submitted(world):
    focal = world.users["focal"]
    for code, data in SELF.items():
        item = world.item(code)
        item_self_score(item=item, acting_user=focal, expected_version=item.version, data=data)
    return assessment_submit(
        period=world.period, agency=world.agency, acting_user=focal, explanation="Không có"
    )


def test_the_head_signs_off_until_approval_and_not_after(world):
    """Sign-off is open in every state before approval (the last one, council, included)."""
    submitted(world)
    set_state(world.period, PeriodState.COUNCIL)
    signed = assessment_sign_off(period=world.period, agency=world.agency, acting_user=world.users["head"])
    assert signed.signed_off_by == world.users["head"]
    set_state(world.period, PeriodState.APPROVED)
    with pytest.raises(AssessmentRefused, match="are approved: its inputs can no longer change"):
        assessment_sign_off(period=world.period, agency=world.agency, acting_user=world.users["head"])


def test_home_affairs_reopens_only_during_self_assessment(world):
    submitted(world)
    set_state(world.period, PeriodState.APPRAISAL)
    with pytest.raises(AssessmentRefused, match="cannot be changed while the period is in the state"):
        assessment_reopen(
            period=world.period, agency=world.agency, acting_user=world.users["home_affairs"], reason="x"
        )
    assert Submission.objects.get(period=world.period, agency=world.agency).locked
    set_state(world.period, PeriodState.SELF_ASSESSMENT)
    reopened = assessment_reopen(
        period=world.period,
        agency=world.agency,
        acting_user=world.users["home_affairs"],
        reason="Thiếu hồ sơ",
    )
    assert not reopened.locked
