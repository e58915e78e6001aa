"""Sessions read from Redis, stored in the database (issue 17: one query less on every request).

Django's `cached_db` store with its errors no longer swallowed: Django logs and ignores a failed cache
write or delete, which would leave a logged-out (flushed) or re-keyed session alive in Redis once it
answers again. Here a failed cache write or delete fails the request instead, so the cache never holds
a session the database no longer has (fail closed). The database stays the record: a cache miss, or a
cache that cannot be read, reads the database. Used only with a cache shared by every process (Redis,
settings.SESSION_ENGINE): with a per-process cache a logout in one process would leave the session
alive in the others.
"""

from __future__ import annotations

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore


class SessionStore(CachedDBStore):
    def save(self, must_create=False):
        DBStore.save(self, must_create)
        self._cache.set(self.cache_key, self._session, self.get_expiry_age())

    def delete(self, session_key=None):
        key = session_key if session_key is not None else self.session_key
        if key is not None:
            self._cache.delete(self.cache_key_prefix + key)  # first: if Redis fails, nothing changed
        DBStore.delete(self, session_key)

    async def asave(self, must_create=False):
        await DBStore.asave(self, must_create)
        await self._cache.aset(await self.acache_key(), self._session, await self.aget_expiry_age())

    async def adelete(self, session_key=None):
        key = session_key if session_key is not None else self.session_key
        if key is not None:
            await self._cache.adelete(self.cache_key_prefix + key)
        await DBStore.adelete(self, session_key)
