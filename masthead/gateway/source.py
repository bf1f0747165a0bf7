"""The content source the access check reads in gateway mode (``PAYWALL_CONTENT_SOURCE``).

It answers for native and origin articles alike, so ``decide()`` cannot tell them apart:
an id at or above ``ORIGIN_ID_BASE`` is an origin post (``OriginArticle``), any other id
goes to the native source (``GATEWAY_NATIVE_CONTENT_SOURCE``, the newsroom's).
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import cast

from django.conf import settings

from masthead.access import ArticleFacts, ContentSource
from masthead.gateway.models import ORIGIN_ID_BASE, LevelRule, OriginArticle
from masthead.newsroom import paywall_cache


def native() -> ContentSource:
    """The native articles' source."""
    return cast(ContentSource, importlib.import_module(settings.GATEWAY_NATIVE_CONTENT_SOURCE))


def _origin_row(article_id: int) -> tuple[dt.datetime | None, str, str] | None:
    return (
        OriginArticle.objects.filter(origin_id=article_id - ORIGIN_ID_BASE, status="publish")
        .values_list("published_at", "level", "section")
        .first()
    )


def article_facts(article_id: int, now: dt.datetime) -> ArticleFacts | None:
    """Return the facts of a live article, native or origin; None when there is none.

    Origin rows are cached like the newsroom's (``paywall_cache``): the sync starts a new
    generation whenever a post's level, state or gated part changes.
    """
    if article_id < ORIGIN_ID_BASE:
        return native().article_facts(article_id, now)
    row = paywall_cache.cached(f"origin-facts:{article_id}", lambda: _origin_row(article_id))
    if row is None:
        return None
    published_at, level, section = row
    if published_at is not None and published_at > now:
        return None
    return ArticleFacts(
        article_id=article_id, level=level, section=section, published_at=published_at
    )


def _gated_row(article_id: int) -> str:
    row = (
        OriginArticle.objects.filter(origin_id=article_id - ORIGIN_ID_BASE, status="publish")
        .values_list("gated_html", "split_problem")
        .first()
    )
    # A page that could not be cut releases nothing (fail closed).
    return row[0] if row is not None and not row[1] else ""


def gated_html(article_id: int, *, ad_free: bool) -> str:
    """Return the part after the cut; an origin page that could not be cut releases ""."""
    if article_id < ORIGIN_ID_BASE:
        return native().gated_html(article_id, ad_free=ad_free)
    return paywall_cache.cached(f"origin-gated:{article_id}", lambda: _gated_row(article_id))


def publication_time_zone() -> str:
    """The publication's zone, from the native source."""
    hook = getattr(native(), "publication_time_zone", None)
    return str(hook()) if hook else settings.TIME_ZONE


def section_name(slug: str) -> str | None:
    """A section's name: the native one, else the one a level rule gives."""
    hook = getattr(native(), "section_name", None)
    name = hook(slug) if hook else None
    if name:
        return str(name)
    return (
        LevelRule.objects.filter(section=slug)
        .exclude(section_name="")
        .values_list("section_name", flat=True)
        .first()
    )
