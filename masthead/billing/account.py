"""What the account page shows about a reader's subscriptions and grants.

Each subscription is described in the reader's words: "Active" with the renewal date and
price, "Trial until Dec. 6, 2026, then $6.00/month", "Ends on Dec. 29, 2026" once canceled
at the end of the period. Dates are AP style in the publication's time zone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from masthead.core.timezones import time_zone
from masthead.newsroom import aptime

from .models import AccessGrant, Subscription
from .subscriptions import settle

Status = Subscription.Status


@dataclass(frozen=True)
class Held:
    """One subscription as the reader sees it on the account page.

    ``status_label`` goes after the plan's name ("Active", "Ends on Dec. 29, 2026");
    ``detail`` is the sentence under it, or "" when there is nothing to add.
    """

    pk: int
    plan_name: str
    status_label: str
    detail: str
    is_entitling: bool
    can_cancel: bool
    can_resume: bool
    is_test: bool
    pending: str = ""
    can_change_plan: bool = False
    is_duplicate: bool = False


def reader_date(moment: dt.datetime) -> str:
    """Return ``moment`` as an AP date in the publication's time zone ("Dec. 29, 2026")."""
    return aptime.ap_date(moment, _zone())


def _zone() -> zoneinfo.ZoneInfo:
    from masthead.newsroom.models import Publication

    # A bad zone typed into the admin must not take the account page down.
    return time_zone(Publication.current().time_zone) or zoneinfo.ZoneInfo("America/New_York")


def _wording(
    subscription: Subscription, now: dt.datetime, zone: zoneinfo.ZoneInfo
) -> tuple[str, str]:
    """Return (status label, detail sentence) for ``subscription`` at ``now``."""
    if not subscription.is_entitling(now):
        return "Ended", ""
    price = subscription.plan_at(now).price_per_interval
    period_end = subscription.current_period_end
    day = aptime.ap_date(period_end, zone) if period_end else ""
    if subscription.status == Status.PAST_DUE:
        until = (
            aptime.ap_date(subscription.grace_ends_at, zone) if subscription.grace_ends_at else ""
        )
        return "Payment overdue", (
            f"Access ends on {until} unless the payment goes through. "
            "Update your card to keep reading."
        )
    if subscription.cancel_at_period_end:
        return f"Ends on {day}", "It will not renew; resume it to keep reading after that day."
    if subscription.pending_plan is not None and subscription.plan_at(now) == subscription.plan:
        if subscription.status == Status.TRIALING:
            return f"Trial until {day}", ""
        return "Active", f"Paid until {day}."
    if subscription.status == Status.TRIALING:
        if not day:
            return "Trial", f"Then {price}."
        return f"Trial until {day}, then {price}", ""
    if day:
        return "Active", f"Renews on {day} at {price}."
    return "Active", f"{price}."


def _held(subscription: Subscription, now: dt.datetime, zone: zoneinfo.ZoneInfo) -> Held:
    entitling = subscription.is_entitling(now)
    renewable = subscription.status in (Status.TRIALING, Status.ACTIVE)
    label, detail = _wording(subscription, now, zone)
    pending = ""
    upcoming = subscription.pending_plan
    if entitling and upcoming is not None and subscription.plan_at(now) != upcoming:
        when = subscription.pending_plan_from
        day = aptime.ap_date(when, zone) if when else "the end of this period"
        pending = f"Changes to {upcoming.name} on {day}, then {upcoming.price_per_interval}."
    return Held(
        pk=subscription.pk,
        plan_name=subscription.plan_at(now).name,
        status_label=label,
        detail=detail,
        is_entitling=entitling,
        can_cancel=entitling and renewable and not subscription.cancel_at_period_end,
        can_resume=entitling and subscription.cancel_at_period_end,
        is_test=subscription.provider == Subscription.Provider.TEST,
        pending=pending,
        can_change_plan=(
            entitling
            and subscription.status in (Status.TRIALING, Status.ACTIVE)
            and not subscription.cancel_at_period_end
            and subscription.provider != Subscription.Provider.MANUAL
        ),
        is_duplicate=subscription.is_duplicate,
    )


def held_by(user: Any, now: dt.datetime, limit: int = 10) -> list[Held]:
    """Return ``user``'s subscriptions, newest first, described at ``now``."""
    found = list(
        Subscription.objects.filter(user=user).select_related("plan", "pending_plan")[:limit]
    )
    for subscription in found:
        if subscription.is_live:
            settle(subscription, now)  # test payments: roll an ended period on, apply a due change
    zone = _zone()
    return [_held(subscription, now, zone) for subscription in found]


def grants_of(user: Any, now: dt.datetime) -> list[AccessGrant]:
    """Return ``user``'s hand grants in force at ``now``."""
    return list(AccessGrant.objects.active(now).filter(user=user))


def has_portal(user: Any) -> bool:
    """Return True when ``user`` has a Stripe customer whose portal can be opened."""
    stripe_ones = Subscription.objects.filter(user=user, provider=Subscription.Provider.STRIPE)
    return stripe_ones.exclude(provider_customer_id="").exists()
