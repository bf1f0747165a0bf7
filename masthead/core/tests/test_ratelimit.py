"""The one rate limiter, on the local cache and on Redis."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterator
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings

from masthead.core import ratelimit
from masthead.core.ratelimit import Limit


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


@pytest.fixture(autouse=True)
def _clean_local_cache() -> Iterator[None]:
    caches["default"].clear()
    yield
    caches["default"].clear()


def _per_minute(scope: str, attempts: int) -> Limit:
    return Limit(scope, attempts, 60)


def _hits(scope: str, limit: int, times: int, now: float = 1_000_000.0) -> list[bool]:
    rule = _per_minute(scope, limit)
    return [ratelimit.hit(rule, "127.0.0.5", now) for _ in range(times)]


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
    rule = _per_minute("ttl", 10)
    ratelimit.hit(rule, "127.0.0.5", 60_000.0)
    key = cache.make_and_validate_key(ratelimit.key_for(rule, "127.0.0.5", 60_000.0))
    client = cache._cache.get_client(key)  # type: ignore[attr-defined]
    assert 0 < client.ttl(key) <= rule.window_seconds + ratelimit.EXPIRY_MARGIN_SECONDS


def test_it_allows_when_redis_is_unreachable(caplog: pytest.LogCaptureFixture) -> None:
    rule = _per_minute("down", 0)
    with override_settings(CACHES=_redis_caches("redis://127.0.0.1:9/0")):
        caplog.set_level(logging.WARNING)
        assert ratelimit.hit(rule, "127.0.0.5") is False
        assert ratelimit.is_blocked(rule, "127.0.0.5") is False
        ratelimit.count(rule, "127.0.0.5")
        ratelimit.forget(rule, "127.0.0.5")
    assert "rate limit down: cache unavailable" in caplog.text


def test_it_counts_on_redis_in_one_pipelined_round_trip(on_redis: None) -> None:
    # The generic add-then-incr path costs three round trips; it must not be taken.
    with (
        mock.patch.object(RedisCache, "add", side_effect=AssertionError("add used")),
        mock.patch.object(RedisCache, "incr", side_effect=AssertionError("incr used")),
    ):
        assert _hits("pipelined", limit=1, times=2) == [False, True]


def test_each_scope_counts_apart() -> None:
    # The same subject in two scopes: using up one leaves the other untouched.
    assert _hits("access.check", limit=1, times=2) == [False, True]
    assert _hits("login.network", limit=1, times=1) == [False]
    first = ratelimit.key_for(_per_minute("a", 1), "x", 0.0)
    second = ratelimit.key_for(_per_minute("b", 1), "x", 0.0)
    assert first.startswith("ratelimit:a:") and second.startswith("ratelimit:b:")


def test_keys_hold_no_subject_in_clear() -> None:
    key = ratelimit.key_for(Limit("login.account", 5, 900), "ada@example.com", 0.0)
    assert "ada" not in key


@pytest.mark.parametrize("backend", ["local", "redis"])
def test_it_checks_then_counts_then_forgets(backend: str, request: pytest.FixtureRequest) -> None:
    if backend == "redis":
        request.getfixturevalue("on_redis")
    rule = Limit("login.account", 2, 900)
    now = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    assert ratelimit.is_blocked(rule, "ada", now) is False
    ratelimit.count_all([(rule, "ada")], now)
    ratelimit.count(rule, "ada", now)
    assert ratelimit.is_blocked(rule, "ada", now) is True
    assert ratelimit.first_blocking([(rule, "bob"), (rule, "ada")], now) is rule
    ratelimit.forget(rule, "ada", now)
    assert ratelimit.first_blocking([(rule, "bob"), (rule, "ada")], now) is None


def test_a_window_ends_on_its_boundary() -> None:
    rule = Limit("reset.account", 1, 3600)
    ratelimit.count(rule, "ada", dt.datetime(2026, 3, 1, 12, 59, tzinfo=dt.UTC))
    assert ratelimit.is_blocked(rule, "ada", dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC))
    assert not ratelimit.is_blocked(rule, "ada", dt.datetime(2026, 3, 1, 13, 0, tzinfo=dt.UTC))


def test_window_minutes_never_reads_zero() -> None:
    assert Limit("x", 1, 30).window_minutes == 1
    assert Limit("x", 1, 900).window_minutes == 15
