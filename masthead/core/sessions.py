"""Sessions read from the cache and kept in the database: Django's ``cached_db``, hardened.

``SESSION_ENGINE`` names this module when Redis is configured. A session is read from the
cache (no SQL); a miss reads the database row and fills the cache; every write goes to
both. Django's own ``cached_db`` lets a cache outage escape from ``load`` and ``exists``
(every logged-in request would fail) and deletes the database row before the cached copy,
so a logout during an outage could leave the session alive in the cache. Here:

- reading: a cache that cannot answer is a miss; the database answers.
- deleting (logout, password change elsewhere, account deletion): the cached copy goes
  first. When the cache cannot be reached the deletion raises and nothing is deleted, so
  the reader is still logged in and told to try again, never half logged out.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.core.cache.backends.base import BaseCache

logger = logging.getLogger(__name__)


class SessionStore(CachedDBStore):
    """``cached_db`` that survives a cache outage on reads and never half-deletes."""

    _cache: BaseCache  # set by Django's __init__; its stubs do not declare it

    def load(self) -> dict[str, Any]:
        """Return the session's data from the cache, else from the database (filling the cache)."""
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # noqa: BLE001 - any cache failure is a miss; the database answers
            logger.warning("session_cache_unavailable op=get")
            data = None
        if data is not None:
            return dict(data)
        row = self._get_session_from_db()  # type: ignore[attr-defined] # not in the stubs
        if not row:
            return {}
        loaded: dict[str, Any] = self.decode(row.session_data)
        try:
            self._cache.set(self.cache_key, loaded, self.get_expiry_age(expiry=row.expire_date))
        except Exception:  # noqa: BLE001 - the next read asks the database again
            logger.warning("session_cache_unavailable op=set")
        return loaded

    def exists(self, session_key: str | None) -> bool:
        """Return True when the session is stored (the cache first, then the database)."""
        if not session_key:
            return False
        try:
            if (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:  # noqa: BLE001 - the database answers instead
            logger.warning("session_cache_unavailable op=exists")
        return bool(DBStore.exists(self, session_key))

    def delete(self, session_key: str | None = None) -> None:
        """Delete the cached copy, then the row; a cache failure raises before either goes."""
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self._cache.delete(self.cache_key_prefix + session_key)
        DBStore.delete(self, session_key)
