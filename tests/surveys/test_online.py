"""Online survey: Home Affairs makes one unguessable link per planned respondent and downloads them; a
link opens a public, non-indexable form (no login) that stores one response (source "online") and then
refuses the link."""

import csv
import io

import pytest
from django.utils import translation

from accounts.models import Role
from surveys.models import Response, ResponseSource, SurveyToken
from surveys.services import tokens_generate
from tests.factories import UserFactory

from .factories import make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def survey():
    return make_survey()  # sample plan: so-a dan 3, so-a hdnd 2, so-b dan 1


def field(survey, number: str) -> str:
    return f"q{survey.questionnaire.questions.get(number=number).pk}"


def test_one_link_per_planned_respondent_topped_up_not_doubled(survey):
    assert tokens_generate(questionnaire=survey.questionnaire) == 6
    counts = sorted(SurveyToken.objects.values_list("agency__code", "group__code"))
    assert counts == [("so-a", "dan")] * 3 + [("so-a", "hdnd")] * 2 + [("so-b", "dan")]
    assert tokens_generate(questionnaire=survey.questionnaire) == 0
    tokens = list(SurveyToken.objects.values_list("token", flat=True))
    assert len(set(tokens)) == 6 and all(len(token) >= 22 for token in tokens)  # 128 random bits


def test_home_affairs_makes_and_downloads_the_links(client, survey):
    client.force_login(UserFactory(username="noi-vu", role=Role.HOME_AFFAIRS))
    page = f"/khao-sat/phieu/{survey.questionnaire.pk}/truc-tuyen/"
    response = client.post(page, follow=True)
    assert "6 links made." in response.content.decode()
    download = client.get(f"/khao-sat/phieu/{survey.questionnaire.pk}/truc-tuyen.csv")
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["Mã cơ quan", "Cơ quan", "Mã nhóm", "Nhóm đối tượng", "Đường dẫn", "Đã trả lời lúc"]
    assert len(rows) == 7
    assert {row[4] for row in rows[1:]} == {
        f"http://testserver/khao-sat/tra-loi/{token}/"
        for token in SurveyToken.objects.values_list("token", flat=True)
    }


@pytest.mark.parametrize("role", [Role.SURVEY_OPERATOR, Role.FOCAL_POINT, Role.COUNCIL])
def test_other_roles_may_not_make_links(client, survey, role):
    client.force_login(UserFactory(username=f"u-{role}", role=role))
    assert client.post(f"/khao-sat/phieu/{survey.questionnaire.pk}/truc-tuyen/").status_code == 403
    assert client.get(f"/khao-sat/phieu/{survey.questionnaire.pk}/truc-tuyen.csv").status_code == 403
    assert not SurveyToken.objects.exists()


@pytest.fixture
def link(survey):
    tokens_generate(questionnaire=survey.questionnaire)
    return SurveyToken.objects.filter(agency=survey.a, group__code="dan").first()


def test_the_public_form_needs_no_login_and_is_not_indexed(client, survey, link):
    response = client.get(f"/khao-sat/tra-loi/{link.token}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in text
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
    # The "dan" group weighs 2 on 8.1 and answers 8.2 and the informative question: every question here.
    assert text.count("<fieldset>") == 5
    assert "Sở A" in text


def test_a_link_stores_one_response_and_is_refused_after(client, survey, link):
    answers = {field(survey, "1"): "2", field(survey, "3"): "5", field(survey, "4"): "9"}
    response = client.post(f"/khao-sat/tra-loi/{link.token}/", answers)
    assert response.status_code == 200
    assert "Thank you: your answers have been received." in response.content.decode()
    stored = Response.objects.get()
    assert (stored.source, stored.group.code, stored.agency, stored.entered_by) == (
        ResponseSource.ONLINE, "dan", survey.a, None,
    )  # fmt: skip
    assert sorted(stored.answers.values_list("question__number", "option__key")) == [
        ("1", "2"),
        ("3", "5"),
        ("4", "9"),
    ]
    link.refresh_from_db()
    assert link.used_at is not None and link.response == stored

    again = client.post(f"/khao-sat/tra-loi/{link.token}/", {field(survey, "1"): "1"})
    assert again.status_code == 410
    assert "This link has already been used: the answers were received. Thank you." in again.content.decode()
    assert client.get(f"/khao-sat/tra-loi/{link.token}/").status_code == 410
    assert Response.objects.count() == 1


def test_an_unknown_link_is_not_found_and_a_bad_choice_stores_nothing(client, survey, link):
    assert client.get("/khao-sat/tra-loi/khong-co/").status_code == 404
    response = client.post(f"/khao-sat/tra-loi/{link.token}/", {field(survey, "1"): "7"})
    assert response.status_code == 400
    assert not Response.objects.exists()
    link.refresh_from_db()
    assert link.used_at is None


def test_links_page_query_count(client, survey, django_assert_max_num_queries):
    client.force_login(UserFactory(username="noi-vu", role=Role.HOME_AFFAIRS))
    tokens_generate(questionnaire=survey.questionnaire)
    with django_assert_max_num_queries(8):
        response = client.get(f"/khao-sat/phieu/{survey.questionnaire.pk}/truc-tuyen/")
    assert "Links made: 6; answered: 0." in response.content.decode()
