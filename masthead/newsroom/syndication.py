"""The one serializer for every channel that carries articles off the article page.

Feeds, search results, sitemaps, oEmbed, the page's JSON-LD and social cards all take
their text from ``syndicate``: it asks the pure access decision for the reader at hand
(an anonymous reader unless told otherwise) and fills ``body_html`` only when the
decision grants. Everything else it carries is public by construction: the headline,
the summary, the stored lead-in text, bylines, dates and the lead image. A channel that
wants more text than that has to come through here and be granted, so channels cannot
drift apart (docs/design.md, "The decision").
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import overload

from django.conf import settings
from django.db.models import QuerySet
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from masthead.access import (
    ANONYMOUS,
    FREE,
    NOT_A_CRAWLER,
    ArticleFacts,
    CrawlerVerdict,
    Decision,
    Policy,
    ReaderFacts,
    Reason,
    decide,
    effective_level,
)

from .models import Article, Publication
from .rendering import render_body

logger = logging.getLogger(__name__)

# The access app's public reader of the publisher's policy (the admin row plus overrides).
DEFAULT_POLICY_LOADER = "masthead.access.current_policy"
# A teaser cut from the lead-in when an article has no summary.
TEASER_WORDS = 40
# Without a policy nothing may open beyond free articles: crawlers get the preview.
FAIL_CLOSED_POLICY = Policy(crawler_full_text=False)


@dataclass(frozen=True)
class Byline:
    """An author as a channel shows them."""

    name: str
    url: str


@dataclass(frozen=True)
class Syndicated:
    """An article as it may leave the site through a channel other than its page.

    ``body_html`` is the whole body (lead-in and gated part, no ad slots) and is set
    only when the access decision granted it; it is None for everyone else.
    """

    article_id: int
    url: str
    headline: str
    summary: str
    lead_in_text: str
    published_at: dt.datetime | None
    updated_at: dt.datetime | None
    section_name: str
    section_url: str
    bylines: tuple[Byline, ...]
    image_url: str
    image_alt: str
    image_width: int | None
    image_height: int | None
    is_accessible_for_free: bool
    decision: Decision
    body_html: SafeString | None = None

    @property
    def teaser(self) -> str:
        """Return the summary, else the first words of the lead-in, else the headline."""
        if self.summary:
            return self.summary
        if self.lead_in_text:
            return Truncator(self.lead_in_text).words(TEASER_WORDS, truncate="…")
        return self.headline

    @property
    def modified_at(self) -> dt.datetime | None:
        """Return when the article last changed for readers: updated, else published."""
        return self.updated_at or self.published_at

    @property
    def author_names(self) -> str:
        """Return the bylines joined with commas ("" when there is none)."""
        return ", ".join(byline.name for byline in self.bylines)


def current_policy() -> Policy:
    """Return the publisher's policy; a policy that cannot be loaded fails closed."""
    loader = getattr(settings, "PAYWALL_POLICY_LOADER", DEFAULT_POLICY_LOADER)
    try:
        policy = import_string(loader)()
    except Exception:  # any failure means the strictest reading (logged with the trace)
        logger.exception("syndication_policy_unavailable")
        return FAIL_CLOSED_POLICY
    return policy if isinstance(policy, Policy) else FAIL_CLOSED_POLICY


def article_facts(article: Article) -> ArticleFacts:
    """Return what the access decision needs about ``article``, from the loaded row."""
    return ArticleFacts(
        article_id=article.pk,
        level=article.effective_access_level(),
        section=article.section.slug if article.section else "",
        published_at=article.published_at,
    )


def decide_for(
    article: Article,
    *,
    now: dt.datetime,
    policy: Policy,
    reader: ReaderFacts = ANONYMOUS,
    crawler: CrawlerVerdict = NOT_A_CRAWLER,
) -> Decision:
    """Return the access decision for a channel read of ``article`` (no meter, no gift).

    Channels never count against the meter, so a metered article is denied here; so is
    an article that is not live at ``now``.
    """
    if not article.is_live(now):
        return Decision(False, Reason.ERROR)
    return decide(article_facts(article), reader, None, None, crawler, policy, now)


def _bylines(article: Article) -> tuple[Byline, ...]:
    return tuple(Byline(a.name, a.get_absolute_url()) for a in article.authors.all())


def _image(article: Article) -> tuple[str, int | None, int | None]:
    if not article.lead_image:
        return "", None, None
    try:
        return article.lead_image.url, article.lead_image.width, article.lead_image.height
    except (OSError, ValueError):
        # A missing file on disk must not take a feed down; the URL alone still helps.
        return article.lead_image.url, None, None


def syndicate(
    article: Article,
    *,
    now: dt.datetime,
    policy: Policy | None = None,
    reader: ReaderFacts = ANONYMOUS,
    crawler: CrawlerVerdict = NOT_A_CRAWLER,
    with_body: bool = False,
) -> Syndicated:
    """Return ``article`` as a channel may carry it to ``reader`` at ``now``.

    ``body_html`` is filled only when ``with_body`` is asked and the decision grants;
    otherwise it is None and the text is headline, summary and lead-in only.
    """
    policy = policy or current_policy()
    decision = decide_for(article, now=now, policy=policy, reader=reader, crawler=crawler)
    is_free = effective_level(article_facts(article), policy) == FREE
    image_url, width, height = _image(article)
    body = None
    if with_body and decision.granted:
        parts = render_body(article, Publication.current(), None, cut_sentences=False)
        body = SafeString(parts.lead_in + "\n" + parts.gated)
    return Syndicated(
        article_id=article.pk,
        url=article.get_absolute_url(),
        headline=article.headline,
        summary=article.summary,
        lead_in_text=article.lead_in_text,
        published_at=article.published_at,
        updated_at=article.updated_at,
        section_name=article.section.name if article.section else "",
        section_url=article.section.get_absolute_url() if article.section else "",
        bylines=_bylines(article),
        image_url=image_url,
        image_alt=article.lead_image_alt,
        image_width=width,
        image_height=height,
        is_accessible_for_free=is_free,
        decision=decision,
        body_html=body,
    )


def syndicate_all(
    articles: Iterable[Article], *, now: dt.datetime, with_body: bool = False
) -> list[Syndicated]:
    """Return ``articles`` serialized for an anonymous reader, the policy read once."""
    policy = current_policy()
    return [syndicate(a, now=now, policy=policy, with_body=with_body) for a in articles]


class SyndicatedPages(Sequence[Syndicated]):
    """A query's articles, serialized only when a page of them is sliced out.

    Paginated channels (the sitemap) count the query and serialize one page at a time,
    instead of building every article of the site up front.
    """

    def __init__(self, articles: QuerySet[Article], *, now: dt.datetime) -> None:
        self._articles = articles
        self._now = now

    def __len__(self) -> int:
        return self._articles.count()

    @overload
    def __getitem__(self, index: int) -> Syndicated: ...

    @overload
    def __getitem__(self, index: slice) -> list[Syndicated]: ...

    def __getitem__(self, index: int | slice) -> Syndicated | list[Syndicated]:
        if isinstance(index, slice):
            return syndicate_all(self._articles[index], now=self._now)
        return syndicate_all([self._articles[index]], now=self._now)[0]
