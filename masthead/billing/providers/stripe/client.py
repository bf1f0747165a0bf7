"""Outgoing calls to Stripe through its official library, with a timeout on each.

The HTTP client is injectable: tests pass one that records requests and answers from
canned JSON, so nothing here reaches the network in the suite.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import stripe
from django.conf import settings

from masthead.billing.exceptions import ProviderError
from masthead.billing.providers.base import CheckoutRequest, CheckoutStart

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
_T = TypeVar("_T")


def _call(what: str, call: Callable[[], _T]) -> _T:
    """Run one Stripe call, turning its errors into ``ProviderError``.

    Connection trouble, rate limits and Stripe's own 5xx may pass on retry; a refused
    request (bad key, unknown price) will not.
    """
    try:
        return call()
    except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
        logger.warning("stripe %s failed (transient): %s", what, type(exc).__name__)
        raise ProviderError(f"Stripe could not be reached ({what})") from exc
    except stripe.StripeError as exc:
        status = exc.http_status or 0
        logger.warning("stripe %s failed: http %s %s", what, status, type(exc).__name__)
        raise ProviderError(f"Stripe refused {what}", permanent=status < 500) from exc


class StripeProvider:
    """Checkout, customer portal and subscription changes on Stripe."""

    name = "stripe"

    def __init__(self, api_key: str, http_client: stripe.HTTPClient | None = None) -> None:
        if not api_key:
            raise ProviderError("BILLING_STRIPE_SECRET_KEY is not set", permanent=True)
        self._client = stripe.StripeClient(
            api_key,
            http_client=http_client or stripe.RequestsClient(timeout=TIMEOUT_SECONDS),
            max_network_retries=1,
        )

    @classmethod
    def from_settings(cls) -> StripeProvider:
        """Return a provider using ``BILLING_STRIPE_SECRET_KEY``."""
        return cls(settings.BILLING_STRIPE_SECRET_KEY)

    def start_checkout(self, request: CheckoutRequest) -> CheckoutStart:
        """Return a Checkout session for one subscription to ``request.price_id``."""
        metadata = {"masthead_user": str(request.user_id), "masthead_plan": request.plan_slug}
        subscription_data: dict[str, Any] = {"metadata": metadata}
        if request.trial_days:
            subscription_data["trial_period_days"] = request.trial_days
        # Plain dicts: the library's TypedDicts would add nothing the tests do not check.
        params: Any = {
            "mode": "subscription",
            "line_items": [{"price": request.price_id, "quantity": 1}],
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "client_reference_id": str(request.user_id),
            "metadata": metadata,
            "subscription_data": subscription_data,
        }
        if request.customer_id:
            params["customer"] = request.customer_id
        else:
            params["customer_email"] = request.email
        session = _call("checkout", lambda: self._client.v1.checkout.sessions.create(params=params))
        return CheckoutStart(url=str(session.url), session_id=str(session.id))

    def portal_url(self, customer_id: str, return_url: str) -> str:
        """Return a customer-portal session URL for ``customer_id``."""
        params: Any = {"customer": customer_id, "return_url": return_url}
        session = _call(
            "portal", lambda: self._client.v1.billing_portal.sessions.create(params=params)
        )
        return str(session.url)

    def set_cancel_at_period_end(self, subscription_id: str, cancel: bool) -> None:
        """Ask Stripe to end (or keep renewing) the subscription at the period's end."""
        params: Any = {"cancel_at_period_end": cancel}
        _call(
            "subscription update",
            lambda: self._client.v1.subscriptions.update(subscription_id, params=params),
        )

    def cancel_now(self, subscription_id: str) -> None:
        """Cancel the subscription at once."""
        _call("subscription cancel", lambda: self._client.v1.subscriptions.cancel(subscription_id))

    def fetch_subscription(self, subscription_id: str) -> dict[str, Any]:
        """Return the subscription as Stripe describes it now."""
        found = _call(
            "subscription fetch", lambda: self._client.v1.subscriptions.retrieve(subscription_id)
        )
        return dict(found.to_dict())
