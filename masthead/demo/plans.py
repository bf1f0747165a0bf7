"""The demo's billing: the three plans, the subscriber's All Access plan, a staff comp.

``load_demo`` calls ``load(users, stdout)`` with the demo logins keyed by role, after
``logins.ensure_logins``. Running it again changes nothing that is already in place.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from masthead.access import METERED, REGISTERED, SUBSCRIBER
from masthead.billing.models import AccessGrant, Plan, Subscription
from masthead.billing.subscriptions import end_lapsed
from masthead.demo.logins import SUBSCRIBER_GRANT_NOTE
from masthead.demo.output import Output
from masthead.newsroom.models import Section

STAFF_COMP_NOTE = "Comp: newsroom staff"
NEWS_SECTIONS = ("news", "politics")
_ALL = [METERED, REGISTERED, SUBSCRIBER]


def _plans() -> tuple[Plan, Plan]:
    all_access, _ = Plan.objects.update_or_create(
        slug="all-access",
        defaults={
            "name": "All Access",
            "description": "Everything we publish, in every section, without advertising.",
            "price_minor": 1500,
            "currency": "USD",
            "interval": Plan.Interval.MONTH,
            "levels": _ALL,
            "ad_free": True,
            "position": 0,
        },
    )
    news, _ = Plan.objects.update_or_create(
        slug="news",
        defaults={
            "name": "News",
            "description": "Every news and politics story, with advertising.",
            "price_minor": 600,
            "currency": "USD",
            "interval": Plan.Interval.MONTH,
            "trial_days": 7,
            "levels": _ALL,
            "ad_free": False,
            "position": 1,
        },
    )
    news.sections.set(Section.objects.filter(slug__in=NEWS_SECTIONS))
    # A yearly plan, so that switching the billing interval can be tried in the demo.
    Plan.objects.update_or_create(
        slug="all-access-yearly",
        defaults={
            "name": "All Access, yearly",
            "description": "All Access, paid once a year: two months free.",
            "price_minor": 15000,
            "currency": "USD",
            "interval": Plan.Interval.YEAR,
            "levels": _ALL,
            "ad_free": True,
            "position": 2,
        },
    )
    return all_access, news


def _subscribe(user: Any, plan: Plan) -> None:
    now = timezone.now()
    # Any plan in force will do: the subscriber may have switched plans in the demo, and a
    # reader holds one live subscription at a time (one that has run out is closed first).
    end_lapsed(user, now)
    if Subscription.objects.live().filter(user=user).exists():
        return
    Subscription.objects.create(
        user=user,
        plan=plan,
        provider=Subscription.Provider.TEST,
        provider_subscription_id=f"test_demo_{user.pk}_{int(now.timestamp())}",
        status=Subscription.Status.ACTIVE,
        current_period_start=now,
        current_period_end=plan.period(now),
        provider_state_at=now,
    )


def load(users: dict[str, Any], stdout: Output) -> None:
    """Create the plans, subscribe the subscriber to All Access, comp the editor."""
    all_access, news = _plans()
    subscriber = users["subscriber"]
    _subscribe(subscriber, all_access)
    # The hand grant ensure_logins gave, which this plan-backed subscription replaces.
    AccessGrant.objects.filter(user=subscriber, note=SUBSCRIBER_GRANT_NOTE).delete()
    editor = users["editor"]
    if not AccessGrant.objects.active(timezone.now()).filter(user=editor).exists():
        AccessGrant.objects.create(user=editor, note=STAFF_COMP_NOTE)
    stdout.write(
        f"billing: plans {all_access.name!r} and {news.name!r}; "
        f"{subscriber.email} subscribes to {all_access.name} (test payments)\n"
    )
