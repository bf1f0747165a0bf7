"""Reading Stripe's objects (documented shapes, old and new API versions) into our records.

A subscription event carries the whole subscription as it was when the event was made.
``apply_subscription`` stores it unless a newer snapshot was stored already, so events
delivered out of order cannot roll a subscription back.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from masthead.billing import emails
from masthead.billing.emails import Receipt
from masthead.billing.exceptions import EventError
from masthead.billing.models import Plan, Subscription
from masthead.billing.subscriptions import grace_end, save_state

logger = logging.getLogger(__name__)
Status = Subscription.Status

# Stripe's statuses mapped to ours. Unpaid, incomplete and paused subscriptions open nothing.
STATUSES = {
    "trialing": Status.TRIALING,
    "active": Status.ACTIVE,
    "past_due": Status.PAST_DUE,
    "canceled": Status.CANCELED,
    "unpaid": Status.EXPIRED,
    "incomplete": Status.EXPIRED,
    "incomplete_expired": Status.EXPIRED,
    "paused": Status.EXPIRED,
}
# Two snapshots made in the same second: the one further along this order wins.
_PROGRESS: dict[str, int] = {
    Status.EXPIRED: 0,
    Status.TRIALING: 1,
    Status.ACTIVE: 2,
    Status.PAST_DUE: 3,
}


def moment(value: Any) -> dt.datetime | None:
    """Return a Stripe Unix timestamp as an aware datetime; None when absent."""
    if value in (None, ""):
        return None
    return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)


def _period_end(obj: dict[str, Any]) -> dt.datetime | None:
    # API versions from 2025 carry the period on each item instead of the subscription.
    if obj.get("current_period_end"):
        return moment(obj["current_period_end"])
    ends = [
        int(item["current_period_end"]) for item in _items(obj) if item.get("current_period_end")
    ]
    return moment(max(ends)) if ends else None


def _period_start(obj: dict[str, Any]) -> dt.datetime | None:
    if obj.get("current_period_start"):
        return moment(obj["current_period_start"])
    starts = [
        int(item["current_period_start"])
        for item in _items(obj)
        if item.get("current_period_start")
    ]
    return moment(max(starts)) if starts else None


def _items(obj: dict[str, Any]) -> list[dict[str, Any]]:
    items = obj.get("items") or {}
    return list(items.get("data") or []) if isinstance(items, dict) else []


def _find_plan(obj: dict[str, Any], existing: Subscription | None) -> Plan:
    for item in _items(obj):
        price = item.get("price") or {}
        price_id = price.get("id") if isinstance(price, dict) else price
        plan = Plan.objects.filter(stripe_price_id=price_id).first() if price_id else None
        if plan is not None:
            return plan
    slug = (obj.get("metadata") or {}).get("masthead_plan", "")
    plan = Plan.objects.filter(slug=slug).first() if slug else None
    if plan is not None:
        return plan
    if existing is not None:
        return existing.plan
    raise EventError(f"no plan for subscription {obj.get('id')}", permanent=True)


def find_user(metadata: dict[str, Any] | None, customer_id: str) -> Any:
    """Return the account a Stripe object belongs to, or None when it cannot be told.

    The ``masthead_user`` metadata set at checkout is believed first, then any earlier
    subscription of the same Stripe customer.
    """
    user_id = str((metadata or {}).get("masthead_user", ""))
    if user_id.isdigit():
        user = get_user_model().objects.filter(pk=int(user_id)).first()
        if user is not None:
            return user
    if customer_id:
        earlier = Subscription.objects.filter(provider="stripe", provider_customer_id=customer_id)
        found = earlier.select_related("user").first()
        return found.user if found else None
    return None


def _is_stale(existing: Subscription, status: str, event_at: dt.datetime) -> bool:
    stored_at = existing.provider_state_at
    if stored_at is None or event_at > stored_at:
        return False
    if event_at < stored_at:
        return True
    terminal = (Status.CANCELED,)
    if existing.status in terminal:
        return True
    return _PROGRESS.get(status, 9) < _PROGRESS.get(existing.status, 9)


def _status_of(obj: dict[str, Any]) -> str:
    status = STATUSES.get(str(obj.get("status", "")))
    if status is None:
        raise EventError(f"unknown subscription status {obj.get('status')!r}", permanent=True)
    reason = (obj.get("cancellation_details") or {}).get("reason")
    if status == Status.CANCELED and reason == "payment_failed":
        return Status.EXPIRED  # ended for non-payment: the subscription lapsed
    return status


def apply_subscription(obj: dict[str, Any], event_at: dt.datetime) -> Subscription | None:
    """Store the subscription ``obj`` describes as of ``event_at``; return it.

    Returns None when a newer snapshot is stored already. Raises a permanent
    ``EventError`` when the owner or plan cannot be told.
    """
    sub_id = str(obj.get("id") or "")
    if not sub_id.startswith("sub_"):
        raise EventError("subscription event without a subscription id", permanent=True)
    existing = (
        Subscription.objects.select_for_update()
        .filter(provider="stripe", provider_subscription_id=sub_id)
        .first()
    )
    status = _status_of(obj)
    if existing is not None and _is_stale(existing, status, event_at):
        return None
    customer_id = str(obj.get("customer") or "")
    subscription = existing or _new_subscription(obj, sub_id, customer_id)
    previous = (existing.status, existing.cancel_at_period_end) if existing else ("", False)
    old_plan = existing.plan if existing else None
    subscription.plan = _find_plan(obj, existing)
    subscription.provider_customer_id = customer_id or subscription.provider_customer_id
    _copy_state(subscription, obj, status, event_at)
    if previous[0] not in _LIVE:
        _flag_if_duplicate(subscription)
    if old_plan is not None and old_plan.pk != subscription.plan_id:
        _plan_moved(subscription, old_plan)
    save_state(subscription, previous=previous)
    return subscription


_LIVE = (Status.TRIALING, Status.ACTIVE, Status.PAST_DUE)


def _flag_if_duplicate(subscription: Subscription) -> None:
    """Flag a subscription that turns live beside the reader's own live one.

    It was made outside Masthead (Stripe's dashboard, an old checkout link): the reader
    keeps it and what it opens, nothing is cancelled, and the admin shows it flagged.
    """
    if subscription.status not in _LIVE or subscription.is_duplicate:
        return
    others = Subscription.objects.live().filter(user=subscription.user, is_duplicate=False)
    if subscription.pk is not None:
        others = others.exclude(pk=subscription.pk)
    if others.exists():
        subscription.is_duplicate = True
        logger.warning(
            "stripe subscription %s is a second live subscription of account %s",
            subscription.provider_subscription_id,
            subscription.user_id,
        )


def _plan_moved(subscription: Subscription, old_plan: Plan) -> None:
    """Note a plan that changed at Stripe: a scheduled change arriving, or one made there.

    A change Masthead scheduled was mailed when the reader asked for it; any other change
    (an upgrade made here, or one made in Stripe's dashboard or portal) is mailed now,
    once: the row is locked and the next event finds the plan already moved.
    """
    arrived = subscription.pending_plan_id == subscription.plan_id
    subscription.pending_plan = None
    subscription.pending_plan_from = None
    subscription.pending_schedule_id = ""
    if arrived:
        return
    user, new_plan = subscription.user, subscription.plan
    transaction.on_commit(
        lambda: emails.send_plan_changed(
            user,
            old_plan=old_plan.name,
            new_plan=new_plan.name,
            effective_at=None,
            price=new_plan.price_per_interval,
        )
    )


def _phase_price(phase: dict[str, Any]) -> str:
    for item in phase.get("items") or []:
        price = item.get("price")
        return str(price.get("id") if isinstance(price, dict) else price or "")
    return ""


def apply_schedule_end(obj: dict[str, Any], event_at: dt.datetime) -> None:
    """Settle the pending change of a schedule that was released, completed or canceled.

    When the phase with the new price had begun, the new plan is in force (its
    subscription event may still be on its way); otherwise the change was called off
    (at Stripe, by someone other than the reader on this site) and the pending plan goes.
    Schedules Masthead did not make, or already forgot, change nothing.
    """
    sub_id = str(obj.get("subscription") or obj.get("released_subscription") or "")
    if isinstance(obj.get("subscription"), dict):
        sub_id = str(obj["subscription"].get("id") or "")
    subscription = (
        Subscription.objects.select_for_update()
        .filter(provider="stripe", provider_subscription_id=sub_id)
        .first()
    )
    if subscription is None or not subscription.pending_schedule_id:
        return
    if subscription.pending_schedule_id != str(obj.get("id") or ""):
        return
    pending = subscription.pending_plan
    began = pending is not None and any(
        _phase_price(phase) == pending.stripe_price_id
        and (moment(phase.get("start_date")) or event_at) <= event_at
        for phase in obj.get("phases") or []
    )
    previous = (subscription.status, subscription.cancel_at_period_end)
    if began and pending is not None:
        subscription.plan = pending
    subscription.pending_plan = None
    subscription.pending_plan_from = None
    subscription.pending_schedule_id = ""
    save_state(subscription, previous=previous)


def _new_subscription(obj: dict[str, Any], sub_id: str, customer_id: str) -> Subscription:
    user = find_user(obj.get("metadata"), customer_id)
    if user is None:
        raise EventError(f"no account for subscription {sub_id}", permanent=True)
    return Subscription(user=user, provider="stripe", provider_subscription_id=sub_id)


def _copy_state(
    subscription: Subscription, obj: dict[str, Any], status: str, event_at: dt.datetime
) -> None:
    was_past_due = subscription.status == Status.PAST_DUE
    subscription.status = status
    subscription.current_period_end = _period_end(obj) or subscription.current_period_end
    subscription.current_period_start = _period_start(obj) or subscription.current_period_start
    subscription.trial_ends_at = moment(obj.get("trial_end")) or subscription.trial_ends_at
    subscription.cancel_at_period_end = bool(obj.get("cancel_at_period_end"))
    subscription.ended_at = moment(obj.get("ended_at"))
    subscription.provider_state_at = event_at
    if status != Status.PAST_DUE:
        subscription.grace_ends_at = None
    elif not was_past_due or subscription.grace_ends_at is None:
        subscription.grace_ends_at = grace_end(event_at)


def receipt_from_invoice(obj: dict[str, Any], plan_name: str) -> Receipt:
    """Return what a receipt mail says about a paid Stripe invoice."""
    return Receipt(
        number=str(obj.get("number") or obj.get("id") or ""),
        amount_minor=int(obj.get("amount_paid") or 0),
        currency=str(obj.get("currency") or "").upper(),
        plan_name=plan_name,
        paid_at=moment((obj.get("status_transitions") or {}).get("paid_at")),
        url=str(obj.get("hosted_invoice_url") or ""),
    )
