"""Fixtures for gift tests: a subscriber, live subscriber-only articles, events kept at once."""

from __future__ import annotations

from typing import Any

import pytest

from masthead.billing.tests.factories import reader, subscription
from masthead.newsroom.tests.factories import article, publication, section


@pytest.fixture(autouse=True)
def fast_hashing(settings: Any) -> None:
    """Hash test passwords cheaply; Argon2's cost buys nothing in a test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def analytics_in_the_test_transaction(settings: Any) -> None:
    settings.ANALYTICS_SYNC = True


@pytest.fixture
def story(db: None) -> Any:
    publication(time_zone="America/New_York")
    return article("gifted-story", section=section("news"), access_level="subscriber")


@pytest.fixture
def other_story(db: None) -> Any:
    return article("other-story", section=section("news"), access_level="subscriber")


@pytest.fixture
def subscriber(db: None) -> Any:
    user = reader()
    held = subscription(user)
    held.current_period_end = None
    held.save()
    return user
