"""Which article an event came from, for callers that only hold a URL (``next``)."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

logger = logging.getLogger(__name__)

ARTICLE_VIEW = "newsroom:article"


def article_id_for(url: str | None) -> int | None:
    """Return the id of the live or draft article at ``url`` (a path or a full URL).

    Return None when ``url`` is empty, is not an article's URL, or names no article.
    Never raises: a caller uses this only to label an event.
    """
    if not url:
        return None
    try:
        match = resolve(urlsplit(url).path)
        if match.view_name != ARTICLE_VIEW or "slug" not in match.kwargs:
            return None
        return _article_with_slug(match.kwargs["slug"])
    except Resolver404:
        return None
    except Exception as exc:  # noqa: BLE001 - labelling an event must never fail a page
        logger.warning("analytics: could not find the article of a URL: %s", exc)
        return None


def _article_with_slug(slug: str) -> int | None:
    from masthead.newsroom.models import Article

    found: int | None = Article.objects.filter(slug=slug).values_list("pk", flat=True).first()
    return found
