"""Changes to a reader's subscriptions, whichever provider reported or asked for them.

Every change goes through ``save_state`` so that analytics hear about starts, cancellations
and lapses in one place.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction

from masthead.core.events import EventKind, record

from .models import Plan, Subscription
from .providers import get_provider

logger = logging.getLogger(__name__)

_ENTITLING = (Subscription.Status.TRIALING, Subscription.Status.ACTIVE)


def grace_end(since: dt.datetime) -> dt.datetime:
    """Return when a payment overdue since ``since`` stops opening articles."""
    return since + dt.timedelta(days=settings.BILLING_GRACE_DAYS)


def _transition_kind(
    subscription: Subscription, status: str, was_canceling: bool
) -> EventKind | None:
    """Return the event for going from ``status``/``was_canceling`` to now, or None."""
    now_status = subscription.status
    if now_status in _ENTITLING and status not in (*_ENTITLING, Subscription.Status.PAST_DUE):
        return EventKind.SUBSCRIPTION_STARTED
    if now_status in _ENTITLING and subscription.cancel_at_period_end and not was_canceling:
        return EventKind.SUBSCRIPTION_CANCELED
    if now_status == Subscription.Status.CANCELED and status != now_status and not was_canceling:
        return EventKind.SUBSCRIPTION_CANCELED
    if now_status == Subscription.Status.EXPIRED and status != now_status:
        return EventKind.SUBSCRIPTION_LAPSED
    return None


def _record_transition(subscription: Subscription, status: str, was_canceling: bool) -> None:
    kind = _transition_kind(subscription, status, was_canceling)
    if kind is not None:
        record(kind, user_id=subscription.user_id, extra={"plan": subscription.plan.slug})


def save_state(subscription: Subscription, *, previous: tuple[str, bool] = ("", False)) -> None:
    """Save ``subscription`` and record the transition from ``previous`` (status, canceling).

    ``previous`` is ``("", False)`` for a subscription that did not exist before.
    """
    subscription.save()
    status, was_canceling = previous
    transaction.on_commit(lambda: _record_transition(subscription, status, was_canceling))


def start_test_subscription(
    user: Any, plan: Plan, now: dt.datetime, reference: str | None = None
) -> Subscription:
    """Return a new subscription paid with test payments: trialing if the plan has a trial.

    ``reference`` (the checkout's id) is unique: completing one checkout twice raises
    ``IntegrityError``.
    """
    trial = plan.trial_days > 0
    subscription = Subscription(
        user=user,
        plan=plan,
        provider=Subscription.Provider.TEST,
        provider_subscription_id=reference,
        status=Subscription.Status.TRIALING if trial else Subscription.Status.ACTIVE,
        current_period_end=(
            now + dt.timedelta(days=plan.trial_days) if trial else plan.period(now)
        ),
        provider_state_at=now,
    )
    save_state(subscription)
    return subscription


def set_cancel_at_period_end(subscription: Subscription, cancel: bool) -> None:
    """Cancel at period end (``cancel``) or resume, at the provider and here.

    Raises ``ProviderError`` when the provider refuses; nothing changes here then.
    """
    if subscription.provider_subscription_id and subscription.provider != "manual":
        provider = get_provider(subscription.provider)
        provider.set_cancel_at_period_end(subscription.provider_subscription_id, cancel)
    previous = (subscription.status, subscription.cancel_at_period_end)
    subscription.cancel_at_period_end = cancel
    save_state(subscription, previous=previous)


def end_all_now(user: Any, now: dt.datetime) -> None:
    """End every open subscription of ``user`` at once, at the provider too.

    Raises ``ProviderError`` when a provider refuses; subscriptions ended before that
    stay ended.
    """
    open_ones = Subscription.objects.filter(user=user).exclude(
        status__in=(Subscription.Status.CANCELED, Subscription.Status.EXPIRED)
    )
    for subscription in open_ones:
        if subscription.provider_subscription_id and subscription.provider != "manual":
            get_provider(subscription.provider).cancel_now(subscription.provider_subscription_id)
        previous = (subscription.status, subscription.cancel_at_period_end)
        subscription.status = Subscription.Status.CANCELED
        subscription.ended_at = now
        save_state(subscription, previous=previous)
