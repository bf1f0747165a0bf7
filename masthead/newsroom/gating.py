"""The facts that decide what an article page may show, read in one place.

An article's **gating facts** are whether it is live (status and publication time), its
access level (its own, else its section's) and where its paywall cut falls (its blocks
and lead-in length). They decide what is gated, so they must be read fresh: from the
primary database, never from a replica that may lag behind an editor's save (under lag a
just-walled article would render whole, and the fragment cache would keep it).

Every read of them for the public article page happens inside :func:`primary_reads`:
``page_facts`` below, and the rendering of the page's own part in ``article_page``
(which reads the article row and its blocks). The block runs under the replica router's
``primary_only`` scope (``core.replica``), so none of these reads can reach a replica.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from masthead.access import ArticleFacts
from masthead.core.replica import primary_only

from .models import LIVE_STATUSES, Article, is_live_at


@contextmanager
def primary_reads() -> Iterator[None]:
    """Run the block's reads on the primary: they decide what is gated."""
    with primary_only():
        yield


@dataclass(frozen=True)
class PageFacts:
    """What the article page needs to know before it shows anything of an article.

    ``level`` is the article's own level, else its section's, else the strictest
    (``Article.effective_access_level``); the policy's section rules come on top
    (``access.effective_level``) when the page is served.
    """

    article_id: int
    status: str
    published_at: dt.datetime | None
    level: str
    section: str
    section_id: int | None
    section_name: str

    def is_live(self, now: dt.datetime) -> bool:
        """Return True when readers may see the article at ``now`` (``is_live_at``)."""
        return is_live_at(self.status, self.published_at, now)

    def access_facts(self) -> ArticleFacts:
        """Return the facts the access decision reads (``access.effective_level``)."""
        return ArticleFacts(
            article_id=self.article_id,
            level=self.level,
            section=self.section,
            published_at=self.published_at,
        )


def page_facts(slug: str) -> PageFacts | None:
    """Return the gating facts of the article at ``slug``, read on the primary.

    None when there is no such article or it can never be live (a draft). Whether it is
    live *now* is for the caller to decide, at each request: a scheduled article's
    facts stay the same when its time comes.
    """
    with primary_reads():
        article = (
            Article.objects.filter(slug=slug, status__in=LIVE_STATUSES)
            .select_related("section")
            .only(
                "pk",
                "status",
                "published_at",
                "access_level",
                "section__slug",
                "section__default_access_level",
                "section__name",
            )
            .first()
        )
    if article is None:
        return None
    return PageFacts(
        article_id=article.pk,
        status=article.status,
        published_at=article.published_at,
        level=article.effective_access_level(),
        section=article.section.slug if article.section else "",
        section_id=article.section_id,
        section_name=article.section.name if article.section else "",
    )
