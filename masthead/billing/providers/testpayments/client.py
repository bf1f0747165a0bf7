"""The demo's offline payment provider: a fake checkout page, no money moves.

It exists so a person trying the demo can subscribe without a Stripe account. It refuses
to run outside demo or debug mode (``get_provider``, the ``billing.E002`` deploy check and
the settings' start-up refusal).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core import signing
from django.urls import reverse

from masthead.billing.exceptions import ProviderError
from masthead.billing.providers.base import CheckoutRequest, CheckoutStart

SALT = "billing.test_checkout"
# A started test checkout can be completed for an hour.
CHECKOUT_MAX_AGE = 3600


class TestPaymentsProvider:
    """Checkout on a local page labelled as test payments; the portal is the account page."""

    name = "test"

    def start_checkout(self, request: CheckoutRequest) -> CheckoutStart:
        """Return the local fake checkout page for ``request``."""
        session_id = f"test_cs_{secrets.token_hex(8)}"
        token = signing.dumps(
            {
                "u": request.user_id,
                "p": request.plan_slug,
                "s": session_id,
                "next": request.success_url,
                "back": request.cancel_url,
                "t": request.trial_days,
            },
            salt=SALT,
        )
        url = reverse("billing:test_checkout", kwargs={"token": token})
        return CheckoutStart(url=url, session_id=session_id)

    def portal_url(self, customer_id: str, return_url: str) -> str:
        """Return the account page: cancel and resume are handled there."""
        return reverse("accounts:account")

    def set_cancel_at_period_end(self, subscription_id: str, cancel: bool) -> None:
        """Do nothing: the local record is the only record."""

    def cancel_now(self, subscription_id: str) -> None:
        """Do nothing: the local record is the only record."""

    def fetch_subscription(self, subscription_id: str) -> dict[str, Any]:
        """Raise: test payments keep no remote state."""
        raise ProviderError("Test payments keep no remote subscriptions", permanent=True)

    # Plan changes are worked out on the local record (``billing.subscriptions``), which is
    # the only record test payments keep; these calls have nothing to tell anyone.
    def change_plan_now(
        self, subscription_id: str, price_id: str, *, end_trial: bool, proration_date: dt.datetime
    ) -> dict[str, Any]:
        """Return nothing: the local record is changed by the caller."""
        return {}

    def preview_change(
        self, subscription_id: str, price_id: str, *, end_trial: bool, proration_date: dt.datetime
    ) -> int | None:
        """Return None: the caller computes the prorated amount itself."""
        return None

    def schedule_change(self, subscription_id: str, price_id: str, interval: str) -> str:
        """Return no schedule id: the pending plan on the local record is the schedule."""
        return ""

    def release_schedule(self, schedule_id: str) -> None:
        """Do nothing: the local record is the only record."""


def read_checkout(token: str) -> dict[str, Any] | None:
    """Return the checkout a token describes, or None when forged or older than an hour."""
    try:
        data = signing.loads(token, salt=SALT, max_age=CHECKOUT_MAX_AGE)
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) else None
