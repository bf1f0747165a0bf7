"""What a reader is entitled to at a moment: the loader ``access`` calls.

``access`` names this function in ``PAYWALL_ENTITLEMENTS_LOADER`` and never imports billing
models itself. Paid subscriptions and hand grants are merged: a reader gets the union of
everything in force at ``now``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from masthead.access import (
    LEVELS,
    METERED,
    NO_TERMS,
    REGISTERED,
    SUBSCRIBER,
    Entitlements,
    EntitlementTerm,
    EntitlementTerms,
)

from .models import AccessGrant, Plan, Subscription

_ALL_LEVELS = (METERED, REGISTERED, SUBSCRIBER)


def _grant_terms(user: Any, now: dt.datetime, starts: list[dt.datetime]) -> list[EntitlementTerm]:
    """Return the grants in force at ``now`` with their ends; add later starts to ``starts``."""
    terms = []
    grants = (
        AccessGrant.objects.filter(user=user)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .prefetch_related("sections")
    )
    for grant in grants:
        if grant.starts_at > now:
            starts.append(grant.starts_at)  # not yet: a pass must not outlive its start
            continue
        sections = [section.slug for section in grant.sections.all()]
        entitlements = Entitlements.of(_ALL_LEVELS, sections, grant.ad_free)
        terms.append(EntitlementTerm(entitlements, grant.ends_at))
    return terms


def _subscription_terms(
    user: Any, now: dt.datetime, starts: list[dt.datetime]
) -> list[EntitlementTerm]:
    """Return the subscriptions entitling at ``now`` with their ends; add plan changes."""
    terms = []
    subscriptions = (
        Subscription.objects.possibly_entitling()
        .filter(user=user)
        .select_related("plan", "pending_plan")
        .prefetch_related("plan__sections", "pending_plan__sections")
    )
    # Every live subscription counts, a flagged duplicate too: the reader paid for it.
    for subscription in subscriptions:
        # Not entitling now means not later either, without a change (which bumps the
        # reader's generation): its period or grace only runs out.
        if not subscription.is_entitling(now):
            continue
        plan = subscription.plan_at(now)
        if (
            subscription.pending_plan_id is not None
            and subscription.pending_plan_from is not None
            and subscription.pending_plan_from > now
        ):
            starts.append(subscription.pending_plan_from)
        # A level the access app does not know opens nothing (fail closed).
        levels = [level for level in plan.levels if level in LEVELS]
        sections = [section.slug for section in plan.sections.all()]
        entitlements = Entitlements.of(levels, sections, plan.ad_free)
        terms.append(EntitlementTerm(entitlements, subscription.access_ends_at(now)))
    return terms


def entitlement_terms(user: Any, now: dt.datetime) -> EntitlementTerms:
    """Return what ``user`` may read from ``now`` on, each piece with its own end.

    The loader ``PAYWALL_ENTITLEMENT_TERMS`` names, for reader passes: a cancelled plan
    ends at its period end, a past-due one at its grace end, a grant at its end; a grant
    that starts later or a plan change at the period end sets ``changes_at``. Nothing for
    anonymous or inactive users.
    """
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return NO_TERMS
    starts: list[dt.datetime] = []
    terms = _grant_terms(user, now, starts) + _subscription_terms(user, now, starts)
    return EntitlementTerms(tuple(terms), min(starts, default=None))


def entitlements_for(user: Any, now: dt.datetime) -> Entitlements:
    """Return what ``user`` may read at ``now``; nothing for anonymous or inactive users.

    The terms at ``now``, so the loader and reader passes cannot disagree.
    """
    return entitlement_terms(user, now).at(now)


def plan_opens(plan: Plan, level: str, section: str) -> bool:
    """Return True when ``plan`` opens an article of ``level`` in ``section``."""
    levels = [item for item in plan.levels if item in LEVELS]
    sections = [item.slug for item in plan.sections.all()]
    return Entitlements.of(levels, sections, plan.ad_free).opens(level, section)
