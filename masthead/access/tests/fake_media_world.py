"""A content source and a media source for the protected-media tests, kept in dicts.

Named by dotted path in ``override_settings`` (``PAYWALL_CONTENT_SOURCE`` is this module,
``PAYWALL_MEDIA_SOURCES`` its ``media_uses``): the access app's media service must work
for any content source, not only the newsroom.
"""

from __future__ import annotations

import datetime as dt

from masthead.access import ArticleFacts, MediaUse

# article id -> (level, live from); an article absent here does not exist.
ARTICLES: dict[int, tuple[str, dt.datetime]] = {}
USES: dict[str, list[MediaUse]] = {}
BROKEN: set[str] = set()


def reset() -> None:
    """Forget every article and use."""
    ARTICLES.clear()
    USES.clear()
    BROKEN.clear()


def article_facts(article_id: int, now: dt.datetime) -> ArticleFacts | None:
    """Return the facts of a live article, else None."""
    found = ARTICLES.get(article_id)
    if found is None or found[1] > now:
        return None
    return ArticleFacts(
        article_id=article_id, level=found[0], section="news", published_at=found[1]
    )


def gated_html(article_id: int, *, ad_free: bool) -> str:
    """Return nothing: these tests never run the check."""
    return ""


def media_uses(name: str) -> list[MediaUse]:
    """Return the uses recorded for ``name``; a name in ``BROKEN`` raises."""
    if name in BROKEN:
        raise RuntimeError("the media source is down")
    return list(USES.get(name, []))
