"""Everything Masthead keeps about a reader, as one JSON document ("download my data")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from masthead.access import CountedRead, MeterState, reading_history
from masthead.billing.models import AccessGrant, Subscription
from masthead.core import personal_data
from masthead.gifts.models import GiftLink
from masthead.newsroom.models import Article

# 2: adds ``reading_history`` (the meter) and each registered holder's part
# (``analytics_events``).
FORMAT_VERSION = 2


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


def _reading(reads: list[CountedRead]) -> list[dict[str, Any]]:
    """Return the meter's reads with each article's headline and address.

    Only live articles are named: an article unpublished or scheduled since is given by
    id alone, so the export never shows a headline the site does not show today.
    """
    live = {
        story.pk: story
        for story in Article.objects.live(timezone.now()).filter(
            pk__in={read.article_id for read in reads}
        )
    }
    rows = []
    for read in reads:
        story = live.get(read.article_id)
        rows.append(
            {
                "article_id": read.article_id,
                "headline": story.headline if story else None,
                "url": story.get_absolute_url() if story else None,
                "counted_at": _when(read.read_at),
            }
        )
    return rows


def export_for(user: Any, now: dt.datetime, meter: MeterState | None = None) -> dict[str, Any]:
    """Return the reader's data: account, subscriptions, grants, gift links, ``meter``,
    the reading history the meter keeps, and every registered holder's part (the events
    analytics keeps about the account).

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
        "reading_history": _reading(reading_history(user.pk)),
        **personal_data.export_all(user.pk),
    }
