"""Payment providers behind one interface; ``BILLING_PROVIDER`` picks one at call time."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import CheckoutRequest, CheckoutStart, PaymentProvider

__all__ = ["CheckoutRequest", "CheckoutStart", "PaymentProvider", "get_provider"]

STRIPE = "stripe"
TEST = "test"


def test_payments_allowed() -> bool:
    """Return True when the offline test-payments provider may run (demo or debug mode)."""
    return bool(settings.DEBUG or settings.DEMO)


def get_provider(name: str | None = None) -> PaymentProvider:
    """Return the provider called ``name`` (default: ``BILLING_PROVIDER``).

    Raises ``ImproperlyConfigured`` for an unknown name, and for test payments outside
    demo or debug mode: they take no money, so a deployment must never offer them.
    """
    chosen = (name or settings.BILLING_PROVIDER).lower()
    if chosen == STRIPE:
        from .stripe.client import StripeProvider

        return StripeProvider.from_settings()
    if chosen == TEST:
        if not test_payments_allowed():
            raise ImproperlyConfigured("Test payments run only with MASTHEAD_DEMO or DEBUG.")
        from .testpayments.client import TestPaymentsProvider

        return TestPaymentsProvider()
    raise ImproperlyConfigured(f"BILLING_PROVIDER {chosen!r} is not 'stripe' or 'test'")
