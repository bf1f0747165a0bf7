"""Limits on guessing: log-in failures and reset requests, per account and per network.

Counters live in Django's cache (Redis in production) in fixed windows keyed by the
window's number, so they expire by themselves. Subjects are hashed before they become
keys: a cache dump does not list e-mail addresses. If the cache cannot be reached the
limits let the attempt through (logged): an outage must not lock every reader out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from masthead.access.network import client_address, network_of

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """At most ``attempts`` per subject in each window of ``window_seconds``."""

    name: str
    attempts: int
    window_seconds: int

    @property
    def window_minutes(self) -> int:
        """Return the window's length in whole minutes (for messages)."""
        return max(self.window_seconds // 60, 1)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def login_limits() -> tuple[Limit, Limit]:
    """Return the failed-log-in limits per account and per client network."""
    window = _setting("ACCOUNTS_LOGIN_WINDOW_SECONDS", 900)
    return (
        Limit("login.account", _setting("ACCOUNTS_LOGIN_FAILURES_PER_ACCOUNT", 5), window),
        Limit("login.network", _setting("ACCOUNTS_LOGIN_FAILURES_PER_NETWORK", 30), window),
    )


def reset_limits() -> tuple[Limit, Limit]:
    """Return the password-reset request limits per account and per client network."""
    window = _setting("ACCOUNTS_RESET_WINDOW_SECONDS", 3600)
    return (
        Limit("reset.account", _setting("ACCOUNTS_RESETS_PER_ACCOUNT", 3), window),
        Limit("reset.network", _setting("ACCOUNTS_RESETS_PER_NETWORK", 10), window),
    )


def _key(limit: Limit, subject: str, now: dt.datetime) -> str:
    digest = hashlib.sha256(f"{limit.name}:{subject}".encode()).hexdigest()[:32]
    window = int(now.timestamp()) // limit.window_seconds
    return f"ratelimit:{limit.name}:{digest}:{window}"


def is_blocked(limit: Limit, subject: str, now: dt.datetime) -> bool:
    """Return True when ``subject`` used up ``limit`` in the window holding ``now``."""
    try:
        return int(cache.get(_key(limit, subject, now), 0)) >= limit.attempts
    except Exception:  # noqa: BLE001 - fail open, see the module docstring
        logger.warning("rate limit %s: cache unavailable", limit.name)
        return False


def count(limit: Limit, subject: str, now: dt.datetime) -> None:
    """Count one attempt by ``subject`` against ``limit``."""
    key = _key(limit, subject, now)
    try:
        cache.add(key, 0, timeout=limit.window_seconds + 60)
        cache.incr(key)
    except Exception:  # noqa: BLE001 - fail open, see the module docstring
        logger.warning("rate limit %s: cache unavailable", limit.name)


def forget(limit: Limit, subject: str, now: dt.datetime) -> None:
    """Clear ``subject``'s attempts in this window (after a successful log-in)."""
    try:
        cache.delete(_key(limit, subject, now))
    except Exception:  # noqa: BLE001 - fail open, see the module docstring
        logger.warning("rate limit %s: cache unavailable", limit.name)


def subjects(request: HttpRequest, email: str) -> tuple[str, str]:
    """Return the two subjects limits apply to: the typed e-mail and the client network."""
    return email.strip().lower(), network_of(client_address(request))


def first_blocking(
    limits: tuple[Limit, Limit], request: HttpRequest, email: str, now: dt.datetime
) -> Limit | None:
    """Return the first of ``limits`` the request is over, or None when it may proceed."""
    for limit, subject in zip(limits, subjects(request, email), strict=True):
        if is_blocked(limit, subject, now):
            return limit
    return None


def count_all(
    limits: tuple[Limit, Limit], request: HttpRequest, email: str, now: dt.datetime
) -> None:
    """Count one attempt against each of ``limits``."""
    for limit, subject in zip(limits, subjects(request, email), strict=True):
        count(limit, subject, now)
