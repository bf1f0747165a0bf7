"""Billing's system checks: a payment setup that cannot work, or must not ship."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register("billing")
def check_stripe_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Report Stripe chosen without the webhook secret (events could not be verified)."""
    if str(settings.BILLING_PROVIDER).lower() != "stripe":
        return []
    if settings.BILLING_STRIPE_WEBHOOK_SECRET:
        return []
    return [
        Error(
            "BILLING_PROVIDER is stripe but BILLING_STRIPE_WEBHOOK_SECRET is not set.",
            hint="Copy the endpoint's signing secret (whsec_…) from Stripe; see docs/billing.md.",
            id="billing.E001",
        )
    ]


@register(Tags.security, deploy=True)
def check_no_test_payments(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Report the offline test-payments provider in a deployment: it takes no money."""
    if str(settings.BILLING_PROVIDER).lower() != "test":
        return []
    return [
        Error(
            "BILLING_PROVIDER is test: the demo's test payments take no money.",
            hint="Set BILLING_PROVIDER=stripe with its keys; see docs/billing.md.",
            id="billing.E002",
        )
    ]
