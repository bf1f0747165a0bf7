"""Sessions from the cache: no SQL on a hit; a cache outage reads the database; no half logout."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from redis.exceptions import ConnectionError as RedisConnectionError

from masthead.core.sessions import SessionStore

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


def _redis_cache(url: str) -> dict[str, Any]:
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": f"test-sessions-{uuid.uuid4().hex}",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }


def _dead_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def live_cache(redis_url: str) -> Iterator[None]:
    with override_settings(
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "sessions": _redis_cache(redis_url),
        },
        SESSION_CACHE_ALIAS="sessions",
    ):
        yield


@pytest.fixture
def dead_cache() -> Iterator[None]:
    with override_settings(
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "sessions": _redis_cache(_dead_url()),
        },
        SESSION_CACHE_ALIAS="sessions",
    ):
        yield


def _saved(data: dict[str, Any]) -> str:
    store = SessionStore()
    store.update(data)
    store.save(must_create=True)
    assert store.session_key is not None
    return store.session_key


def test_a_cached_session_is_read_without_sql(live_cache: None) -> None:
    key = _saved({"who": "reader"})
    with CaptureQueriesContext(connection) as queries:
        assert SessionStore(key)["who"] == "reader"
        assert SessionStore().exists(key) is True
    assert queries.captured_queries == []


def test_a_cache_outage_reads_the_database(live_cache: None) -> None:
    key = _saved({"who": "reader"})
    with override_settings(
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "sessions": _redis_cache(_dead_url()),
        },
    ):
        assert SessionStore(key)["who"] == "reader"
        assert SessionStore().exists(key) is True


def test_a_logout_during_a_cache_outage_deletes_nothing(dead_cache: None) -> None:
    key = _saved({"who": "reader"})  # the cache write fails quietly; the row is there
    store = SessionStore(key)
    with pytest.raises(RedisConnectionError):
        store.flush()
    # Still logged in, whole: the row was kept, so no cached copy can outlive a deleted row.
    assert Session.objects.filter(session_key=key).exists()


def test_a_logout_deletes_the_cached_copy_and_the_row(live_cache: None) -> None:
    key = _saved({"who": "reader"})
    SessionStore(key).flush()
    assert not Session.objects.filter(session_key=key).exists()
    assert SessionStore().exists(key) is False
    assert "who" not in SessionStore(key)
