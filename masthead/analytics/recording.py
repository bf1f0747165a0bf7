"""Recording paywall events without slowing or breaking the request that causes them.

Other apps record through ``masthead.core.events``; this app subscribes to it (in
``AppConfig.ready``, with :func:`store_event`) and decides how events are buffered and
stored.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from masthead.analytics import stream
from masthead.analytics.articles import article_id_for
from masthead.analytics.buffer import EventBuffer, Row, make_buffer
from masthead.analytics.store import write_events
from masthead.analytics.visitors import visitor_key
from masthead.core.events import Event, EventKind

logger = logging.getLogger(__name__)

# The stored kinds with their labels, for the models' ``choices``.
EVENT_KIND_CHOICES = [(kind.value, kind.label) for kind in EventKind]


def store_event(event: Event) -> None:
    """Buffer (or, with ``ANALYTICS_SYNC``, write) one event; log and swallow any failure.

    This is the app's subscriber to ``masthead.core.events`` (connected in
    ``AppConfig.ready``), the one way events arrive. The raw visitor id is hashed here,
    never kept as is; an event that names its article only by URL gets the id looked up;
    ``section`` may be left out when ``article_id`` is given: the flusher fills it in.
    Nothing is kept when ``ANALYTICS_ENABLED`` is False.
    """
    try:
        if not settings.ANALYTICS_ENABLED:
            return
        article_id = event.article_id
        if article_id is None and event.article_url:
            article_id = article_id_for(event.article_url)
        row: Row = {
            "kind": event.kind.value,
            "at": event.at or timezone.now(),
            "article_id": article_id,
            "section": (event.section or "")[:64],
            "user_id": event.user_id,
            "visitor": visitor_key(event.visitor or ""),
            "granted": event.granted,
            "reason": (event.reason or "")[:32],
            "offer": (event.offer or "")[:32],
            "reader_kind": (event.reader_kind or "")[:16],
            "extra": dict(event.extra),
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
        logger.warning("analytics: could not record a %s event: %s", event.kind, exc)


def flush() -> int:
    """Write the buffered events now; return how many were taken. Never raises."""
    return BUFFER.flush()


def _write_now(row: Row) -> None:
    # A savepoint, so that a failed insert inside the caller's transaction (a test, or an
    # ATOMIC_REQUESTS view) rolls back only itself.
    try:
        with transaction.atomic():
            write_events([row])
    except Exception as exc:  # noqa: BLE001 - see store_event()
        BUFFER.stats.failed += 1
        logger.warning("analytics: dropped a %s event, the store failed: %s", row["kind"], exc)


def _flush_interval() -> float:
    return float(settings.ANALYTICS_FLUSH_SECONDS)


def write_batch(rows: Sequence[Row]) -> None:
    """The flusher's writer: the Redis stream when enabled (``stream``), else the database.

    A batch Redis cannot take is written to the database here, as without a stream.
    """
    if stream.is_enabled():
        try:
            stream.append(rows)
            return
        except Exception as exc:  # noqa: BLE001 - the database is the fallback
            logger.warning("analytics: stream unavailable (%s), writing here", type(exc).__name__)
    write_events(rows)


BUFFER: EventBuffer = make_buffer(write_batch, _flush_interval)
