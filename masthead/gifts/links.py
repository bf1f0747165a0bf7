"""Making and revoking gift links, within the monthly allowance.

The allowance counts distinct articles gifted in the calendar month of the publication's
time zone. Gifting an article already gifted this month is free: the sender gets the same
link back while it is still open, or a fresh one that costs nothing. Revoking does not
give the gift back, so revoke-and-regift cannot stretch the allowance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from masthead.access import SUBSCRIBER
from masthead.billing.entitlements import entitlements_for
from masthead.core.events import EventKind, record
from masthead.newsroom.models import Article, Publication

from .models import GiftLink
from .tokens import make_token, recover_token, token_hash


class GiftLimitReached(Exception):
    """The sender has gifted ``GIFTS_MONTHLY_LIMIT`` articles this month."""


@dataclass(frozen=True)
class Gift:
    """A gift link as the sender sees it: the row and its token."""

    link: GiftLink
    token: str
    is_new: bool


def may_gift_anything(sender: Any, now: dt.datetime) -> bool:
    """Return True when ``sender``'s subscriptions or grants open some section to gift.

    False for anonymous readers and for accounts without a subscriber-level entitlement.
    """
    if not getattr(sender, "is_authenticated", False):
        return False
    scopes = entitlements_for(sender, now).scopes
    return any(level == SUBSCRIBER for level, _section in scopes)


def monthly_limit() -> int:
    """Return how many articles a subscriber may gift per calendar month."""
    return int(settings.GIFTS_MONTHLY_LIMIT)


def month_start(now: dt.datetime) -> dt.datetime:
    """Return the start of ``now``'s calendar month in the publication's time zone."""
    local = timezone.localtime(now, Publication.current().zone)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _this_month(sender: Any, now: dt.datetime) -> Any:
    return GiftLink.objects.filter(sender=sender, created_at__gte=month_start(now))


def remaining(sender: Any, now: dt.datetime) -> int:
    """Return how many more articles ``sender`` may gift this month (never negative)."""
    used: int = _this_month(sender, now).values("article_id").distinct().count()
    return max(monthly_limit() - used, 0)


def give(sender: Any, article: Article, now: dt.datetime) -> Gift:
    """Return a gift link of ``article`` from ``sender``, reusing this month's if open.

    Raises ``GiftLimitReached`` when a new article would exceed the allowance.
    """
    with transaction.atomic():
        # Lock the sender's row so two tabs cannot both spend the last gift.
        get_user_model().objects.select_for_update().filter(pk=sender.pk).first()
        earlier = _this_month(sender, now).filter(article=article)
        for link in earlier:
            token = recover_token(link) if link.is_open(now) else None
            if token is not None:
                return Gift(link, token, is_new=False)
        if not earlier.exists() and remaining(sender, now) <= 0:
            raise GiftLimitReached
        return _new_gift(sender, article, now)


def _new_gift(sender: Any, article: Article, now: dt.datetime) -> Gift:
    expires = now + dt.timedelta(days=int(settings.GIFTS_TTL_DAYS))
    link = GiftLink.objects.create(
        sender=sender, article=article, created_at=now, expires_at=expires
    )
    token = make_token(link)
    link.token_hash = token_hash(token)
    link.save(update_fields=["token_hash"])
    record(
        EventKind.GIFT_CREATED, article_id=article.pk, user_id=sender.pk, extra={"gift": link.pk}
    )
    return Gift(link, token, is_new=True)


def revoke(sender: Any, pk: int, now: dt.datetime) -> bool:
    """Revoke ``sender``'s gift ``pk``; return False when it is not theirs or already revoked."""
    found = GiftLink.objects.filter(pk=pk, sender=sender, revoked_at__isnull=True)
    return bool(found.update(revoked_at=now))


def gift_url(article: Article, token: str) -> str:
    """Return the path of a gift link: the canonical article URL plus ``?gift=``."""
    return f"{article.get_absolute_url()}?gift={token}"


def sent_by(sender: Any, limit: int = 50) -> list[GiftLink]:
    """Return ``sender``'s most recent gift links, newest first, with their articles."""
    return list(GiftLink.objects.filter(sender=sender).select_related("article")[:limit])
