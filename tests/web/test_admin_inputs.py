"""The admin shows the index's inputs but never changes them, not even for a superuser: scores, survey
values and responses change only through the services, which ask the policy and write the audit."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.contrib.auth import get_user_model

from surveys.models import SurveyValue, stored_value
from tests.worlds import self_assessment_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(user)
    return user


def test_an_item_is_shown_but_not_changed_in_the_admin(client, root):
    world = self_assessment_world()
    item = world.item("1.1")
    url = f"/admin/assessment/assessmentitem/{item.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"applicable": "on", "self_input": '{"points": "2"}', "status": "appraised"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.self_input is None and item.version == 1
    assert (
        client.post(f"/admin/assessment/assessmentitem/{item.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert client.get("/admin/assessment/assessmentitem/add/").status_code == 403


def test_a_survey_value_is_shown_but_not_changed_in_the_admin(client, root):
    world = self_assessment_world()
    value = SurveyValue.objects.create(agency=world.agency, node=world.item("2.3").node, value=Decimal("0.9"))
    url = f"/admin/surveys/surveyvalue/{value.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"value": "0.1"}).status_code == 403
    value.refresh_from_db()
    assert value.value == Decimal("0.9")
    assert client.get("/admin/surveys/response/add/").status_code == 403


def test_the_admin_shows_a_survey_value_with_6_decimals(client, root):
    """Stored with 30 decimals (7/12 rounded up), shown as before: 0,583333 (Vietnamese decimals)."""
    world = self_assessment_world()
    value = SurveyValue.objects.create(
        agency=world.agency, node=world.item("2.3").node, value=stored_value(Fraction(7, 12))
    )
    for url in ("/admin/surveys/surveyvalue/", f"/admin/surveys/surveyvalue/{value.pk}/change/"):
        page = client.get(url).content.decode()
        assert "0,583333<" in page and "5833333" not in page, url
