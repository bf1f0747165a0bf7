"""Recording paywall events without slowing or breaking the request that causes them.

This is the public entry point (``masthead.analytics.record``). The analytics app decides
how events are buffered and stored; callers only name what happened.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import models

logger = logging.getLogger(__name__)


class EventKind(models.TextChoices):
    """What the paywall did."""

    ACCESS_CHECK = "access_check", "Access check"
    WALL_SHOWN = "wall_shown", "Wall shown"
    REGISTRATION = "registration", "Registration"
    CHECKOUT_STARTED = "checkout_started", "Checkout started"
    SUBSCRIPTION_STARTED = "subscription_started", "Subscription started"
    SUBSCRIPTION_CANCELED = "subscription_canceled", "Subscription canceled"
    SUBSCRIPTION_LAPSED = "subscription_lapsed", "Subscription lapsed"
    GIFT_CREATED = "gift_created", "Gift link created"
    GIFT_OPENED = "gift_opened", "Gift link opened"
    AD_IMPRESSION = "ad_impression", "Ad impression"


def record(
    kind: str,
    *,
    article_id: int | None = None,
    user_id: int | None = None,
    visitor: str | None = None,
    granted: bool | None = None,
    reason: str = "",
    offer: str = "",
    reader_kind: str = "",
    section: str = "",
    extra: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> None:
    """Record one event; log and swallow any failure.

    ``visitor`` is the raw visitor id: it is hashed before it is stored, never kept as is.
    ``reader_kind`` is ``anonymous``, ``registered`` or ``subscriber``.
    """
    # Placeholder until the analytics issue lands its buffered store.
    logger.debug("event %s article=%s", kind, article_id)
