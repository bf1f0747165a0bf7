"""Demo data for billing: the two plans, the subscriber's All Access plan, a staff comp.

``load_demo`` calls ``load(users, stdout)`` with the demo accounts keyed by role. Running
it again changes nothing that is already in place.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from masthead.access import AccessLevel
from masthead.newsroom.models import Section

from .models import AccessGrant, Plan, Subscription

# The newsroom's demo grant, which this plan-backed subscription replaces.
NEWSROOM_DEMO_GRANT_NOTE = "Demo: All Access"
STAFF_COMP_NOTE = "Comp: newsroom staff"
NEWS_SECTIONS = ("news", "politics")
_ALL = [AccessLevel.METERED, AccessLevel.REGISTERED, AccessLevel.SUBSCRIBER]


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
    return all_access, news


def _subscribe(user: Any, plan: Plan) -> None:
    now = timezone.now()
    held = Subscription.objects.filter(user=user, plan=plan)
    if any(subscription.is_entitling(now) for subscription in held):
        return
    Subscription.objects.create(
        user=user,
        plan=plan,
        provider=Subscription.Provider.TEST,
        provider_subscription_id=f"test_demo_{user.pk}_{int(now.timestamp())}",
        status=Subscription.Status.ACTIVE,
        current_period_end=plan.period(now),
        provider_state_at=now,
    )


def load(users: dict[str, Any], stdout: Any) -> None:
    """Create the plans, subscribe the subscriber to All Access, comp the editor."""
    all_access, news = _plans()
    subscriber = users["subscriber"]
    _subscribe(subscriber, all_access)
    AccessGrant.objects.filter(user=subscriber, note=NEWSROOM_DEMO_GRANT_NOTE).delete()
    editor = users["editor"]
    if not AccessGrant.objects.active(timezone.now()).filter(user=editor).exists():
        AccessGrant.objects.create(user=editor, note=STAFF_COMP_NOTE)
    stdout.write(
        f"billing: plans {all_access.name!r} and {news.name!r}; "
        f"{subscriber.email} subscribes to {all_access.name} (test payments)\n"
    )
