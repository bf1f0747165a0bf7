"""The oEmbed endpoint: ``/oembed/?url=<article URL>&format=json`` returns a card.

The card is the anonymous reader's view from the one serializer (headline, summary,
byline, lead image): an embed shows what a link preview shows and never body text.
Bad input gets a JSON error with the status the oEmbed spec names (400, 404, 501): 501
only for ``format=xml``, the other format oEmbed defines; any other value is a bad
parameter (400).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, JsonResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import timezone

from masthead.core.errors import json_endpoint, json_error

from .article_page import is_dated
from .caching import PUBLIC
from .models import Article, Publication
from .structured_data import absolute
from .syndication import Syndicated, syndicate

DEFAULT_WIDTH = 550
MIN_WIDTH = 200
CARD_HEIGHT = 180
MAX_URL = 2000


class _Refusal(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _bounded_width(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_WIDTH
    # isascii: "²".isdigit() is True, but int("²") raises.
    if not (raw.isascii() and raw.isdigit()):
        raise _Refusal(400, "maxwidth must be a whole number")
    return max(MIN_WIDTH, min(int(raw), DEFAULT_WIDTH))


def _article_at(request: HttpRequest, url: str) -> Article:
    """Return the live article ``url`` points at on this site; refuse anything else."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # "http://[" and other unparseable addresses
        raise _Refusal(404, "url is not an article of this site") from exc
    if parts.scheme not in {"http", "https"} or parts.netloc != request.get_host():
        raise _Refusal(404, "url is not an article of this site")
    try:
        match = resolve(parts.path)
    except Resolver404 as exc:
        raise _Refusal(404, "url is not an article of this site") from exc
    if match.view_name != "newsroom:article":
        raise _Refusal(404, "url is not an article of this site")
    kwargs = match.kwargs
    story = Article.objects.live(timezone.now()).filter(slug=kwargs["slug"]).first()
    dated = story is not None and is_dated(
        story, int(kwargs["year"]), int(kwargs["month"]), int(kwargs["day"]), Publication.current()
    )
    if story is None or not dated:
        raise _Refusal(404, "no such article")
    return story


def card_payload(request: HttpRequest, card: Syndicated, width: int) -> dict[str, Any]:
    """Return the oEmbed "rich" answer for ``card``: metadata and a small card."""
    publication = Publication.current()
    url = absolute(request, card.url)
    html = render_to_string(
        "newsroom/includes/oembed_card.html",
        {"card": card, "url": url, "publication": publication, "width": width},
    )
    payload: dict[str, Any] = {
        "version": "1.0",
        "type": "rich",
        "title": card.headline,
        "provider_name": publication.name,
        "provider_url": absolute(request, "/"),
        "html": html.strip(),
        "width": width,
        "height": CARD_HEIGHT,
        "cache_age": 3600,
    }
    if card.bylines:
        payload["author_name"] = card.author_names
        payload["author_url"] = absolute(request, card.bylines[0].url)
    if card.image_url:
        payload["thumbnail_url"] = absolute(request, card.image_url)
        if card.image_width and card.image_height:
            payload["thumbnail_width"] = card.image_width
            payload["thumbnail_height"] = card.image_height
    return payload


@json_endpoint("GET")
def oembed(request: HttpRequest) -> JsonResponse:
    """Return the oEmbed card for ``?url=``; 400/404/501 as ``{"error": ...}``."""
    answer_format = request.GET.get("format") or "json"
    if answer_format == "xml":
        # oEmbed's own answer for a format the provider does not offer.
        return json_error(501, "only format=json is offered")
    if answer_format != "json":
        return json_error(400, "format must be json (or left out)")
    url = request.GET.get("url", "")
    if not url:
        return json_error(400, "url is required")
    if len(url) > MAX_URL:
        return json_error(400, f"url may be at most {MAX_URL} characters")
    try:
        width = _bounded_width(request.GET.get("maxwidth"))
        story = _article_at(request, url.strip())
    except _Refusal as refusal:
        return json_error(refusal.status, str(refusal))
    card = syndicate(story, now=timezone.now())
    response = JsonResponse(card_payload(request, card, width))
    response["Cache-Control"] = PUBLIC
    return response
