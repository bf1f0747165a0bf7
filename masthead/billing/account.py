"""What the account page shows about a reader's subscriptions and grants."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .models import AccessGrant, Subscription


@dataclass(frozen=True)
class Held:
    """One subscription as the reader sees it on the account page."""

    pk: int
    plan_name: str
    status_label: str
    is_entitling: bool
    renews_at: dt.datetime | None
    ends_at: dt.datetime | None
    can_cancel: bool
    can_resume: bool
    is_test: bool


def _held(subscription: Subscription, now: dt.datetime) -> Held:
    entitling = subscription.is_entitling(now)
    renewing = entitling and not subscription.cancel_at_period_end
    renewable = subscription.status in (Subscription.Status.TRIALING, Subscription.Status.ACTIVE)
    return Held(
        pk=subscription.pk,
        plan_name=subscription.plan.name,
        status_label=subscription.get_status_display() if entitling else "Ended",
        is_entitling=entitling,
        renews_at=subscription.current_period_end if renewing and renewable else None,
        ends_at=subscription.access_ends_at(now),
        can_cancel=renewing and renewable,
        can_resume=entitling and subscription.cancel_at_period_end,
        is_test=subscription.provider == Subscription.Provider.TEST,
    )


def held_by(user: Any, now: dt.datetime, limit: int = 10) -> list[Held]:
    """Return ``user``'s subscriptions, newest first, described at ``now``."""
    found = Subscription.objects.filter(user=user).select_related("plan")[:limit]
    return [_held(subscription, now) for subscription in found]


def grants_of(user: Any, now: dt.datetime) -> list[AccessGrant]:
    """Return ``user``'s hand grants in force at ``now``."""
    return list(AccessGrant.objects.active(now).filter(user=user))


def has_portal(user: Any) -> bool:
    """Return True when ``user`` has a Stripe customer whose portal can be opened."""
    stripe_ones = Subscription.objects.filter(user=user, provider=Subscription.Provider.STRIPE)
    return stripe_ones.exclude(provider_customer_id="").exists()
