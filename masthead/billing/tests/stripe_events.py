"""Stripe events in Stripe's documented shapes, signed the way Stripe signs them.

The signature header is ``t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>``.
Objects follow the current API shape (periods on subscription items, invoices pointing at
their subscription through ``parent.subscription_details``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import json
import time
from typing import Any

from django.test import Client

SECRET = "whsec_test_masthead_readers"
WEBHOOK_URL = "/billing/stripe/webhook/"
_ids = itertools.count(1)


def unix(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def sign(payload: str, secret: str = SECRET, at: int | None = None) -> str:
    """Return a ``Stripe-Signature`` header for ``payload``."""
    stamp = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{stamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def event(
    kind: str, obj: dict[str, Any], created: dt.datetime, event_id: str = ""
) -> dict[str, Any]:
    """Return an event envelope around ``obj``."""
    return {
        "id": event_id or f"evt_test_{next(_ids):06d}",
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": unix(created),
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": kind,
    }


def subscription_object(
    sub_id: str,
    *,
    user_id: int | None,
    price_id: str = "price_all_access",
    plan_slug: str = "all-access",
    status: str = "active",
    period_end: dt.datetime,
    cancel_at_period_end: bool = False,
    customer: str = "cus_test_1",
    cancellation_reason: str | None = None,
) -> dict[str, Any]:
    """Return a Subscription object."""
    metadata = {"masthead_plan": plan_slug}
    if user_id is not None:
        metadata["masthead_user"] = str(user_id)
    return {
        "id": sub_id,
        "object": "subscription",
        "customer": customer,
        "status": status,
        "cancel_at_period_end": cancel_at_period_end,
        "canceled_at": None,
        "ended_at": unix(period_end) if status == "canceled" else None,
        "cancellation_details": {"reason": cancellation_reason, "comment": None, "feedback": None},
        "metadata": metadata,
        "items": {
            "object": "list",
            "data": [
                {
                    "id": f"si_{sub_id}",
                    "object": "subscription_item",
                    "current_period_start": unix(period_end - dt.timedelta(days=30)),
                    "current_period_end": unix(period_end),
                    "price": {"id": price_id, "object": "price", "currency": "usd"},
                    "quantity": 1,
                }
            ],
        },
    }


def checkout_session(sub_id: str, *, user_id: int, customer: str = "cus_test_1") -> dict[str, Any]:
    """Return a completed Checkout Session in subscription mode."""
    return {
        "id": f"cs_test_{next(_ids):06d}",
        "object": "checkout.session",
        "mode": "subscription",
        "status": "complete",
        "payment_status": "paid",
        "client_reference_id": str(user_id),
        "customer": customer,
        "subscription": sub_id,
        "metadata": {"masthead_user": str(user_id)},
    }


def invoice(
    sub_id: str,
    *,
    user_id: int | None = None,
    customer: str = "cus_test_1",
    amount: int = 1500,
    paid_at: dt.datetime | None = None,
    next_attempt: dt.datetime | None = None,
) -> dict[str, Any]:
    """Return an Invoice of ``sub_id`` (paid when ``paid_at`` is given)."""
    metadata = {"masthead_user": str(user_id)} if user_id else {}
    return {
        "id": f"in_test_{next(_ids):06d}",
        "object": "invoice",
        "number": f"MAST-{next(_ids):04d}",
        "customer": customer,
        "currency": "usd",
        "amount_due": amount,
        "amount_paid": amount if paid_at else 0,
        "status": "paid" if paid_at else "open",
        "hosted_invoice_url": "https://invoice.stripe.com/i/test",
        "next_payment_attempt": unix(next_attempt) if next_attempt else None,
        "status_transitions": {"paid_at": unix(paid_at) if paid_at else None},
        "parent": {
            "type": "subscription_details",
            "subscription_details": {"subscription": sub_id, "metadata": metadata},
        },
    }


def deliver(
    client: Client, body: dict[str, Any] | str, secret: str = SECRET, **headers: str
) -> Any:
    """POST an event to the webhook, signed with ``secret`` unless a header is given."""
    payload = body if isinstance(body, str) else json.dumps(body)
    signature = headers.pop("signature", None) or sign(payload, secret)
    return client.post(
        WEBHOOK_URL,
        data=payload,
        content_type="application/json",
        headers={"Stripe-Signature": signature, **headers},
    )
