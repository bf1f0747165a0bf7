"""The article page: the nine parts of docs/design.md, "The article page", the same for all.

``render_article`` is the one place the page is built, for the public view and the
admin's "preview as reader". The page carries only the lead-in; the gated part stays
on the server until an access check grants it (``paywall.gated_html``).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString

from masthead.access import FREE, effective_level, sign_media
from masthead.ads.slots import AdPicker

from .caching import mark_private
from .cards import related_stories
from .models import Article, Publication
from .rendering import render_body
from .syndication import article_facts, current_policy


def is_dated(article: Article, year: int, month: int, day: int, publication: Publication) -> bool:
    """Return True when the URL's date is the article's publication date, locally."""
    if article.published_at is None:
        return False
    local = article.published_at.astimezone(publication.zone)
    return (local.year, local.month, local.day) == (year, month, day)


def is_free(article: Article) -> bool:
    """Return True when everyone may read ``article`` whole (its level after section rules).

    A policy that cannot be loaded counts as strict (``current_policy``), so in doubt
    the page keeps its gate.
    """
    return effective_level(article_facts(article), current_policy()) == FREE


def page_context(article: Article, publication: Publication, now: dt.datetime) -> dict[str, object]:
    """Return what ``newsroom/article.html`` needs: the article, its lead-in, its ads and
    the related stories of its section.

    A free article is the same for everyone, so its page carries the whole body
    (``free_rest``, the part after the cut) and no gate. Files of an article that is not
    live (only the editors' preview shows one) are protected media: placeholders, which
    ``render_article`` signs for the preview.
    """
    section = article.section.slug if article.section else ""
    ads = AdPicker.for_section(section, now)
    url = article.url_in(publication.zone)
    free = is_free(article)
    live = article.is_live(now)
    body = render_body(
        article,
        publication,
        ads,
        protect_lead_in=not live,
        protect_gated=not (free and live),
        # A free page shows both halves together: no cut inside a paragraph there.
        cut_sentences=not free,
    )
    return {
        # Overrides the lazy context processor's copy: one publication query per page.
        "publication": publication,
        "article": article,
        "authors": list(article.authors.all()),
        "video": article.lead_video,
        "lead_in": body.lead_in,
        "is_free": free,
        "free_rest": body.gated if free else None,
        "top_ad": ads.slot_html("ad-top"),
        "bottom_ad": ads.slot_html("ad-bottom"),
        "related": related_stories(article, now),
        "next_param": quote(url, safe="/"),
        "canonical_path": url,
        "protect_media": not live,
    }


def render_article(
    request: HttpRequest,
    article: Article,
    now: dt.datetime,
    *,
    is_preview: bool = False,
    gated: SafeString | None = None,
    publication: Publication | None = None,
) -> HttpResponse:
    """Return the article page; a preview loads no reader scripts and is never cached.

    The template reads nothing about the reader, so two readers get the same bytes.
    ``gated`` (a verified crawler's page only, see ``crawler_page``) fills
    ``.masthead-gated``; the caller marks that response private.
    """
    publication = publication or Publication.current()
    context = page_context(article, publication, now)
    context["is_preview"] = is_preview
    context["gated"] = gated
    response = render(request, "newsroom/article.html", context)
    if is_preview:
        response["X-Robots-Tag"] = "noindex"
        mark_private(response)
        # The editors' page of a draft or scheduled story: its files are protected, so
        # this private answer carries signed URLs made now.
        response.content = sign_media(response.content.decode(), now).encode()
    return response
