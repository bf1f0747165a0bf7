"""One fixed-window rate limiter for the whole site, kept in Django's default cache.

A ``Limit`` names its scope (``"access.check"``, ``"login.account"``, ...) and every
counter key starts with ``ratelimit:<scope>:``, so two limits never share a counter.
Subjects (an address, an e-mail, a user id) are hashed before they become keys: a cache
dump lists no e-mail addresses. Counters expire by themselves a minute after their window.

Two ways to use a limit:

- ``hit`` counts a request and says whether it went over (the access check: every
  request counts). On Redis, and on a Redis Cluster, that is one pipelined round trip.
- ``is_blocked`` asks first, ``count`` counts only what should count, and ``forget``
  clears a subject after success (log-in failures, reset requests, gift mails);
  ``used`` reads a count without judging it (how hard an account is being tried).

A cache that cannot be reached lets everything through (logged): a limit protects the
service and is not itself worth an outage.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from masthead.core.cluster_cache import RedisClusterCache

logger = logging.getLogger(__name__)

KEY_PREFIX = "ratelimit"
# A counter outlives its window by this much, so a clock skew between app servers never
# resets a count early.
EXPIRY_MARGIN_SECONDS = 60

Moment = dt.datetime | float | None


@dataclass(frozen=True)
class Limit:
    """At most ``attempts`` per subject in each window of ``window_seconds`` in ``scope``."""

    scope: str
    attempts: int
    window_seconds: int

    @property
    def window_minutes(self) -> int:
        """Return the window's length in whole minutes (for messages)."""
        return max(self.window_seconds // 60, 1)


def key_for(limit: Limit, subject: str, now: Moment = None) -> str:
    """Return the cache key counting ``subject`` in ``limit``'s window holding ``now``."""
    digest = hashlib.sha256(f"{limit.scope}:{subject}".encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}:{limit.scope}:{digest}:{_window(limit, now)}"


def redis_key(limit: Limit, subject: str, now: Moment = None) -> str | None:
    """Return the Redis key ``hit`` counts ``subject`` in, or None when the cache is not Redis.

    On a Redis Cluster (``RedisClusterCache``) the key is the same; ``hit`` counts it on
    its slot's primary.

    For a caller that counts the same limit inside its own Redis script (the access
    check's hot path): it increments this key and sets ``expiry_seconds`` on it, so its
    counts and ``hit``'s are one counter. Django's Redis cache stores whole numbers as
    plain integers, which is what makes INCR on its key work.
    """
    cache = caches["default"]
    if not isinstance(cache, RedisCache | RedisClusterCache):
        return None
    return cache.make_and_validate_key(key_for(limit, subject, now))


def expiry_seconds(limit: Limit) -> int:
    """Return how long a counter of ``limit`` lives (its window plus the margin)."""
    return limit.window_seconds + EXPIRY_MARGIN_SECONDS


def hit(limit: Limit, subject: str, now: Moment = None) -> bool:
    """Count one request by ``subject``; return True when it goes over ``limit``.

    The first ``attempts`` requests in a window answer False, every later one True.
    """
    try:
        return _increment(limit, key_for(limit, subject, now)) > limit.attempts
    except Exception as exc:  # noqa: BLE001 - any cache backend error means "allow"
        _unavailable(limit, exc)
        return False


def used(limit: Limit, subject: str, now: Moment = None) -> int:
    """Return how many attempts ``subject`` made in the window holding ``now`` (0 if unknown)."""
    try:
        return int(caches["default"].get(key_for(limit, subject, now), 0))
    except Exception as exc:  # noqa: BLE001 - fail open, see the module docstring
        _unavailable(limit, exc)
        return 0


def is_blocked(limit: Limit, subject: str, now: Moment = None) -> bool:
    """Return True when ``subject`` already used up ``limit`` in the window holding ``now``."""
    try:
        used = caches["default"].get(key_for(limit, subject, now), 0)
        return int(used) >= limit.attempts
    except Exception as exc:  # noqa: BLE001 - fail open, see the module docstring
        _unavailable(limit, exc)
        return False


def count(limit: Limit, subject: str, now: Moment = None) -> None:
    """Count one attempt by ``subject`` against ``limit``."""
    try:
        _increment(limit, key_for(limit, subject, now))
    except Exception as exc:  # noqa: BLE001 - fail open, see the module docstring
        _unavailable(limit, exc)


def forget(limit: Limit, subject: str, now: Moment = None) -> None:
    """Clear ``subject``'s attempts in this window (after a success)."""
    try:
        caches["default"].delete(key_for(limit, subject, now))
    except Exception as exc:  # noqa: BLE001 - fail open, see the module docstring
        _unavailable(limit, exc)


def first_blocking(pairs: Iterable[tuple[Limit, str]], now: Moment = None) -> Limit | None:
    """Return the first limit whose subject used it up, or None when all may proceed."""
    for limit, subject in pairs:
        if is_blocked(limit, subject, now):
            return limit
    return None


def count_all(pairs: Iterable[tuple[Limit, str]], now: Moment = None) -> None:
    """Count one attempt against each limit for its subject."""
    for limit, subject in pairs:
        count(limit, subject, now)


def _window(limit: Limit, now: Moment) -> int:
    if now is None:
        seconds = time.time()
    elif isinstance(now, dt.datetime):
        seconds = now.timestamp()
    else:
        seconds = now
    return int(seconds // limit.window_seconds)


def _increment(limit: Limit, key: str) -> int:
    """Add one to ``key``'s counter and return it.

    On Redis this is one round trip (INCR and EXPIRE NX pipelined): Django's generic
    ``add`` then ``incr`` costs three, which profiling showed as a sixth of an access check.
    """
    expiry = expiry_seconds(limit)
    cache = caches["default"]  # the backend itself: ``django.core.cache.cache`` is a proxy
    if isinstance(cache, RedisCache):
        full_key = cache.make_and_validate_key(key)
        # Django's RedisCache exposes no pipeline; its client factory is the documented
        # way in (django/core/cache/backends/redis.py), used here for that one reason.
        client = cache._cache.get_client(full_key, write=True)  # type: ignore[attr-defined]
        pipe = client.pipeline(transaction=False)
        pipe.incr(full_key)
        pipe.expire(full_key, expiry, nx=True)
        counted, _ = pipe.execute()
        return int(counted)
    if isinstance(cache, RedisClusterCache):
        return cache.count(key, expiry)  # the same pipeline, on the key's own slot
    cache.add(key, 0, expiry)
    return int(cache.incr(key))


def _unavailable(limit: Limit, exc: Exception) -> None:
    logger.warning("rate limit %s: cache unavailable (%s)", limit.scope, type(exc).__name__)
