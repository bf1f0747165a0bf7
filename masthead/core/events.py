"""The site's event recorder: apps say what happened, subscribers decide what to keep.

An app that does something worth counting (a check, a wall, a registration, a checkout)
calls :func:`record` with an :class:`EventKind` and what it knows. It imports nothing of
whoever listens: ``analytics`` subscribes in its ``AppConfig.ready`` and stores events;
without subscribers an event goes nowhere. So ``access`` and the feature apps never
import ``analytics``, and the dependency points from the listener to this module.

Two promises, and why:

- A kind that is not an ``EventKind`` raises ``ValueError`` at once. A typo in a kind is
  a programming error; dropping the event quietly would hide it until a dashboard looked
  wrong. mypy catches most of these before they run.
- Nothing a subscriber does reaches the caller: a subscriber that raises is logged and
  skipped. Counting a read must never break the read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

logger = logging.getLogger(__name__)


class EventKind(StrEnum):
    """Everything the site records; the values are what the event table stores."""

    ACCESS_CHECK = "access_check"
    WALL_SHOWN = "wall_shown"
    REGISTRATION = "registration"
    CHECKOUT_STARTED = "checkout_started"
    SUBSCRIPTION_STARTED = "subscription_started"
    SUBSCRIPTION_CANCELED = "subscription_canceled"
    SUBSCRIPTION_LAPSED = "subscription_lapsed"
    GIFT_CREATED = "gift_created"
    GIFT_OPENED = "gift_opened"
    AD_IMPRESSION = "ad_impression"
    FIREWALL_HIT = "firewall_hit"

    @property
    def label(self) -> str:
        """Return the kind in words, as the dashboard and the admin show it."""
        return _LABELS[self]


_LABELS: Mapping[EventKind, str] = MappingProxyType(
    {
        EventKind.ACCESS_CHECK: "Access check",
        EventKind.WALL_SHOWN: "Wall shown",
        EventKind.REGISTRATION: "Registration",
        EventKind.CHECKOUT_STARTED: "Checkout started",
        EventKind.SUBSCRIPTION_STARTED: "Subscription started",
        EventKind.SUBSCRIPTION_CANCELED: "Subscription canceled",
        EventKind.SUBSCRIPTION_LAPSED: "Subscription lapsed",
        EventKind.GIFT_CREATED: "Gift link created",
        EventKind.GIFT_OPENED: "Gift link opened",
        EventKind.AD_IMPRESSION: "Ad impression",
        EventKind.FIREWALL_HIT: "Leak firewall hit",
    }
)


@dataclass(frozen=True)
class Event:
    """One thing that happened, as its caller described it.

    ``visitor`` is the raw visitor id: a subscriber that stores it must hash it first.
    ``article_url`` is for callers that only hold a URL (a ``next`` parameter): a
    subscriber that wants the article finds it from there. ``at`` None means now.
    """

    kind: EventKind
    at: dt.datetime | None = None
    article_id: int | None = None
    article_url: str | None = None
    user_id: int | None = None
    visitor: str | None = None
    granted: bool | None = None
    reason: str = ""
    offer: str = ""
    reader_kind: str = ""
    section: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)


Subscriber = Callable[[Event], None]
#: Adds fields to an event's ``extra`` before subscribers see it (an experiment's arm).
Enricher = Callable[[Event], Mapping[str, Any] | None]

_lock = threading.Lock()
# Replaced, never mutated, so ``record`` can read it without taking the lock.
_subscribers: tuple[Subscriber, ...] = ()
_enrichers: tuple[Enricher, ...] = ()


def add_enricher(enricher: Enricher) -> None:
    """Let ``enricher`` add to every event's ``extra`` (once, however often it is added).

    What the caller put in ``extra`` wins over what an enricher adds; an enricher that
    raises is logged and skipped, like a subscriber.
    """
    global _enrichers
    with _lock:
        if enricher not in _enrichers:
            _enrichers = (*_enrichers, enricher)


def remove_enricher(enricher: Enricher) -> None:
    """Stop calling ``enricher``; nothing happens if it was not added."""
    global _enrichers
    with _lock:
        _enrichers = tuple(known for known in _enrichers if known != enricher)


def subscribe(subscriber: Subscriber) -> None:
    """Call ``subscriber`` with every event recorded from now on (once, however often)."""
    global _subscribers
    with _lock:
        if subscriber not in _subscribers:
            _subscribers = (*_subscribers, subscriber)


def unsubscribe(subscriber: Subscriber) -> None:
    """Stop calling ``subscriber``; nothing happens if it was not subscribed."""
    global _subscribers
    with _lock:
        _subscribers = tuple(known for known in _subscribers if known != subscriber)


def record(
    kind: EventKind,
    *,
    at: dt.datetime | None = None,
    article_id: int | None = None,
    article_url: str | None = None,
    user_id: int | None = None,
    visitor: str | None = None,
    granted: bool | None = None,
    reason: str = "",
    offer: str = "",
    reader_kind: str = "",
    section: str = "",
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Hand one event to every subscriber; raise only for a kind that is not an EventKind.

    ``reader_kind`` is ``anonymous``, ``registered`` or ``subscriber``. A subscriber's
    failure is logged and never reaches the caller.
    """
    # Outside the try on purpose: a mistyped kind is the caller's bug and must be seen.
    event = Event(
        kind=EventKind(kind),
        at=at,
        article_id=article_id,
        article_url=article_url,
        user_id=user_id,
        visitor=visitor,
        granted=granted,
        reason=reason,
        offer=offer,
        reader_kind=reader_kind,
        section=section,
        extra=dict(extra or {}),
    )
    for enricher in _enrichers:
        try:
            added = enricher(event)
        except Exception:  # an enricher's failure never reaches the caller either
            logger.warning("event_enricher_failed kind=%s", event.kind, exc_info=True)
            continue
        if added:
            event = dataclasses.replace(event, extra={**added, **event.extra})
    for subscriber in _subscribers:
        try:
            subscriber(event)
        except Exception:  # a listener's failure never reaches the caller
            logger.warning("event_subscriber_failed kind=%s", event.kind, exc_info=True)
