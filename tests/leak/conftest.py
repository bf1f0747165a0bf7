"""Leak-suite-wide setup: a clean cache and no access-check rate limit per test.

The suite sends thousands of checks from a handful of addresses; the per-address
limit (``PAYWALL_CHECK_RATE_LIMIT``) would answer 429 long before the oracle saw a
thing. The limit has its own tests in ``masthead/access``. Events are recorded at once,
inside each test's transaction, rather than by the background flusher, which would
find the module's fixture transaction holding SQLite's write lock.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import override_settings

from .fixtures import LeakWorld


@pytest.fixture(autouse=True)
def _no_rate_limit_and_a_clean_cache() -> Iterator[None]:
    cache.clear()
    with override_settings(PAYWALL_CHECK_RATE_LIMIT=1_000_000, ANALYTICS_SYNC=True):
        yield
    cache.clear()


@pytest.fixture
def world(leak_world: LeakWorld, leak_sessions: dict[str, str], db: None) -> LeakWorld:
    """Return the module's fixture content with database access for this test."""
    return leak_world
