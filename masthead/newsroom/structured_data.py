"""What the article page's head tells search engines and social networks.

``NewsArticle`` JSON-LD, OpenGraph and Twitter cards, the canonical link and the oEmbed
discovery link are all built from one ``Syndicated`` article (the anonymous reader's
view), so none of them can carry more than headline, summary, lead image and bylines.
A paywalled article says so (``isAccessibleForFree: false``) and names the gated part
with ``hasPart.cssSelector`` = ``.masthead-gated``, the element that holds it on the
page (docs/design.md, "Stable interfaces"). A story with a lead video describes it as a
``VideoObject`` (``video``): the clip, its caption and its transcript are on the public
page already.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from .models import Publication, Video
from .syndication import Syndicated

GATED_SELECTOR = ".masthead-gated"
DEFAULT_LOGO = "newsroom/publisher-logo.png"

# Characters that could close the script element or start markup inside it.
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@dataclass(frozen=True)
class HeadMeta:
    """The article head's absolute URLs and the JSON-LD, ready for the template."""

    card: Syndicated
    canonical_url: str
    image_url: str
    oembed_url: str
    json_ld: SafeString


def absolute(request: HttpRequest, path: str) -> str:
    """Return ``path`` as an absolute URL on this site ("" stays "")."""
    if not path:
        return ""
    return path if "://" in path else request.build_absolute_uri(path)


def publisher_logo_url(request: HttpRequest) -> str:
    """Return the publisher's logo: ``MASTHEAD_PUBLISHER_LOGO``, else the shipped one."""
    configured = str(getattr(settings, "MASTHEAD_PUBLISHER_LOGO", "") or "")
    return absolute(request, configured or static(DEFAULT_LOGO))


def oembed_url(request: HttpRequest, canonical_url: str) -> str:
    """Return the oEmbed endpoint's URL for ``canonical_url``."""
    query = urlencode({"url": canonical_url, "format": "json"})
    return absolute(request, f"{reverse('newsroom:oembed')}?{query}")


def _iso(card_time: Any) -> str | None:
    return card_time.isoformat() if card_time else None


def video_object(request: HttpRequest, video: Video, card: Syndicated) -> dict[str, Any]:
    """Return the schema.org ``VideoObject`` for the story's lead ``video``.

    The video has no date of its own: it goes out with the story, so ``uploadDate`` is
    the story's publication time. The thumbnail is the poster, else the lead image.
    """
    thumbnail = absolute(request, video.poster.url if video.poster else card.image_url)
    data: dict[str, Any] = {
        "@type": "VideoObject",
        "name": video.title,
        "description": video.caption or card.teaser,
        "thumbnailUrl": [thumbnail] if thumbnail else None,
        "uploadDate": _iso(card.published_at),
        "contentUrl": absolute(request, video.source_url) or None,
        "transcript": video.transcript.strip() or None,
        "creditText": video.credit or None,
    }
    return {key: value for key, value in data.items() if value is not None}


def news_article(
    request: HttpRequest, card: Syndicated, canonical_url: str, video: Video | None = None
) -> dict[str, Any]:
    """Return the schema.org ``NewsArticle`` for ``card``; never any body text."""
    publication = Publication.current()
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical_url},
        "url": canonical_url,
        "headline": card.headline,
        "description": card.teaser,
        "datePublished": _iso(card.published_at),
        "dateModified": _iso(card.modified_at),
        "author": [
            {"@type": "Person", "name": b.name, "url": absolute(request, b.url)}
            for b in card.bylines
        ],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": publication.name,
            "url": absolute(request, "/"),
            "logo": {"@type": "ImageObject", "url": publisher_logo_url(request)},
        },
        "isAccessibleForFree": card.is_accessible_for_free,
    }
    if card.section_name:
        data["articleSection"] = card.section_name
    if card.image_url:
        data["image"] = [absolute(request, card.image_url)]
    if video is not None:
        data["video"] = video_object(request, video, card)
    if not card.is_accessible_for_free:
        data["hasPart"] = {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": GATED_SELECTOR,
        }
    return {key: value for key, value in data.items() if value is not None}


def json_ld_script(data: dict[str, Any]) -> SafeString:
    """Return ``data`` in a ``<script type="application/ld+json">`` element, escaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


def head_meta(request: HttpRequest, card: Syndicated, video: Video | None = None) -> HeadMeta:
    """Return everything the article head shows about ``card`` (and its lead ``video``).

    The canonical URL is the article's own path: a gift link's ``?gift=`` never
    appears in it.
    """
    canonical = absolute(request, card.url)
    return HeadMeta(
        card=card,
        canonical_url=canonical,
        image_url=absolute(request, card.image_url),
        oembed_url=oembed_url(request, canonical),
        json_ld=json_ld_script(news_article(request, card, canonical, video)),
    )
