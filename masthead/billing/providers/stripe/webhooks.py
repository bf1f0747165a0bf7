"""Stripe's webhook: verify the signature, store the event, process it once.

Handlers take the object inside the event (``data.object``) and re-read the state from
it instead of trusting the order events arrive in. The dispatch table names every event
type handled; anything else is stored and acknowledged.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import stripe
from django.conf import settings
from django.db import transaction

from masthead.billing import emails
from masthead.billing.events import Handler, Outcome, process, store
from masthead.billing.exceptions import EventError, ProviderError
from masthead.billing.models import Subscription
from masthead.billing.providers import get_provider
from masthead.billing.subscriptions import grace_end, save_state

from .snapshots import (
    apply_schedule_end,
    apply_subscription,
    find_user,
    moment,
    receipt_from_invoice,
)

logger = logging.getLogger(__name__)


class SignatureError(Exception):
    """The delivery is not signed with our webhook secret (or is not JSON at all)."""


def verify(payload: bytes, signature: str) -> dict[str, Any]:
    """Return the event after checking its signature; raise ``SignatureError`` if it fails.

    Nothing is parsed before ``stripe.Webhook.construct_event`` has checked the HMAC and
    the timestamp's age.
    """
    secret = settings.BILLING_STRIPE_WEBHOOK_SECRET
    if not secret:
        raise SignatureError("BILLING_STRIPE_WEBHOOK_SECRET is not set")
    try:
        event = stripe.Webhook.construct_event(payload.decode("utf-8"), signature, secret)
    except (ValueError, UnicodeDecodeError, stripe.SignatureVerificationError) as exc:
        raise SignatureError(type(exc).__name__) from exc
    return dict(event.to_dict())


def receive(payload: bytes, signature: str) -> Outcome:
    """Verify, store and process one delivery; return what happened.

    Raises ``SignatureError`` for a bad signature (nothing stored) and re-raises a
    transient failure after rolling the claim back.
    """
    event = verify(payload, signature)
    event_id, kind = str(event.get("id", "")), str(event.get("type", ""))
    if not event_id or not isinstance((event.get("data") or {}).get("object"), dict):
        raise SignatureError("signed, but not an event")
    stored = store("stripe", event_id, kind, event)
    event_at = moment(event.get("created")) or stored.received_at
    outcome = process(stored, HANDLERS, event_at)
    logger.info("stripe event %s %s: %s", event_id, kind, outcome.value)
    return outcome


def _subscription_changed(obj: dict[str, Any], event_at: dt.datetime) -> None:
    apply_subscription(obj, event_at)


def _checkout_completed(obj: dict[str, Any], event_at: dt.datetime) -> None:
    """Link the paid checkout to its subscription, fetching it when no event brought it yet."""
    if obj.get("mode") != "subscription":
        return
    found = obj.get("subscription")
    if isinstance(found, dict):
        apply_subscription(found, event_at)
        return
    sub_id = str(found or "")
    if not sub_id or Subscription.objects.filter(provider_subscription_id=sub_id).exists():
        return
    try:
        current = get_provider("stripe").fetch_subscription(sub_id)
    except ProviderError as exc:
        raise EventError(str(exc), permanent=exc.permanent) from exc
    current.setdefault("metadata", {}).setdefault("masthead_user", obj.get("client_reference_id"))
    apply_subscription(current, event_at)


def _invoice_subscription(obj: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Return the invoice's subscription id and its metadata (either API shape)."""
    details = ((obj.get("parent") or {}).get("subscription_details")) or (
        obj.get("subscription_details") or {}
    )
    sub_id = details.get("subscription") or obj.get("subscription") or ""
    return str(sub_id), dict(details.get("metadata") or {})


def _invoice_paid(obj: dict[str, Any], event_at: dt.datetime) -> None:
    sub_id, metadata = _invoice_subscription(obj)
    subscription = Subscription.objects.filter(provider_subscription_id=sub_id).first()
    user = subscription.user if subscription else find_user(metadata, str(obj.get("customer")))
    if user is None:
        raise EventError(f"no account for invoice {obj.get('id')}", permanent=True)
    receipt = receipt_from_invoice(obj, subscription.plan.name if subscription else "")
    transaction.on_commit(lambda: emails.send_receipt(user, receipt))


def _invoice_failed(obj: dict[str, Any], event_at: dt.datetime) -> None:
    sub_id, _ = _invoice_subscription(obj)
    subscription = (
        Subscription.objects.select_for_update().filter(provider_subscription_id=sub_id).first()
    )
    if subscription is None:
        raise EventError(f"no subscription for invoice {obj.get('id')}", permanent=True)
    if subscription.status in (Subscription.Status.ACTIVE, Subscription.Status.TRIALING):
        previous = (subscription.status, subscription.cancel_at_period_end)
        subscription.status = Subscription.Status.PAST_DUE
        subscription.grace_ends_at = grace_end(event_at)
        if subscription.provider_state_at is None or event_at > subscription.provider_state_at:
            subscription.provider_state_at = event_at
        save_state(subscription, previous=previous)
    retry_at = moment(obj.get("next_payment_attempt"))
    user = subscription.user
    transaction.on_commit(lambda: emails.send_payment_failed(user, retry_at))


HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": _checkout_completed,
    "customer.subscription.created": _subscription_changed,
    "customer.subscription.updated": _subscription_changed,
    "customer.subscription.deleted": _subscription_changed,
    "invoice.paid": _invoice_paid,
    "invoice.payment_failed": _invoice_failed,
    # A downgrade waits on a subscription schedule; these say the schedule let go of the
    # subscription (its new phase began, or someone called it off at Stripe).
    "subscription_schedule.released": apply_schedule_end,
    "subscription_schedule.completed": apply_schedule_end,
    "subscription_schedule.canceled": apply_schedule_end,
    "subscription_schedule.aborted": apply_schedule_end,
}
