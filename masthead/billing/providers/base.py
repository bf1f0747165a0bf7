"""The shape every payment provider has: start a checkout, open a portal, change a plan.

Views and webhook handlers talk to a ``PaymentProvider``; they never import a provider's
library. Tests inject a double that records the calls (``billing/tests/doubles.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class CheckoutRequest:
    """Who is buying which plan, and where the provider sends them afterwards."""

    user_id: int
    email: str
    plan_slug: str
    price_id: str
    trial_days: int
    success_url: str
    cancel_url: str
    customer_id: str = ""


@dataclass(frozen=True)
class CheckoutStart:
    """Where to send the reader to pay, and the provider's id for that checkout."""

    url: str
    session_id: str


class PaymentProvider(Protocol):
    """Outgoing calls to a payment provider. Every method raises ``ProviderError``."""

    name: str

    def start_checkout(self, request: CheckoutRequest) -> CheckoutStart:
        """Return the page where the reader pays for ``request.plan_slug``."""
        ...

    def portal_url(self, customer_id: str, return_url: str) -> str:
        """Return the provider's self-service page (cards, invoices, cancellation)."""
        ...

    def set_cancel_at_period_end(self, subscription_id: str, cancel: bool) -> None:
        """Cancel at the period's end (``cancel``) or resume a subscription set to end."""
        ...

    def cancel_now(self, subscription_id: str) -> None:
        """End a subscription at once (the account is being deleted)."""
        ...

    def fetch_subscription(self, subscription_id: str) -> dict[str, Any]:
        """Return the provider's current description of a subscription."""
        ...

    def change_plan_now(
        self, subscription_id: str, price_id: str, *, end_trial: bool, proration_date: dt.datetime
    ) -> dict[str, Any]:
        """Move a subscription to ``price_id`` at once, invoicing the prorated difference.

        Return the subscription as the provider describes it afterwards.
        """
        ...

    def preview_change(
        self, subscription_id: str, price_id: str, *, end_trial: bool, proration_date: dt.datetime
    ) -> int | None:
        """Return what ``change_plan_now`` would charge today (minor units), None if unknown."""
        ...

    def schedule_change(self, subscription_id: str, price_id: str, interval: str) -> str:
        """Move a subscription to ``price_id`` when its period ends; return the schedule's id."""
        ...

    def release_schedule(self, schedule_id: str) -> None:
        """Call off a scheduled change: the subscription carries on as it is."""
        ...
