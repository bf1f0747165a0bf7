"""Reader-facing pages: the article, fronts, search, standing pages and robots.txt.

Every view here is the same for all readers: none reads ``request.user``, the session
or the CSRF token, and each is marked publicly cacheable.
"""

from __future__ import annotations

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.http import require_safe

from masthead.core.replica import PRIMARY

from . import fragments
from .article_page import cached_page, is_dated, render_article
from .caching import PUBLIC, mark_private, public_cache
from .cards import mark_subscriber_only
from .crawler_page import crawler_verdict, gated_for_crawler
from .models import Article, Author, Page, Publication, Section
from .replica_reads import confirm_live, from_replica, require_current
from .syndication import syndicate_all

PER_PAGE = 20
MAX_QUERY = 200
MAX_TERMS = 8


def _live() -> QuerySet[Article]:
    return (
        Article.objects.live(timezone.now()).select_related("section").prefetch_related("authors")
    )


def _page_of(request: HttpRequest, articles: QuerySet[Article]) -> PaginatorPage[Article]:
    """Return the requested page of ``articles``; a bad page number gives the last/first.

    Each card on it knows whether it is for subscribers only (``mark_subscriber_only``).
    """
    page = Paginator(articles, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    confirm_live(page.object_list, timezone.now())
    mark_subscriber_only(page.object_list)
    return page


@require_safe
@public_cache
@from_replica
def article(request: HttpRequest, year: str, month: str, day: str, slug: str) -> HttpResponse:
    """Return the article page; 404 unless it is live and the URL carries its date.

    A gift link (``?gift=``) gets the very same HTML; ``GiftLinkHeadersMiddleware`` keeps
    it out of search engines, shared caches and Referer headers, as for any gift URL.
    """
    now = timezone.now()
    # Everyone but a verified crawler gets the page every reader gets: from fragments
    # (whose gating reads are on the primary: gating.primary_reads).
    if fragments.is_enabled() and not crawler_verdict(request).is_verified:
        page = cached_page(request, slug, (int(year), int(month), int(day)), now)
        if page is not None:
            return page
    # What decides what is gated (status, time, level, section) comes from the primary.
    story = (
        Article.objects.using(PRIMARY)
        .live(now)
        .select_related("section", "lead_video")
        .prefetch_related("authors")  # the byline and the head's cards: one query
        .filter(slug=slug)
        .first()
    )
    publication = Publication.current()
    if story is None or not is_dated(story, int(year), int(month), int(day), publication):
        raise Http404("No such article")
    require_current(story)  # the body may come from the replica only in this version
    # A verified crawler may get the gated part on the server (private, never cached).
    gated = gated_for_crawler(request, story, now)
    response = render_article(request, story, now, gated=gated, publication=publication)
    if gated is not None:
        mark_private(response)
    return response


@require_safe
@public_cache
@from_replica
def home(request: HttpRequest) -> HttpResponse:
    """Return the front page: the latest live articles first."""
    return render(request, "newsroom/home.html", {"page": _page_of(request, _live())})


@require_safe
@public_cache
@from_replica
def section(request: HttpRequest, slug: str) -> HttpResponse:
    """Return a section front; 404 for a section that does not exist (or was deleted)."""
    desk = get_object_or_404(Section, slug=slug)
    page = _page_of(request, _live().filter(section=desk))
    return render(request, "newsroom/section.html", {"section": desk, "page": page})


@require_safe
@public_cache
@from_replica
def author(request: HttpRequest, slug: str) -> HttpResponse:
    """Return an author's page: bio and live articles."""
    person = get_object_or_404(Author, slug=slug)
    page = _page_of(request, _live().filter(authors=person))
    return render(request, "newsroom/author.html", {"author": person, "page": page})


def search_articles(query: str) -> QuerySet[Article]:
    """Return live articles matching every word of ``query`` in public text only.

    Only the headline, the summary and the stored lead-in text are searched: a word
    from behind the gate must not even reveal which article holds it.
    """
    terms = query.split()[:MAX_TERMS]
    found = _live()
    for term in terms:
        found = found.filter(
            Q(headline__icontains=term)
            | Q(summary__icontains=term)
            | Q(lead_in_text__icontains=term)
        )
    return found if terms else found.none()


@require_safe
@public_cache
@from_replica
def search(request: HttpRequest) -> HttpResponse:
    """Return search results for ``?q=`` (headline, summary and link per result)."""
    # NUL bytes are refused by PostgreSQL with an error; they never belong in a query.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:MAX_QUERY]
    page = _page_of(request, search_articles(query))
    results = syndicate_all(page.object_list, now=timezone.now())
    context = {"query": query, "page": page, "results": results}
    return render(request, "newsroom/search.html", context)


@require_safe
@public_cache
def page(request: HttpRequest, slug: str) -> HttpResponse:
    """Return a standing page such as About, Privacy or Terms."""
    standing = get_object_or_404(Page, slug=slug)
    return render(request, "newsroom/page.html", {"page": standing})


@require_safe
@public_cache
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Return robots.txt: keep crawlers out of private areas, point them at the sitemaps."""
    base = request.build_absolute_uri("/").rstrip("/")
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /api/",
        "Disallow: /search/",
        "",
        f"Sitemap: {base}/sitemap.xml",
        f"Sitemap: {base}/news-sitemap.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Send ``/favicon.ico`` (asked for by feed readers and old browsers) to the static icon.

    A temporary redirect, cached like a page: the static file's name changes with its
    content in production.
    """
    response = HttpResponseRedirect(static("masthead/favicon.ico"))
    response["Cache-Control"] = PUBLIC
    return response
