"""The self-assessment API follows the page's rules: scope, window, lock, focal point, versions."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/assessment/items/"


@pytest.fixture
def api(settings):
    client = APIClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_an_agency_user_lists_only_its_own_items(api, world):
    api.force_authenticate(world.users["focal"])
    rows = api.get(ITEMS, {"period": world.period.code}).json()["results"]
    assert {row["agency"] for row in rows} == {"so-a"} and len(rows) == 6
    foreign = world.item("1.1", world.other)
    assert api.get(f"{ITEMS}{foreign.pk}/").status_code == 404
    assert (
        api.patch(
            f"{ITEMS}{foreign.pk}/", {"version": 1, "input": {"points": "1"}}, format="json"
        ).status_code
        == 404
    )


def test_home_affairs_lists_every_agency_but_cannot_score(api, world):
    api.force_authenticate(world.users["home_affairs"])
    rows = api.get(ITEMS, {"period": world.period.code}).json()["results"]
    assert {row["agency"] for row in rows} == {"so-a", "so-b"}
    response = api.patch(
        f"{ITEMS}{world.item('1.1').pk}/", {"version": 1, "input": {"points": "1"}}, format="json"
    )
    assert response.status_code == 400 and "focal point" in response.json()["detail"]


@pytest.mark.parametrize("role", ["appraiser", "operator"])
def test_roles_without_an_agency_scope_see_nothing(api, world, role):
    api.force_authenticate(world.users[role])
    assert api.get(ITEMS).json()["results"] == []
    assert api.get(f"{ITEMS}{world.item('1.1').pk}/").status_code == 404


def test_anonymous_is_refused(api, world):
    assert api.get(ITEMS).status_code == 403


def test_the_focal_point_scores_through_the_api_with_versions(api, world):
    api.force_authenticate(world.users["focal"])
    url = f"{ITEMS}{world.item('1.1').pk}/"
    response = api.patch(url, {"version": 1, "input": {"points": "1.25"}, "note": "API"}, format="json")
    assert response.status_code == 200 and response.json()["self_input"] == {"points": "1.25"}
    assert response.json()["version"] == 2
    # a client retrying after a lost answer sends the old version: what is stored is what it asks
    again = api.patch(url, {"version": 1, "input": {"points": "1.25"}, "note": "API"}, format="json")
    assert again.status_code == 200 and again.json()["version"] == 2
    stale = api.patch(url, {"version": 1, "input": {"points": "2"}}, format="json")
    assert stale.status_code == 409 and stale.json()["self_input"] == {"points": "1.25"}
    bad = api.patch(url, {"version": 2, "input": {"points": "9"}}, format="json")
    assert bad.status_code == 400 and "outside 0…2" in bad.json()["detail"]


def test_the_api_refuses_after_the_deadline(api, world):
    world.window.ends_at = timezone.now() - timedelta(seconds=1)
    world.window.save()
    api.force_authenticate(world.users["focal"])
    response = api.patch(
        f"{ITEMS}{world.item('1.1').pk}/", {"version": 1, "input": {"points": "1"}}, format="json"
    )
    assert response.status_code == 400 and "closed now" in response.json()["detail"]
    assert world.item("1.1").self_input is None


def test_the_schema_describes_the_items_api(api, world):
    api.force_authenticate(world.users["focal"])
    schema = api.get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/assessment/items/{id}/" in schema["paths"]
    assert "409" in schema["paths"]["/api/v1/assessment/items/{id}/"]["patch"]["responses"]
