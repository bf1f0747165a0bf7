"""The article page: the nine parts of docs/design.md, "The article page", the same for all.

``render_article`` is the one place the page is built, for the public view and the
admin's "preview as reader". The page carries only the lead-in; the gated part stays
on the server until an access check grants it (``paywall.gated_html``).

``cached_page`` serves the public page from three fragments (``fragments``), each
rendered by the same code as the whole page and so byte for byte the same:

- the article's **own part** (head, JSON-LD, header, lead media, byline, lead-in, gate,
  ads, footer), keyed by the article's version, the wide version, whether the article is
  free under the policy in force, and the scheme, host and path the page is asked for
  (its absolute URLs and its "Log in" link carry them);
- the **section menu**, keyed by the site generation and the article's section;
- the **related stories**, keyed by the site generation, the article, its section and
  the policy's walled and exempt sections (their "Subscribers only" marks).

The gating facts (live? which level? which section?) are read per site generation on
the primary database (``gating``) and decided at every request: a scheduled article is
a 404 until its time, an unpublished or walled one changes the very next page.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from masthead.access import FREE, effective_level, sign_media
from masthead.ads import slots
from masthead.ads.slots import AdPicker

from . import fragments, gating
from .caching import mark_private
from .cards import next_related_change, related_to
from .models import Article, Publication, Section
from .rendering import render_body
from .syndication import article_facts, current_policy

# Where the shared fragments go in a rendered own part: random per process, so no text
# an editor types can pose as one.
_NAV_MARK = f"<!--masthead-nav-{secrets.token_hex(16)}-->"
_RELATED_MARK = f"<!--masthead-related-{secrets.token_hex(16)}-->"
_NEVER = float("inf")


def is_dated(article: Article, year: int, month: int, day: int, publication: Publication) -> bool:
    """Return True when the URL's date is the article's publication date, locally."""
    return _is_dated(article.published_at, (year, month, day), publication)


def _is_dated(
    published_at: dt.datetime | None, date: tuple[int, int, int], publication: Publication
) -> bool:
    if published_at is None:
        return False
    local = published_at.astimezone(publication.zone)
    return (local.year, local.month, local.day) == date


def is_free(article: Article) -> bool:
    """Return True when everyone may read ``article`` whole (its level after section rules).

    A policy that cannot be loaded counts as strict (``current_policy``), so in doubt
    the page keeps its gate.
    """
    return effective_level(article_facts(article), current_policy()) == FREE


def section_nav_html(current_story: int | None) -> SafeString:
    """Return the section menu of an article page (the section of ``current_story`` marked)."""
    context = {
        "sections": list(Section.objects.all()[:12]),
        "current_page": None,
        "current_story": current_story,
    }
    # Not stripped: byte for byte what the ``section_nav`` tag gives every other page.
    return mark_safe(render_to_string("newsroom/includes/section_nav.html", context))  # noqa: S308


def related_html(
    article_id: int,
    section_id: int | None,
    section_name: str,
    publication: Publication,
    now: dt.datetime,
) -> SafeString:
    """Return the related stories after an article (``cards.related_to``), rendered."""
    context = {
        "related": related_to(article_id, section_id, now),
        "section_name": section_name,
        "publication": publication,
    }
    html = render_to_string("newsroom/includes/related_stories.html", context).strip()
    return mark_safe(html)  # noqa: S308 - template output


def page_context(
    article: Article,
    publication: Publication,
    now: dt.datetime,
    *,
    shared_parts: bool = True,
) -> dict[str, object]:
    """Return what ``newsroom/article.html`` needs: the article, its lead-in, its ads and
    the related stories of its section.

    A free article is the same for everyone, so its page carries the whole body
    (``free_rest``, the part after the cut) and no gate. Files of an article that is not
    live (only the editors' preview shows one) are protected media: placeholders, which
    ``render_article`` signs for the preview. ``shared_parts`` False leaves marks where
    the section menu and the related stories go (``cached_page`` fills them).
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
    if shared_parts:
        nav = section_nav_html(article.section_id)
        section_name = article.section.name if article.section else ""
        related = related_html(article.pk, article.section_id, section_name, publication, now)
    else:
        nav, related = mark_safe(_NAV_MARK), mark_safe(_RELATED_MARK)  # noqa: S308
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
        "section_nav_html": nav,
        "related_html": related,
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


# --- The public page from fragments -------------------------------------------------------


def cached_page(
    request: HttpRequest, slug: str, date: tuple[int, int, int], now: dt.datetime
) -> HttpResponse | None:
    """Return the public page of the live article at ``slug`` from fragments.

    Raises ``Http404`` when no live article has that slug and date. None when fragments
    cannot be used now (caching off, the cache down, a version just started, a save
    racing with the render): the caller renders the page whole, as before.
    """
    generation = fragments.current()
    if generation is None:
        return None
    facts: gating.PageFacts | None = fragments.remembered(
        generation, "facts", slug, lambda: gating.page_facts(slug)
    )
    if facts is None or not facts.is_live(now):
        raise Http404("No such article")
    if generation.publication is None:
        # Its lead-in length places the cut: a gating fact, read on the primary.
        with gating.primary_reads():
            generation.publication = Publication.current()
    publication = generation.publication
    if not _is_dated(facts.published_at, date, publication):
        raise Http404("No such article")
    versions = fragments.article_versions(generation, facts.article_id)
    if versions is None:
        return None
    policy = current_policy()
    free = effective_level(facts.access_facts(), policy) == FREE
    clock = time.time()
    own_key = (
        "article",
        facts.article_id,
        *versions,
        free,
        request.scheme,
        request.get_host(),
        request.path,
    )
    own = fragments.fragment(
        own_key,
        clock,
        lambda: _render_own_part(request, facts.article_id, slug, now, free, clock),
        _size,
    )
    if own is None:
        return None
    nav = fragments.fragment(
        ("nav", generation.token, facts.section_id),
        clock,
        lambda: (section_nav_html(facts.section_id).encode(), _NEVER),
        len,
    )
    related = fragments.fragment(
        (
            "related",
            generation.token,
            facts.article_id,
            facts.section_id,
        ),
        clock,
        lambda: _render_related(facts, publication, now),
        len,
    )
    if nav is None or related is None:
        return None
    return HttpResponse(b"".join((own[0], nav, own[1], related, own[2])))


def _size(pieces: tuple[bytes, ...]) -> int:
    return sum(len(piece) for piece in pieces)


def _render_own_part(
    request: HttpRequest, article_id: int, slug: str, now: dt.datetime, free: bool, clock: float
) -> tuple[tuple[bytes, bytes, bytes], float] | None:
    """Render the article's own part with marks for the shared fragments; None: don't keep.

    The article row and its blocks (where the cut falls) are gating facts: read on the
    primary. What was read must agree with the facts the key was made from, or a save
    is racing with this render and nothing is kept.
    """
    with gating.primary_reads():
        story = (
            Article.objects.live(now)
            .select_related("section", "lead_video")
            .prefetch_related("authors")  # the byline and the head's cards: one query
            .filter(slug=slug)
            .first()
        )
        if story is None or story.pk != article_id:
            return None
        publication = Publication.current()
        context = page_context(story, publication, now, shared_parts=False)
    if context["is_free"] != free:
        return None
    context["is_preview"] = False
    context["gated"] = None
    html = render_to_string("newsroom/article.html", context, request)
    head, nav_mark, rest = html.partition(_NAV_MARK)
    middle, related_mark, tail = rest.partition(_RELATED_MARK)
    if not nav_mark or not related_mark or _NAV_MARK in tail or _RELATED_MARK in tail:
        return None
    section = story.section.slug if story.section else ""
    ads_change = slots.next_change(section, now)
    valid_until = _moment(ads_change, now, clock)
    return (head.encode(), middle.encode(), tail.encode()), valid_until


def _render_related(
    facts: gating.PageFacts, publication: Publication, now: dt.datetime
) -> tuple[bytes, float]:
    # On the primary: a list read from a lagging replica would be kept under the new
    # generation (a story just published missing until the fragment expires).
    with gating.primary_reads():
        html = related_html(
            facts.article_id, facts.section_id, facts.section_name, publication, now
        )
        changes = next_related_change(facts.section_id, now)
    clock = time.time()
    return html.encode(), _moment(changes, now, clock)


def _moment(when: dt.datetime | None, now: dt.datetime, clock: float) -> float:
    """Return ``when`` on the ``time.time()`` clock (``now`` is ``clock``), or never."""
    if when is None:
        return _NEVER
    return clock + (when - now).total_seconds()
