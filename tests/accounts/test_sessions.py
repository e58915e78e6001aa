"""Sessions read from Redis, stored in the database (issue 17, parindex/sessions.py): a logged-in
request reads no session row, a logout leaves the session neither in Redis nor in the database, and a
cache that cannot be written fails the logout instead of leaving a live copy (fail closed)."""

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from parindex.redis_cache import RedisCache
from parindex.sessions import SessionStore
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not settings.REDIS_URL, reason="the Redis session cache needs REDIS_URL"),
]


def test_production_sessions_are_read_from_redis_and_stored_in_the_database():
    assert settings.SESSION_ENGINE == "parindex.sessions"
    assert isinstance(caches[settings.SESSION_CACHE_ALIAS], RedisCache)  # Django's, keeping its client


def test_a_logged_in_request_reads_no_session_row_and_a_logout_removes_both_copies(client):
    user = UserFactory(role=Role.HOME_AFFAIRS)
    client.force_login(user)
    key = client.session.session_key
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code in (200, 302)
    assert not [q for q in queries if "django_session" in q["sql"]]
    cache = caches[settings.SESSION_CACHE_ALIAS]
    assert cache.get(SessionStore.cache_key_prefix + key) is not None
    client.post(reverse("logout"))
    assert cache.get(SessionStore.cache_key_prefix + key) is None
    assert not Session.objects.filter(session_key=key).exists()
    assert SessionStore(key).load() == {}  # the old cookie finds nothing


def test_a_cache_that_cannot_be_written_fails_the_logout_and_keeps_the_database_row(settings, client):
    user = UserFactory(role=Role.HOME_AFFAIRS)
    client.force_login(user)
    key = client.session.session_key
    settings.CACHES = {
        **settings.CACHES,
        "sessions": {**settings.CACHES["sessions"], "LOCATION": "redis://127.0.0.1:1/0"},  # nothing listens
    }
    store = SessionStore(key)
    with pytest.raises(redis.exceptions.ConnectionError, match="connecting to 127.0.0.1:1"):
        store.delete()
    assert Session.objects.filter(session_key=key).exists()  # nothing changed: the logout failed


def test_the_cache_keeps_its_redis_client_for_every_call_even_shared_by_threads():
    """parindex.redis_cache: Django built a client per call (a third of a session read). Each thread has
    its own cache object in Django; one shared across threads (sync_to_async) works as well."""
    from concurrent.futures import ThreadPoolExecutor

    cache = caches[settings.SESSION_CACHE_ALIAS]
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client

    def round_trip(n):
        cache.set(f"test-client-{n}", {"n": n}, 30)
        return cache.get(f"test-client-{n}"), cache._cache.get_client()

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(round_trip, range(40)))
    assert [value for value, _client in answers] == [{"n": n} for n in range(40)]
    assert {id(used) for _value, used in answers} == {id(client)}
    cache.delete_many([f"test-client-{n}" for n in range(40)])
    assert cache.get("test-client-0") is None
