"""Outgoing calls to Stripe through its official library, with a timeout on each.

The HTTP client is injectable: tests pass one that records requests and answers from
canned JSON, so nothing here reaches the network in the suite.
"""

from __future__ import annotations

import datetime as dt
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

    def _current_item(self, subscription_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """Return the subscription and its one item (Masthead sells one price per subscription)."""
        found = self.fetch_subscription(subscription_id)
        items = (found.get("items") or {}).get("data") or []
        if not items:
            raise ProviderError(f"subscription {subscription_id} has no item", permanent=True)
        return found, dict(items[0])

    def _change_params(
        self, item_id: str, price_id: str, end_trial: bool, proration_date: dt.datetime
    ) -> dict[str, Any]:
        # "always_invoice" bills the difference now instead of on the next invoice, so the
        # reader sees one charge for the upgrade, and the preview shows the same figure.
        params: dict[str, Any] = {
            "items": [{"id": item_id, "price": price_id}],
            "proration_behavior": "always_invoice",
            "proration_date": int(proration_date.timestamp()),
        }
        if end_trial:
            # No trial carries over into a plan change: the new plan is paid from today.
            params["trial_end"] = "now"
        return params

    def change_plan_now(
        self, subscription_id: str, price_id: str, *, end_trial: bool, proration_date: dt.datetime
    ) -> dict[str, Any]:
        """Swap the subscription's price at once, prorated and invoiced now.

        ``pending_if_incomplete`` keeps the old price until the prorated invoice is paid:
        a declined card leaves the plan as it was (the answer's ``pending_update`` says so).
        """
        _found, item = self._current_item(subscription_id)
        params: Any = self._change_params(str(item["id"]), price_id, end_trial, proration_date)
        params["payment_behavior"] = "pending_if_incomplete"
        updated = _call(
            "plan change",
            lambda: self._client.v1.subscriptions.update(subscription_id, params=params),
        )
        return dict(updated.to_dict())

    def preview_change(
        self, subscription_id: str, price_id: str, *, end_trial: bool, proration_date: dt.datetime
    ) -> int | None:
        """Return the amount Stripe would invoice now for the change; None when it cannot say."""
        try:
            _found, item = self._current_item(subscription_id)
            details = self._change_params(str(item["id"]), price_id, end_trial, proration_date)
            params: Any = {"subscription": subscription_id, "subscription_details": details}
            preview = _call(
                "plan change preview",
                lambda: self._client.v1.invoices.create_preview(params=params),
            )
        except ProviderError:
            return None
        return int(preview.to_dict().get("amount_due") or 0)

    def schedule_change(self, subscription_id: str, price_id: str, interval: str) -> str:
        """Put the subscription on a schedule whose next phase is ``price_id``; return its id.

        The current phase keeps today's price until the period ends; the next phase runs
        one interval at the new price, and ``release`` then leaves the subscription on
        that price with no schedule attached.
        """
        found, item = self._current_item(subscription_id)
        current_price = item.get("price") or {}
        current_price_id = (
            current_price.get("id") if isinstance(current_price, dict) else current_price
        )
        schedule_id = found.get("schedule")
        if isinstance(schedule_id, dict):
            schedule_id = schedule_id.get("id")
        if schedule_id:
            schedule = _call(
                "schedule fetch",
                lambda: self._client.v1.subscription_schedules.retrieve(str(schedule_id)),
            )
        else:
            create: Any = {"from_subscription": subscription_id}
            schedule = _call(
                "schedule create",
                lambda: self._client.v1.subscription_schedules.create(params=create),
            )
        current_phase = (schedule.to_dict().get("phases") or [{}])[0]
        update: Any = {
            "end_behavior": "release",
            "proration_behavior": "none",
            "metadata": {"masthead_pending_price": price_id},
            "phases": [
                {
                    "items": [{"price": current_price_id, "quantity": 1}],
                    "start_date": current_phase.get("start_date"),
                    "end_date": current_phase.get("end_date"),
                },
                {
                    "items": [{"price": price_id, "quantity": 1}],
                    "duration": {"interval": interval, "interval_count": 1},
                    "proration_behavior": "none",
                },
            ],
        }
        schedule_key = str(schedule.id)
        _call(
            "schedule update",
            lambda: self._client.v1.subscription_schedules.update(schedule_key, params=update),
        )
        return schedule_key

    def release_schedule(self, schedule_id: str) -> None:
        """Detach the schedule: the subscription keeps its current price and renews as is."""
        _call(
            "schedule release",
            lambda: self._client.v1.subscription_schedules.release(schedule_id),
        )
