"""A published province (v1 published) with a later computed, unpublished snapshot (v2), and readers."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from agencies.models import Period
from api.models import TokenScope
from api.services import api_token_issue
from scoring.services import period_compute
from tests.factories import UserFactory
from tests.public.builders import approved_province, official, published


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # throttling counts live in the cache
    yield
    cache.clear()


@pytest.fixture
def world(db):
    period, agencies = approved_province(4)
    home_affairs = official()
    first = published(period, home_affairs)
    second = period_compute(period=period)
    period = Period.objects.get(pk=period.pk)

    class World:
        pass

    w = World()
    w.period, w.agencies, w.home_affairs, w.published, w.unpublished = (
        period,
        agencies,
        home_affairs,
        first,
        second,
    )
    w.block = agencies[0].block
    w.focal = UserFactory(username="dau-moi", role="focal_point", agency=agencies[0])
    return w


@pytest.fixture
def token_of(world):
    def make(scope: str, rate: int = 1000) -> str:
        _token, raw = api_token_issue(
            name=f"Hệ thống {scope}", scope=scope, rate_per_minute=rate, acting_user=world.home_affairs
        )
        return raw

    return make


@pytest.fixture
def as_user():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def clients(world, token_of, as_user):
    """One client per kind of reader of the API: anonymous, the two token scopes, and signed-in roles."""
    lead = UserFactory(username="thuky", role="secretariat_lead")
    return {
        "anonymous": Client(),
        "published_token": Client(HTTP_AUTHORIZATION=f"Bearer {token_of(TokenScope.PUBLISHED)}"),
        "read_all_token": Client(HTTP_AUTHORIZATION=f"Bearer {token_of(TokenScope.READ_ALL)}"),
        "home_affairs": as_user(world.home_affairs),
        "secretariat": as_user(lead),
        "focal_point": as_user(world.focal),
        "survey_operator": as_user(UserFactory(username="nhap-lieu", role="survey_operator")),
    }
