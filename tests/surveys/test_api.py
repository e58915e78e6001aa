"""Survey API: the same people as the pages; a response file is imported whole or refused with every
problem (400), aggregated values and SIPAS per agency are listed, and the schema has no warnings."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import include, path
from django.utils import translation
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from accounts.models import Role
from surveys.models import Response
from surveys.services import survey_values_refresh
from tests.factories import UserFactory

from .factories import make_survey, respond
from .test_imports import GOOD, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def survey():
    return make_survey()


def login(client, role):
    client.force_login(UserFactory(username=f"u-{role}", role=role))


def post_file(client, survey, data, name="phieu.csv"):
    return client.post(
        f"/api/v1/surveys/questionnaires/{survey.questionnaire.pk}/responses/",
        {"file": SimpleUploadedFile(name, data)},
    )


@pytest.mark.parametrize("role", [None, Role.FOCAL_POINT, Role.APPRAISER, Role.COUNCIL, Role.AGENCY_HEAD])
def test_only_operators_and_home_affairs_use_the_api(client, survey, role):
    if role:
        login(client, role)
    expected = 403
    assert post_file(client, survey, csv_bytes(GOOD)).status_code == expected
    assert client.get(f"/api/v1/surveys/periods/{survey.period.code}/values/").status_code == expected
    assert client.get(f"/api/v1/surveys/periods/{survey.period.code}/sipas/").status_code == expected
    assert not Response.objects.exists()


def import_file(client, survey, data, capture, name="phieu.csv"):
    """Posts the file (202, the job queued) and runs the job as a worker would; the job's status."""
    with capture(execute=True):
        response = post_file(client, survey, data, name)
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued" and response["Location"] == body["status_url"]
    assert body["status_url"] == (
        f"/api/v1/surveys/questionnaires/{survey.questionnaire.pk}/responses/{body['id']}/"
    )
    return client.get(body["status_url"]).json()


def test_a_file_is_imported_once_by_a_job(client, survey, django_capture_on_commit_callbacks):
    """The API answers 202 at once with the job's status URL; the import runs in the job, not the request."""
    login(client, Role.SURVEY_OPERATOR)
    body = import_file(client, survey, csv_bytes(GOOD), django_capture_on_commit_callbacks)
    assert (body["questionnaire"], body["status"], body["rows"], body["added"], body["skipped"]) == (
        "so-nganh-2022", "stored", 4, 4, 0,
    )  # fmt: skip
    assert body["progress"] == 100 and body["problem_list"] == []
    again = import_file(client, survey, csv_bytes(GOOD), django_capture_on_commit_callbacks)
    assert (again["status"], again["added"], again["skipped"]) == ("unchanged", 0, 4)
    assert Response.objects.count() == 4


def test_the_request_only_queues_the_import(client, survey):
    """Without the commit (no worker yet) nothing is imported: the request did not run the import."""
    login(client, Role.SURVEY_OPERATOR)
    response = post_file(client, survey, csv_bytes(GOOD))
    assert response.status_code == 202 and response.json()["status"] == "queued"
    assert not Response.objects.exists()


def test_a_refused_file_lists_every_problem_at_its_status_and_stores_nothing(
    client, survey, django_capture_on_commit_callbacks
):
    login(client, Role.HOME_AFFAIRS)
    rows = [*GOOD, ["P005", "dan", "so-x", "1", "", "", "", ""], ["P006", "x", "so-a", "", "7", "", "", ""]]
    body = import_file(client, survey, csv_bytes(rows), django_capture_on_commit_callbacks)
    assert (body["status"], body["problems"]) == ("refused", 3)
    assert body["problem_list"] == [
        {"row": None, "column": None, "where": "row 6, column Mã cơ quan", "message": "unknown agency so-x"},
        {
            "row": None,
            "column": None,
            "where": "row 7, column Mã nhóm",
            "message": "unknown respondent group x (expected hdnd, mttq, dan, huyen)",
        },
        {
            "row": None,
            "column": None,
            "where": "row 7, question 2",
            "message": "7 is not an option of question 2 (options: 1, 2, 3, 4, 9)",
        },
    ]
    assert not Response.objects.exists()


def test_values_and_sipas_per_agency(client, survey):
    respond(survey.questionnaire, "1", "dan", survey.a, q1="1", q2="2", q3="5", q4="3")
    respond(survey.questionnaire, "2", "dan", survey.a, q3="4", q4="9")
    respond(survey.questionnaire, "3", "hdnd", survey.b, q1="3")
    survey_values_refresh(period=survey.period)
    login(client, Role.SURVEY_OPERATOR)
    values = client.get(f"/api/v1/surveys/periods/{survey.period.code}/values/").json()
    assert [
        (v["agency"], v["criterion"], v["value"], v["points"], v["respondents"], v["source"]) for v in values
    ] == [
        ("so-a", "8.1", "0.875" + "0" * 27, "16.1875", 1, "aggregated"),  # (1 + 0.75) ÷ 2 × 18.5
        ("so-a", "8.2", "0." + "6" * 29 + "7", "6.6667", 2, "aggregated"),  # 2 satisfied of 3 valid answers
        ("so-b", "8.1", "0.5" + "0" * 29, "9.2500", 1, "aggregated"),
    ]  # values as stored and scored: 30 decimals, rounded up (surveys.models.stored_value)
    only_b = client.get(f"/api/v1/surveys/periods/{survey.period.code}/values/?agency=so-b").json()
    assert [v["agency"] for v in only_b] == ["so-b"]
    sipas = client.get(f"/api/v1/surveys/periods/{survey.period.code}/sipas/").json()
    assert sipas == [
        {
            "agency": "so-a",
            "agency_name": "Sở A",
            "block": "so-nganh",
            "overall": {"satisfied": 2, "answered": 3, "percent": "66.67"},
            "elements": [
                {"element": "Kết quả", "satisfied": 0, "answered": 1, "percent": "0.00"},
                {"element": "Tiếp cận dịch vụ", "satisfied": 2, "answered": 2, "percent": "100.00"},
            ],
        }
    ]
    assert client.get("/api/v1/surveys/periods/1999/values/").status_code == 404


def test_the_schema_of_the_survey_api_has_no_warnings():
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/surveys/", include("surveys.api_urls"))])
    schema = generator.get_schema(request=None, public=True)
    assert sorted(schema["paths"]) == [
        "/api/v1/surveys/periods/{period_code}/sipas/",
        "/api/v1/surveys/periods/{period_code}/values/",
        "/api/v1/surveys/questionnaires/{id}/responses/",
        "/api/v1/surveys/questionnaires/{id}/responses/{batch_pk}/",
    ]
    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache
