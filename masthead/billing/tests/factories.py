"""Builders for billing tests: readers, plans, subscriptions. Gifts and accounts reuse them."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from masthead.access import AccessLevel
from masthead.accounts.models import User
from masthead.billing.models import Plan, Subscription

NOW = dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)
ALL_LEVELS = [AccessLevel.METERED, AccessLevel.REGISTERED, AccessLevel.SUBSCRIBER]


def reader(email: str | None = None, password: str = PASSWORD) -> User:
    """Return a saved reader with ``password``."""
    return User.objects.create_user(email or f"reader{next(_numbers)}@example.com", password)


def plan(slug: str = "all-access", **fields: Any) -> Plan:
    """Return a saved plan opening every paywalled level everywhere, unless told otherwise."""
    fields.setdefault("name", slug.replace("-", " ").title())
    fields.setdefault("price_minor", 1500)
    fields.setdefault("levels", ALL_LEVELS)
    fields.setdefault("stripe_price_id", f"price_{slug.replace('-', '_')}")
    sections = fields.pop("sections", ())
    found, _ = Plan.objects.update_or_create(slug=slug, defaults=fields)
    if sections:
        found.sections.set(sections)
    return found


def subscription(
    user: User, status: str = Subscription.Status.ACTIVE, *, save: bool = True, **fields: Any
) -> Subscription:
    """Return a subscription (saved unless ``save`` is False) to ``plan()`` by default."""
    fields.setdefault("plan", fields.get("plan") or plan())
    fields.setdefault("provider", Subscription.Provider.STRIPE)
    fields.setdefault("current_period_end", NOW + dt.timedelta(days=20))
    item = Subscription(user=user, status=status, **fields)
    if save:
        item.save()
    return item
