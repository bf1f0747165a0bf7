"""Fixtures for the site-side experiment tests: fresh caches, events written at once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from masthead.access import forget_policy
from masthead.experiments import assignment


@pytest.fixture(autouse=True)
def _fresh(settings: Any) -> Iterator[None]:
    settings.ANALYTICS_SYNC = True
    settings.ANALYTICS_ENABLED = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    forget_policy()
    assignment.forget()
    yield
    assignment.flush_counts()
    assignment.forget()
    forget_policy()
