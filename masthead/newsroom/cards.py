"""What a story card shows beyond its row: a "Subscribers only" mark, and related stories.

Both are the same for every reader (they read the article and the publisher's policy,
never the reader), so fronts and article pages stay publicly cacheable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import cast

from django.db.models import Min

from masthead.access import SUBSCRIBER, effective_level

from .models import LIVE_STATUSES, Article
from .replica_reads import confirm_live
from .syndication import article_facts, current_policy

RELATED_COUNT = 4


def mark_subscriber_only(articles: Iterable[Article]) -> None:
    """Set ``subscriber_only`` on each article: True when only subscribers may read it.

    The level is read after the section rules (a walled section makes a story
    subscriber-only whatever its own level), with one policy load for all the cards.
    """
    policy = current_policy()
    for article in articles:
        level = effective_level(article_facts(article), policy)
        article.subscriber_only = level == SUBSCRIBER  # type: ignore[attr-defined]


def related_to(article_id: int, section_id: int | None, now: dt.datetime) -> list[Article]:
    """Return the latest live stories of section ``section_id``, ``article_id`` left out.

    Only public fields are used (headline, summary, date): a related card never
    carries gated text. A story with no section has none.
    """
    if section_id is None:
        return []
    related = list(
        Article.objects.live(now)
        .filter(section_id=section_id)
        .exclude(pk=article_id)
        .select_related("section")
        .order_by("-published_at", "-pk")[:RELATED_COUNT]
    )
    confirm_live(related, now)
    mark_subscriber_only(related)
    return related


def next_related_change(section_id: int | None, now: dt.datetime) -> dt.datetime | None:
    """Return when the next scheduled story of the section goes live (None: none is due).

    Related stories shown from a cache must be read again then: a story going live at
    its time is no save, so no new content generation announces it.
    """
    if section_id is None:
        return None
    due = Article.objects.filter(
        section_id=section_id, status__in=LIVE_STATUSES, published_at__gt=now
    ).aggregate(first=Min("published_at"))
    return cast("dt.datetime | None", due["first"])
