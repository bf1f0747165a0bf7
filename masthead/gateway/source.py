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


def native() -> ContentSource:
    """The native articles' source."""
    return cast(ContentSource, importlib.import_module(settings.GATEWAY_NATIVE_CONTENT_SOURCE))


def _origin(article_id: int) -> OriginArticle | None:
    return OriginArticle.objects.filter(
        origin_id=article_id - ORIGIN_ID_BASE, status="publish"
    ).first()


def article_facts(article_id: int, now: dt.datetime) -> ArticleFacts | None:
    """Return the facts of a live article, native or origin; None when there is none."""
    if article_id < ORIGIN_ID_BASE:
        return native().article_facts(article_id, now)
    article = _origin(article_id)
    if article is None or (article.published_at is not None and article.published_at > now):
        return None
    return ArticleFacts(
        article_id=article_id,
        level=article.level,
        section=article.section,
        published_at=article.published_at,
    )


def gated_html(article_id: int, *, ad_free: bool) -> str:
    """Return the part after the cut; an origin page that could not be cut releases ""."""
    if article_id < ORIGIN_ID_BASE:
        return native().gated_html(article_id, ad_free=ad_free)
    article = _origin(article_id)
    return article.gated_html if article is not None and not article.split_problem else ""


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
