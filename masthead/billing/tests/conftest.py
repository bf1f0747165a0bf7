"""Fixtures for billing tests: the webhook secret, a recording provider, mails on commit."""

from __future__ import annotations

from typing import Any

import pytest

from .doubles import RecordingProvider
from .stripe_events import SECRET


@pytest.fixture(autouse=True)
def fast_hashing(settings: Any) -> None:
    """Hash test passwords cheaply; Argon2's cost buys nothing in a test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def analytics_in_the_test_transaction(settings: Any) -> None:
    """Write analytics events at once, inside the test's transaction, so tests can count them.

    The root conftest asks for this through ``ANALYTICS_SYNC`` in the environment, but the
    settings module may already be loaded by then.
    """
    settings.ANALYTICS_SYNC = True


@pytest.fixture
def webhook_secret(settings: Any) -> str:
    """Set the Stripe webhook secret the signed test events use."""
    settings.BILLING_STRIPE_WEBHOOK_SECRET = SECRET
    return SECRET


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> RecordingProvider:
    """Replace every billing call site's provider with one that records its calls."""
    double = RecordingProvider()

    def get(name: str | None = None) -> RecordingProvider:
        double.name = name or "stripe"
        return double

    for module in (
        "masthead.billing.views",
        "masthead.billing.subscriptions",
        "masthead.billing.providers.stripe.webhooks",
    ):
        monkeypatch.setattr(f"{module}.get_provider", get)
    return double
