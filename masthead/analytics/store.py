"""Writing a batch of events to the database (the flusher's one job)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

Row = dict[str, Any]


def write_events(rows: Sequence[Row]) -> None:
    """Insert ``rows`` as ``Event`` rows in one transaction; raise on a database error.

    Rows that name an article but no section get the article's section slug here, off the
    request path, so callers need not look it up.
    """
    from masthead.analytics.models import Event

    _fill_sections(rows)
    with transaction.atomic():
        Event.objects.bulk_create([Event(**row) for row in rows], batch_size=500)


def _fill_sections(rows: Sequence[Row]) -> None:
    missing = {row["article_id"] for row in rows if row["article_id"] and not row["section"]}
    if not missing:
        return
    try:
        sections = _sections_of(missing)
    except Exception as exc:  # noqa: BLE001 - a failed lookup must not lose the events
        logger.warning("analytics: could not look up sections: %s", exc)
        return
    for row in rows:
        if row["article_id"] and not row["section"]:
            row["section"] = sections.get(row["article_id"], "")


def _sections_of(article_ids: set[int]) -> dict[int, str]:
    from masthead.newsroom.models import Article

    pairs = Article.objects.filter(pk__in=article_ids).values_list("pk", "section__slug")
    return {pk: slug or "" for pk, slug in pairs}
