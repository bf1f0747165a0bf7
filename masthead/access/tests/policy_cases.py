"""Shared builders for the pure decision tests: readers, meters, gifts, policies."""

from __future__ import annotations

import datetime as dt

from masthead.access import (
    ANONYMOUS,
    NOT_A_CRAWLER,
    SUBSCRIBER,
    ArticleFacts,
    CrawlerVerdict,
    Entitlements,
    GiftGrant,
    MeterState,
    Policy,
    ReaderFacts,
)

NOW = dt.datetime(2025, 2, 18, 18, 47, tzinfo=dt.UTC)
ARTICLE_ID = 7
OTHER_ID = 8
LONG_AGO = NOW - dt.timedelta(days=3)
JUST_NOW = NOW - dt.timedelta(minutes=30)

REGISTERED_READER = ReaderFacts(is_authenticated=True)
SUBSCRIBED_READER = ReaderFacts(True, Entitlements.of(["metered", "registered", SUBSCRIBER]))
SPORTS_ONLY_READER = ReaderFacts(
    True, Entitlements.of(["metered", "registered", SUBSCRIBER], ["sports"])
)
READERS = {
    "anonymous": ANONYMOUS,
    "registered": REGISTERED_READER,
    "subscriber": SUBSCRIBED_READER,
    "sports_only": SPORTS_ONLY_READER,
}

METERS = {
    "counted": MeterState(allowance=3, used=2, is_counted=True),
    "last_one": MeterState(allowance=3, used=3, is_counted=True),
    "exhausted": MeterState(allowance=3, used=3, is_counted=False),
    "network": MeterState(allowance=3, used=1, is_counted=False, is_network_exhausted=True),
    "unavailable": MeterState(allowance=0, used=0, is_counted=False, is_available=False),
}

GIFTS = {"none": None, "this": GiftGrant(ARTICLE_ID), "other": GiftGrant(OTHER_ID)}
CRAWLERS = {"none": NOT_A_CRAWLER, "verified": CrawlerVerdict(True, "google")}
SECTIONS = {
    "plain": "metro",
    "exempt": "health",
    "walled": "investigations",
    "sports": "sports",
}


def policy(**fields: object) -> Policy:
    """Return a policy with one exempt and one walled section, plus ``fields``."""
    base: dict[str, object] = {
        "exempt_sections": frozenset({"health"}),
        "walled_sections": frozenset({"investigations"}),
        "free_hours": 2,
    }
    base.update(fields)
    return Policy(**base)  # type: ignore[arg-type]


def article(
    level: str, section: str = "metro", published_at: dt.datetime = LONG_AGO
) -> ArticleFacts:
    """Return facts for article ``ARTICLE_ID``."""
    return ArticleFacts(ARTICLE_ID, level, section, published_at)
