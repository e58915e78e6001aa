"""A survey operator reaches the survey pages and nothing else: every other page answers 403 or 404,
and the home page sends them to the surveys."""

import pytest

from accounts.models import Role
from tests.factories import UserFactory

from .factories import make_survey

pytestmark = pytest.mark.django_db

FENCE = "surveys.middleware.SurveyOperatorFence"
OTHER_PAGES = [
    "/tu-danh-gia/",  # self-assessment
    "/tu-danh-gia/2022/so-a/",
    "/tu-danh-gia/2022/tong-hop/",
    "/tu-danh-gia/2022/tong-hop.xlsx",
    "/tham-dinh/",  # appraisal
    "/tham-dinh/thong-bao/",
    "/tham-dinh/2022/",
    "/tham-dinh/2022/tong-hop/",
    "/tham-dinh/2022/phan-cong/",
    "/ket-qua/",  # results
    "/admin/",
    "/admin/surveys/response/",
    "/tai-khoan/nhap/",
    "/tai-lieu/1/",
    "/api/v1/assessment/",
    "/api/v1/evidence/files/",
    "/api/schema/",
]


@pytest.fixture(autouse=True)
def _fence(settings):
    """The fence as parindex/settings.py lists it, after AuthenticationMiddleware."""
    if FENCE not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        middleware.insert(
            middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1, FENCE
        )
        settings.MIDDLEWARE = middleware


@pytest.fixture
def survey():
    return make_survey()


@pytest.mark.parametrize("url", OTHER_PAGES)
def test_an_operator_gets_403_or_404_outside_the_surveys(client, survey, url):
    client.force_login(UserFactory(username="buu-dien", role=Role.SURVEY_OPERATOR))
    assert client.get(url).status_code in (403, 404)


def test_an_operator_lands_on_the_surveys_and_may_use_them(client, survey):
    client.force_login(UserFactory(username="buu-dien", role=Role.SURVEY_OPERATOR))
    home = client.get("/")
    assert (home.status_code, home.url) == (302, "/khao-sat/")
    for url in (
        "/khao-sat/",
        f"/khao-sat/phieu/{survey.questionnaire.pk}/",
        f"/khao-sat/phieu/{survey.questionnaire.pk}/nhap/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/api/v1/surveys/periods/{survey.period.code}/values/").status_code == 200
    assert client.post("/dang-xuat/").status_code == 302  # logging out stays possible


def test_other_roles_are_not_fenced(client, survey):
    client.force_login(UserFactory(username="noi-vu", role=Role.HOME_AFFAIRS))
    assert client.get("/").status_code == 200
    assert client.get("/ket-qua/").status_code == 200
