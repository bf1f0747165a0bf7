"""What a reader is entitled to at a moment: the loader ``access`` calls.

``access`` names this function in ``PAYWALL_ENTITLEMENTS_LOADER`` and never imports billing
models itself. Paid subscriptions and hand grants are merged: a reader gets the union of
everything in force at ``now``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from masthead.access import LEVELS, METERED, NO_ENTITLEMENTS, REGISTERED, SUBSCRIBER, Entitlements

from .models import AccessGrant, Plan, Subscription

_ALL_LEVELS = (METERED, REGISTERED, SUBSCRIBER)


def _from_grants(user: Any, now: dt.datetime) -> Entitlements:
    result = NO_ENTITLEMENTS
    grants = AccessGrant.objects.active(now).filter(user=user).prefetch_related("sections")
    for grant in grants:
        sections = [section.slug for section in grant.sections.all()]
        result = result.merged(Entitlements.of(_ALL_LEVELS, sections, grant.ad_free))
    return result


def _from_subscriptions(user: Any, now: dt.datetime) -> Entitlements:
    result = NO_ENTITLEMENTS
    subscriptions = (
        Subscription.objects.possibly_entitling()
        .filter(user=user)
        .select_related("plan", "pending_plan")
        .prefetch_related("plan__sections", "pending_plan__sections")
    )
    # Every live subscription counts, a flagged duplicate too: the reader paid for it.
    for subscription in subscriptions:
        if not subscription.is_entitling(now):
            continue
        plan = subscription.plan_at(now)
        # A level the access app does not know opens nothing (fail closed).
        levels = [level for level in plan.levels if level in LEVELS]
        sections = [section.slug for section in plan.sections.all()]
        result = result.merged(Entitlements.of(levels, sections, plan.ad_free))
    return result


def entitlements_for(user: Any, now: dt.datetime) -> Entitlements:
    """Return what ``user`` may read at ``now``; nothing for anonymous or inactive users."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return NO_ENTITLEMENTS
    return _from_grants(user, now).merged(_from_subscriptions(user, now))


def plan_opens(plan: Plan, level: str, section: str) -> bool:
    """Return True when ``plan`` opens an article of ``level`` in ``section``."""
    levels = [item for item in plan.levels if item in LEVELS]
    sections = [item.slug for item in plan.sections.all()]
    return Entitlements.of(levels, sections, plan.ad_free).opens(level, section)
