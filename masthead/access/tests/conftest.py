"""Fixtures for the access tests: a clean cache (rate limits) and a fresh policy cache."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from masthead.access.policy_loader import forget_policy


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    cache.clear()
    forget_policy()
    yield
    forget_policy()
