"""The per-address limit on the access check, on the local cache and on Redis."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from django.core.cache import caches
from django.test import override_settings

from masthead.access import ratelimit


def _redis_caches(url: str) -> dict[str, object]:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"ratelimit-test-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture
def on_redis(redis_url: str) -> Iterator[None]:
    with override_settings(CACHES=_redis_caches(redis_url)):
        caches["default"].clear()  # only this test's prefix exists
        yield


def _hits(scope: str, limit: int, times: int, now: float = 1_000_000.0) -> list[bool]:
    return [ratelimit.is_over_limit(scope, "127.0.0.5", limit, now) for _ in range(times)]


def test_it_allows_up_to_the_limit_then_refuses_on_the_local_cache() -> None:
    scope = f"local-{uuid.uuid4().hex}"
    assert _hits(scope, limit=3, times=5) == [False, False, False, True, True]


def test_it_allows_up_to_the_limit_then_refuses_on_redis(on_redis: None) -> None:
    assert _hits("redis", limit=3, times=5) == [False, False, False, True, True]


def test_it_starts_a_new_count_each_minute_on_redis(on_redis: None) -> None:
    assert _hits("minute", limit=1, times=2, now=6_000.0) == [False, True]
    assert _hits("minute", limit=1, times=1, now=6_060.0) == [False]


def test_it_gives_the_redis_counter_an_expiry(on_redis: None) -> None:
    cache = caches["default"]
    ratelimit.is_over_limit("ttl", "127.0.0.5", 10, 60_000.0)
    key = cache.make_and_validate_key(f"ratelimit:ttl:127.0.0.5:{60_000 // 60}")
    client = cache._cache.get_client(key)  # type: ignore[attr-defined]
    assert 0 < client.ttl(key) <= ratelimit.WINDOW_SECONDS * 2


def test_it_allows_when_redis_is_unreachable() -> None:
    with override_settings(CACHES=_redis_caches("redis://127.0.0.1:9/0")):
        assert ratelimit.is_over_limit("down", "127.0.0.5", 0) is False


def test_it_counts_on_redis_in_one_pipelined_round_trip(on_redis: None) -> None:
    # The generic add-then-incr path costs three round trips; it must not be taken.
    from unittest import mock

    from django.core.cache.backends.redis import RedisCache

    with (
        mock.patch.object(RedisCache, "add", side_effect=AssertionError("add used")),
        mock.patch.object(RedisCache, "incr", side_effect=AssertionError("incr used")),
    ):
        assert _hits("pipelined", limit=1, times=2) == [False, True]
