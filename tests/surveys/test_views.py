"""Survey pages: only survey operators and Home Affairs; an upload is imported by a background job (inline
without a broker), stored whole or refused with its problems shown on the page."""

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from accounts.models import Role
from scoring.models import CriteriaNode
from surveys.models import Response, SurveyValue, SurveyValueSource
from tests.factories import UserFactory

from .factories import make_survey
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


@pytest.fixture
def operator(client):
    user = UserFactory(username="buu-dien", role=Role.SURVEY_OPERATOR)
    client.force_login(user)
    return user


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    """Posts a file; the import job queued on commit runs inline (no broker in tests)."""

    def post(survey, data, name="phieu.csv"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                f"/khao-sat/phieu/{survey.questionnaire.pk}/", {"file": SimpleUploadedFile(name, data)}
            )

    return post


def test_an_operator_imports_a_file_and_sees_the_outcome(client, survey, operator, upload):
    response = upload(survey, csv_bytes(GOOD))
    assert response.status_code == 302
    page = client.get(response.url)
    text = page.content.decode()
    assert "4 rows: 4 responses added, 0 already stored with the same answers." in text
    assert Response.objects.count() == 4
    assert "buu-dien" in text  # the import batch records who


def test_a_refused_upload_lists_every_problem_and_stores_nothing(client, survey, operator, upload):
    rows = [*GOOD, ["P005", "dan", "so-x", "1", "", "", "", ""], ["P006", "x", "so-a", "", "", "", "", ""]]
    response = upload(survey, csv_bytes(rows))
    assert response.status_code == 302
    text = client.get(response.url).content.decode()
    assert "The file was refused and no response was stored. Problems found: 2." in text
    assert "row 6, column Mã cơ quan: unknown agency so-x" in text
    assert "row 7, column Mã nhóm: unknown respondent group x" in text
    assert not Response.objects.exists()


def test_the_template_downloads(client, survey, operator):
    response = client.get(f"/khao-sat/phieu/{survey.questionnaire.pk}/mau.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="so-nganh-2022.xlsx"'
    assert response.content[:2] == b"PK"


@pytest.mark.parametrize("role", [Role.FOCAL_POINT, Role.APPRAISER, Role.COUNCIL])
def test_other_roles_may_not_open_or_import(client, survey, role, upload):
    user = UserFactory(username=f"u-{role}", role=role, agency=survey.a if role == Role.FOCAL_POINT else None)
    client.force_login(user)
    assert client.get("/khao-sat/").status_code == 403
    assert upload(survey, csv_bytes(GOOD)).status_code == 403
    assert not Response.objects.exists()


def test_only_home_affairs_aggregates(client, survey, operator, upload):
    upload(survey, csv_bytes(GOOD))
    assert client.post(f"/khao-sat/ky/{survey.period.pk}/tong-hop/").status_code == 403
    client.force_login(UserFactory(username="noi-vu", role=Role.HOME_AFFAIRS))
    response = client.post(f"/khao-sat/ky/{survey.period.pk}/tong-hop/", follow=True)
    assert "survey values written" in response.content.decode()
    assert SurveyValue.objects.count() == 3


def test_the_aggregation_says_in_words_what_it_did(client, survey, operator, upload):
    """Which survey, how many questionnaires, values, agencies and criteria; hand-entered values kept."""
    upload(survey, csv_bytes(GOOD))
    responses = Response.objects.count()
    leaf = CriteriaNode.objects.filter(criteria_set=survey.criteria_set, rule="survey").first()
    kept = SurveyValue.objects.create(
        agency=survey.b, node=leaf, value="0.5", source=SurveyValueSource.MANUAL
    )
    client.force_login(UserFactory(username="noi-vu", role=Role.HOME_AFFAIRS))
    html = unescape(client.post(f"/khao-sat/ky/{survey.period.pk}/tong-hop/", follow=True).content.decode())
    aggregated = SurveyValue.objects.filter(source="aggregated")
    agencies = aggregated.values("agency").distinct().count()
    criteria = aggregated.values("node").distinct().count()
    assert (
        f"{survey.period}: {aggregated.count()} survey values written from {responses} questionnaires "
        f"({survey.questionnaire.title}), for {agencies} agencies on {criteria} survey criteria."
    ) in html
    assert "1 value entered by hand or imported was kept as it is." in html
    kept.refresh_from_db()
    assert kept.source == SurveyValueSource.MANUAL


def test_index_query_count_does_not_grow_with_questionnaires(
    client, survey, operator, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import QuestionnaireFactory

    with CaptureQueriesContext(connection) as one:
        client.get("/khao-sat/")
    for n in range(10):
        QuestionnaireFactory(period=survey.period, block=survey.block, code=f"them-{n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/khao-sat/")
    assert response.status_code == 200
    assert response.content.decode().count("/khao-sat/phieu/") == 11


def test_questionnaire_page_query_count(client, survey, operator, upload, django_assert_max_num_queries):
    upload(survey, csv_bytes(GOOD))
    # Sample progress and batches take 7 queries; the rest is the session, user and site chrome.
    with django_assert_max_num_queries(15):
        response = client.get(f"/khao-sat/phieu/{survey.questionnaire.pk}/")
    assert response.status_code == 200


def test_the_survey_desk_writes_counts_in_thousands_the_vietnamese_way(client, survey, operator):
    """Planned and collected counts read 2.800 on a Vietnamese page (2,800 in English), not 2800."""
    from surveys.models import SamplePlan

    SamplePlan.objects.filter(questionnaire=survey.questionnaire).delete()
    SamplePlan.objects.create(
        questionnaire=survey.questionnaire,
        agency=survey.a,
        group=survey.questionnaire.groups.first(),
        planned=2800,
    )
    client.cookies["django_language"] = "vi"
    for url in ("/khao-sat/", f"/khao-sat/phieu/{survey.questionnaire.pk}/"):
        html = client.get(url).content.decode()
        assert ">2.800</td>" in html and ">2800<" not in html, url
    client.cookies["django_language"] = "en"
    assert ">2,800</td>" in client.get("/khao-sat/").content.decode()
