"""Readers whose access comes from paid plans: some entitled, most just short of it.

Each is one second or one plan short of a ``subscriber`` article: a plan without the
``subscriber`` level, a canceled plan whose period ended a second ago, an overdue plan
whose grace ended a second ago, and a deactivated account that still holds a grant.
"""

from __future__ import annotations

import datetime as dt

from masthead.accounts.models import User
from masthead.billing.models import AccessGrant, Plan, Subscription

from .fixtures import LeakWorld

# What each account may read in full with the meter spent, by access level.
ENTITLED_LEVELS: dict[str, set[str]] = {
    "": {"free"},
    "registered": {"free", "registered"},
    "lapsed": {"free", "registered"},
    "wrong_section": {"free", "registered"},
    "news_plan": {"free", "registered", "metered"},
    "plan_ended": {"free", "registered"},
    "past_due_over": {"free", "registered"},
    # An inactive account is logged out by the auth backend: an anonymous reader.
    "deactivated": {"free"},
    # Staff (may log in to the admin) without any permission: an ordinary reader.
    "bare_staff": {"free", "registered"},
    "subscriber": {"free", "metered", "registered", "subscriber"},
    "gifter": {"free", "metered", "registered", "subscriber"},
}


def _subscribe(user: User, plan: Plan, now: dt.datetime, **state: object) -> Subscription:
    state.setdefault("current_period_end", now + dt.timedelta(days=20))
    return Subscription.objects.create(
        user=user, plan=plan, provider=Subscription.Provider.MANUAL, **state
    )


def add_plan_readers(world: LeakWorld, now: dt.datetime, password: str | None) -> None:
    """Add the plan-based accounts of ``ENTITLED_LEVELS`` to ``world.users``."""
    second = dt.timedelta(seconds=1)
    for name in ("news_plan", "plan_ended", "past_due_over", "deactivated", "bare_staff"):
        world.users[name] = User.objects.create_user(f"leak-{name}@example.com", password)
    User.objects.filter(pk=world.users["bare_staff"].pk).update(is_staff=True)
    every = Plan.objects.create(
        name="Leak All Access",
        slug="leak-all-access",
        price_minor=1500,
        levels=["metered", "registered", "subscriber"],
        ad_free=True,
    )
    news = Plan.objects.create(
        name="Leak News", slug="leak-news-plan", price_minor=500, levels=["metered", "registered"]
    )
    active = Subscription.Status.ACTIVE
    _subscribe(world.users["news_plan"], news, now, status=active)
    _subscribe(
        world.users["plan_ended"],
        every,
        now,
        status=active,
        cancel_at_period_end=True,
        current_period_end=now - second,
    )
    _subscribe(
        world.users["past_due_over"],
        every,
        now,
        status=Subscription.Status.PAST_DUE,
        grace_ends_at=now - second,
    )
    AccessGrant.objects.create(user=world.users["deactivated"], note="leak suite: deactivated")
    User.objects.filter(pk=world.users["deactivated"].pk).update(is_active=False)
