"""The two sitemaps: every live article, and Google News' last two days."""

from __future__ import annotations

import datetime as dt

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from .caching import public_cache
from .models import Article

# Google News reads articles from the last two days, at most 1,000 of them.
NEWS_WINDOW = dt.timedelta(days=2)
NEWS_LIMIT = 1000


class ArticleSitemap(Sitemap):  # type: ignore[type-arg]
    """Every live article; a scheduled one appears once its time has passed."""

    limit = 5000

    def items(self) -> QuerySet[Article]:
        return Article.objects.live(timezone.now()).order_by("-published_at", "-pk")

    def lastmod(self, item: Article) -> dt.datetime | None:
        return item.updated_at or item.published_at


SITEMAPS = {"articles": ArticleSitemap}


@require_safe
@public_cache
def news_sitemap(request: HttpRequest) -> HttpResponse:
    """Return the Google News sitemap: title, publication and date of recent articles."""
    now = timezone.now()
    recent = Article.objects.live(now).filter(published_at__gte=now - NEWS_WINDOW)[:NEWS_LIMIT]
    base = request.build_absolute_uri("/").rstrip("/")
    return render(
        request,
        "newsroom/news_sitemap.xml",
        {"articles": recent, "base": base},
        content_type="application/xml; charset=utf-8",
    )
