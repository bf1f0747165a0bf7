"""The two sitemaps: every live article, and Google News' last two days."""

from __future__ import annotations

import datetime as dt

from django.contrib.sitemaps import Sitemap
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from .caching import public_cache
from .models import Article
from .syndication import Syndicated, SyndicatedPages, syndicate_all

# Google News reads articles from the last two days, at most 1,000 of them.
NEWS_WINDOW = dt.timedelta(days=2)
NEWS_LIMIT = 1000


class ArticleSitemap(Sitemap):  # type: ignore[type-arg]
    """Every live article; a scheduled one appears once its time has passed."""

    limit = 5000

    def items(self) -> SyndicatedPages:
        now = timezone.now()
        live = Article.objects.live(now).select_related("section").prefetch_related("authors")
        return SyndicatedPages(live.order_by("-published_at", "-pk"), now=now)

    def location(self, item: Syndicated) -> str:
        return item.url

    def lastmod(self, item: Syndicated) -> dt.datetime | None:
        return item.modified_at


SITEMAPS = {"articles": ArticleSitemap}


@require_safe
@public_cache
def news_sitemap(request: HttpRequest) -> HttpResponse:
    """Return the Google News sitemap: title, publication and date of recent articles."""
    now = timezone.now()
    live = Article.objects.live(now).select_related("section").prefetch_related("authors")
    recent = syndicate_all(live.filter(published_at__gte=now - NEWS_WINDOW)[:NEWS_LIMIT], now=now)
    base = request.build_absolute_uri("/").rstrip("/")
    return render(
        request,
        "newsroom/news_sitemap.xml",
        {"articles": recent, "base": base},
        content_type="application/xml; charset=utf-8",
    )
