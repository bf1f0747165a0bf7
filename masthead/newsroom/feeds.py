"""RSS and Atom feeds, per site and per section: headline, summary and link only.

A feed item never carries body text, not even the lead-in: the summary is written for
the public, so nothing an editor placed behind the gate can travel in a feed.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed

from .models import Article, Publication, Section

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

    def items(self, obj: Section | None) -> QuerySet[Article]:
        live = Article.objects.live(timezone.now()).select_related("section")
        if obj is not None:
            live = live.filter(section=obj)
        return live.prefetch_related("authors")[:ITEMS]

    def item_title(self, item: Article) -> str:
        return item.headline

    def item_description(self, item: Article) -> str:
        return item.summary

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Article) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Article) -> dt.datetime | None:
        return item.updated_at or item.published_at

    def item_author_name(self, item: Article) -> str:
        return ", ".join(person.name for person in item.authors.all())

    def item_categories(self, item: Article) -> tuple[str, ...]:
        return (item.section.name,) if item.section else ()


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
