"""RSS and Atom feeds, per site, section and author: headline, summary and link only.

A feed item never carries body text, not even the lead-in: the summary is written for
the public, so nothing an editor placed behind the gate can travel in a feed. Items are
``Syndicated`` articles from the one access-aware serializer (``syndication.py``).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed

from .models import Article, Author, Publication, Section
from .replica_reads import confirm_live
from .syndication import Syndicated, syndicate_all

ITEMS = 30


class SiteFeed(Feed):  # type: ignore[type-arg]
    """The latest live articles of the whole site, as RSS 2.0."""

    feed_type: type[SyndicationFeed] = Rss201rev2Feed

    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> Section | None:
        return None

    def title(self, obj: Section | None) -> str:
        name = Publication.current().name
        return f"{name}: {obj.name}" if obj else name

    def link(self, obj: Section | None) -> str:
        return obj.get_absolute_url() if obj else "/"

    def description(self, obj: Section | None) -> str:
        if obj and obj.description:
            return obj.description
        return Publication.current().tagline or "The latest articles"

    def live(self, obj: Section | None) -> QuerySet[Article]:
        live = Article.objects.live(timezone.now()).select_related("section")
        return live.filter(section=obj) if obj is not None else live

    def items(self, obj: Section | None) -> list[Syndicated]:
        now = timezone.now()
        articles = list(self.live(obj).prefetch_related("authors")[:ITEMS])
        confirm_live(articles, now)
        return syndicate_all(articles, now=now)

    def item_title(self, item: Syndicated) -> str:
        return item.headline

    def item_description(self, item: Syndicated) -> str:
        return item.summary

    def item_link(self, item: Syndicated) -> str:
        return item.url

    def item_pubdate(self, item: Syndicated) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Syndicated) -> dt.datetime | None:
        return item.modified_at

    def item_author_name(self, item: Syndicated) -> str:
        return item.author_names

    def item_categories(self, item: Syndicated) -> tuple[str, ...]:
        return (item.section_name,) if item.section_name else ()


class SiteAtomFeed(SiteFeed):
    """The site feed as Atom."""

    feed_type = Atom1Feed

    def subtitle(self, obj: Section | None) -> str:
        return self.description(obj)


class SectionFeed(SiteFeed):
    """One section's latest live articles, as RSS 2.0; 404 for an unknown section."""

    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> Section | None:
        return get_object_or_404(Section, slug=kwargs["slug"])


class SectionAtomFeed(SectionFeed):
    """One section's feed as Atom."""

    feed_type = Atom1Feed

    def subtitle(self, obj: Section | None) -> str:
        return self.description(obj)


class AuthorFeed(SiteFeed):
    """One author's latest live articles, as RSS 2.0; 404 for an unknown author."""

    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> Author:  # type: ignore[override]
        return get_object_or_404(Author, slug=kwargs["slug"])

    def title(self, obj: Author) -> str:  # type: ignore[override]
        return f"{Publication.current().name}: {obj.name}"

    def link(self, obj: Author) -> str:  # type: ignore[override]
        return obj.get_absolute_url()

    def description(self, obj: Author) -> str:  # type: ignore[override]
        return obj.role or f"The latest articles by {obj.name}"

    def live(self, obj: Author) -> QuerySet[Article]:  # type: ignore[override]
        return Article.objects.live(timezone.now()).select_related("section").filter(authors=obj)


class AuthorAtomFeed(AuthorFeed):
    """One author's feed as Atom."""

    feed_type = Atom1Feed

    def subtitle(self, obj: Author) -> str:
        return self.description(obj)
