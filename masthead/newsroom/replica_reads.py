"""Which newsroom reads may come from the database replica, and the checks that keep lag harmless.

Article pages, fronts, search and feeds wear ``from_replica``: their reads of articles,
blocks, bylines and videos go to the replica (``masthead.core.replica``). What decides what
is gated never does: the article page reads its article's row (status, publication time,
level, section and its level) from the primary, and renders the body from the replica only
when the replica's copy of that row carries the same ``modified_at``, the article's version
(any save of the article or of one of its blocks, where the paywall break lives, moves it).
Lists read from the replica are confirmed on the primary: every listed article must still
be live there, in the same version. Anything else raises ``ReplicaBehind`` and the view
runs again on the primary, so a lagging replica costs a second read, never a page that
shows what the primary no longer allows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from masthead.core.replica import PRIMARY, REPLICA, ReplicaBehind, in_use, replica_view

from .models import Article, Author, Block, Video

# What a page or a list may read from the replica. Sections, the publication and the
# paywall policy are left out: they are read from the primary (one row each).
CONTENT = frozenset(
    model._meta.label for model in (Article, Block, Author, Video, Article.authors.through)
)

from_replica = replica_view(CONTENT)


def require_current(article: Article) -> None:
    """Raise ``ReplicaBehind`` unless the replica holds ``article`` (read from the primary)
    in the same version; does nothing outside a replica scope."""
    if not in_use():
        return
    version = (
        Article.objects.using(REPLICA)
        .filter(pk=article.pk)
        .values_list("modified_at", flat=True)
        .first()
    )
    if version != article.modified_at:
        raise ReplicaBehind(f"article {article.pk}")


def confirm_live(articles: Sequence[Article], now: dt.datetime) -> None:
    """Raise ``ReplicaBehind`` unless every article of ``articles`` read from the replica is
    live on the primary at ``now``, in the same version (one query by primary key)."""
    copies = [article for article in articles if article._state.db == REPLICA]
    if not copies:
        return
    current = dict(
        Article.objects.using(PRIMARY)
        .live(now)
        .filter(pk__in=[article.pk for article in copies])
        .values_list("pk", "modified_at")
    )
    if any(current.get(article.pk) != article.modified_at for article in copies):
        raise ReplicaBehind("a listed article changed on the primary")
