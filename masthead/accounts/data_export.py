"""Everything Masthead keeps about a reader, as one JSON document ("download my data")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from masthead.access import MeterState
from masthead.billing.models import AccessGrant, Subscription
from masthead.gifts.models import GiftLink

FORMAT_VERSION = 1


def _when(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _subscription(subscription: Subscription) -> dict[str, Any]:
    return {
        "plan": subscription.plan.name,
        "status": subscription.status,
        "provider": subscription.provider,
        "current_period_end": _when(subscription.current_period_end),
        "cancel_at_period_end": subscription.cancel_at_period_end,
        "grace_ends_at": _when(subscription.grace_ends_at),
        "ended_at": _when(subscription.ended_at),
        "created_at": _when(subscription.created_at),
    }


def _grant(grant: AccessGrant) -> dict[str, Any]:
    return {
        "note": grant.note,
        "starts_at": _when(grant.starts_at),
        "ends_at": _when(grant.ends_at),
        "ad_free": grant.ad_free,
        "sections": [section.slug for section in grant.sections.all()],
    }


def _gift(gift: GiftLink) -> dict[str, Any]:
    return {
        "article": gift.article.headline,
        "article_url": gift.article.get_absolute_url(),
        "created_at": _when(gift.created_at),
        "expires_at": _when(gift.expires_at),
        "revoked_at": _when(gift.revoked_at),
        "opens": gift.opens,
    }


def export_for(user: Any, now: dt.datetime, meter: MeterState | None = None) -> dict[str, Any]:
    """Return the reader's data: account, subscriptions, grants, gift links and ``meter``.

    Gift tokens are not included (only their hashes are stored). ``meter`` is this
    window's meter as the access app reports it; None leaves it out.
    """
    subscriptions = Subscription.objects.filter(user=user).select_related("plan")
    grants = AccessGrant.objects.filter(user=user).prefetch_related("sections")
    gifts = GiftLink.objects.filter(sender=user).select_related("article")
    return {
        "format": FORMAT_VERSION,
        "exported_at": now.isoformat(),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "subscriptions": [_subscription(item) for item in subscriptions],
        "grants": [_grant(item) for item in grants],
        "gift_links": [_gift(item) for item in gifts],
        "meter": (
            {"used": meter.used, "allowance": meter.allowance, "remaining": meter.remaining}
            if meter is not None
            else None
        ),
    }
