"""Builders for analytics tests: events written straight to the table, at chosen times."""

from __future__ import annotations

import datetime as dt
from typing import Any

from masthead.analytics.models import Event
from masthead.analytics.visitors import visitor_key

DAY = dt.date(2026, 3, 10)
NOON = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)


def event(kind: str, at: dt.datetime = NOON, *, visitor: str = "", **fields: Any) -> Event:
    """Save and return one event; ``visitor`` is the raw id, stored hashed as record() does."""
    return Event.objects.create(kind=kind, at=at, visitor=visitor_key(visitor), **fields)


def read(visitor: str, article_id: int, at: dt.datetime = NOON, **fields: Any) -> Event:
    """Save an anonymous metered read of ``article_id`` by ``visitor``."""
    fields.setdefault("reader_kind", "anonymous")
    return event(
        "access_check",
        at,
        visitor=visitor,
        article_id=article_id,
        granted=True,
        reason="metered",
        **fields,
    )
