"""Django's Redis cache, keeping its redis-py client instead of building one per call (issue 17).

Django's RedisCacheClient builds a `redis.Redis` around its connection pool for every get, set and
delete; building it (its table of response callbacks) cost a third of a session read, on every request
(docs/performance.md). Here each cache object keeps one client per server. Django's `caches` gives each
thread its own cache object, so in gunicorn that is one client per thread and server; a `redis.Redis`
would be safe to share anyway: it holds no connection, each command borrows one from the pool, which
also re-opens its connections in a forked process.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}  # by id of Django's pool, which lives as long as this object

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:  # two threads may both build one: either serves
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
