"""The content source the access check reads (``PAYWALL_CONTENT_SOURCE``).

``access`` loads this module by its dotted path and calls the two functions below; it
never touches newsroom models itself. Both answer only for live articles, so a draft or
a scheduled article cannot be unlocked before its time.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from masthead.access import ArticleFacts
from masthead.ads.slots import AdPicker

from . import paywall_cache
from .models import Article, Publication, Section, is_live_at
from .rendering import render_body


def _live_article(article_id: int, now: dt.datetime) -> Article | None:
    return Article.objects.live(now).select_related("section").filter(pk=article_id).first()


def article_facts(article_id: int, now: dt.datetime) -> ArticleFacts | None:
    """Return what the decision needs about the article, or None when it is not live.

    The article row is cached (``paywall_cache``); whether it is live is decided at
    ``now`` on every call, so a scheduled article opens at its time.
    """
    row = paywall_cache.cached(f"facts:{article_id}", lambda: _facts_row(article_id))
    if row is None:
        return None
    status, published_at, level, section = row
    if not is_live_at(status, published_at, now):
        return None
    return ArticleFacts(
        article_id=article_id, level=level, section=section, published_at=published_at
    )


def _facts_row(article_id: int) -> tuple[str, dt.datetime | None, str, str] | None:
    article = Article.objects.select_related("section").filter(pk=article_id).first()
    if article is None:
        return None
    section = article.section.slug if article.section else ""
    return (article.status, article.published_at, article.effective_access_level(), section)


def gated_html(article_id: int, *, ad_free: bool) -> str:
    """Return the body after the paywall cut, rendered; "" when the article is not live.

    Ad slots sit between paragraphs (numbered as on the page) unless ``ad_free``. The
    rendering is cached per generation (``paywall_cache``); the ads picked for the slots
    stay the same until the entry expires.
    """
    now = timezone.now()
    if article_facts(article_id, now) is None:
        return ""
    name = f"gated:{article_id}:{'ad-free' if ad_free else 'ads'}"
    return paywall_cache.cached(name, lambda: _render_gated(article_id, ad_free, now))


def _render_gated(article_id: int, ad_free: bool, now: dt.datetime) -> str:
    article = _live_article(article_id, now)
    if article is None:
        return ""
    section = article.section.slug if article.section else ""
    ads = None if ad_free else AdPicker.for_section(section, now)
    return str(render_body(article, Publication.current(), ads, gated_only=True).gated)


def publication_time_zone() -> str:
    """Return the publication's time zone name; the meter's calendar month starts in it."""
    return Publication.current().time_zone


def section_name(slug: str) -> str | None:
    """Return the section's display name (for the wall's words), or None when unknown."""
    return Section.objects.filter(slug=slug).values_list("name", flat=True).first()
