"""Recording paywall events without slowing or breaking the request that causes them.

Other apps record through ``masthead.core.events``; this app subscribes to it (in
``AppConfig.ready``, with :func:`store_event`) and decides how events are buffered and
stored. ``record`` is the same entry point for this app's own code and tests.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from masthead.analytics.articles import article_id_for
from masthead.analytics.buffer import EventBuffer, Row, make_buffer
from masthead.analytics.store import write_events
from masthead.analytics.visitors import visitor_key
from masthead.core.events import Event, EventKind

logger = logging.getLogger(__name__)

# The stored kinds with their labels, for the models' ``choices``.
EVENT_KIND_CHOICES = [(kind.value, kind.label) for kind in EventKind]


def store_event(event: Event) -> None:
    """Record an event from ``masthead.core.events`` (this app's subscriber)."""
    record(
        event.kind,
        article_id=event.article_id,
        article_url=event.article_url,
        user_id=event.user_id,
        visitor=event.visitor,
        granted=event.granted,
        reason=event.reason,
        offer=event.offer,
        reader_kind=event.reader_kind,
        section=event.section,
        extra=dict(event.extra),
        at=event.at,
    )


def record(
    kind: str,
    *,
    article_id: int | None = None,
    article_url: str | None = None,
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
    ``article_url`` (without ``article_id``) names the article by its URL.
    ``reader_kind`` is ``anonymous``, ``registered`` or ``subscriber``. ``section`` may be
    left out when ``article_id`` is given: the flusher fills it in. Nothing happens when
    ``ANALYTICS_ENABLED`` is False or ``kind`` is not an ``EventKind``.
    """
    try:
        if not settings.ANALYTICS_ENABLED:
            return
        if kind not in _KINDS:
            logger.warning("analytics: unknown event kind %r dropped", kind)
            return
        if article_id is None and article_url:
            article_id = article_id_for(article_url)
        row: Row = {
            "kind": kind,
            "at": at or timezone.now(),
            "article_id": article_id,
            "section": (section or "")[:64],
            "user_id": user_id,
            "visitor": visitor_key(visitor or ""),
            "granted": granted,
            "reason": (reason or "")[:32],
            "offer": (offer or "")[:32],
            "reader_kind": (reader_kind or "")[:16],
            "extra": extra or {},
        }
        if settings.ANALYTICS_SYNC:
            _write_now(row)
        else:
            BUFFER.add(
                row,
                capacity=settings.ANALYTICS_BUFFER_SIZE,
                batch_size=settings.ANALYTICS_BATCH_SIZE,
            )
    except Exception as exc:  # noqa: BLE001 - a failure to record never reaches the caller
        logger.warning("analytics: could not record a %s event: %s", kind, exc)


def flush() -> int:
    """Write the buffered events now; return how many were taken. Never raises."""
    return BUFFER.flush()


def _write_now(row: Row) -> None:
    # A savepoint, so that a failed insert inside the caller's transaction (a test, or an
    # ATOMIC_REQUESTS view) rolls back only itself.
    try:
        with transaction.atomic():
            write_events([row])
    except Exception as exc:  # noqa: BLE001 - see record()
        BUFFER.stats.failed += 1
        logger.warning("analytics: dropped a %s event, the store failed: %s", row["kind"], exc)


def _flush_interval() -> float:
    return float(settings.ANALYTICS_FLUSH_SECONDS)


_KINDS = frozenset(kind.value for kind in EventKind)
BUFFER: EventBuffer = make_buffer(write_events, _flush_interval)
