"""Writing a batch of events to the database (the flusher's one job)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction

logger = logging.getLogger(__name__)

Row = dict[str, Any]
# How long after starting a checkout a new subscription is credited to its article.
ATTRIBUTION_WINDOW = dt.timedelta(days=1)
COLUMNS = (
    "kind",
    "at",
    "article_id",
    "section",
    "user_id",
    "visitor",
    "granted",
    "reason",
    "offer",
    "reader_kind",
    "extra",
)


def write_events(rows: Sequence[Row]) -> None:
    """Insert ``rows`` as ``Event`` rows in one transaction; raise on a database error.

    Rows that name an article but no section get the article's section slug here, off the
    request path, so callers need not look it up.
    """
    from masthead.analytics.privacy import strip_deleted_accounts

    _attribute_subscriptions(rows)
    strip_deleted_accounts(rows)
    _fill_sections(rows)
    # One executemany rather than bulk_create: building model instances costs about four
    # times the CPU, and this runs in the same process (and under the same GIL) as the
    # requests whose events it writes.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(_insert_sql(), [_values(row) for row in rows])


def _insert_sql() -> str:
    from masthead.analytics.models import Event

    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name in COLUMNS)
    marks = ", ".join(["%s"] * len(COLUMNS))
    return f"INSERT INTO {quote(Event._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608 - names from the model


def _values(row: Row) -> tuple[Any, ...]:
    from masthead.analytics.models import Event

    extra = Event._meta.get_field("extra").get_db_prep_save(row["extra"], connection)
    at = connection.ops.adapt_datetimefield_value(row["at"])
    return tuple(
        at if name == "at" else extra if name == "extra" else row[name] for name in COLUMNS
    )


def _attribute_subscriptions(rows: Sequence[Row]) -> None:
    """Give a subscription started without an article the article of the reader's checkout.

    Billing learns of a new subscription from the payment provider, long after the reader
    left the article; the checkout it started from (within ``ATTRIBUTION_WINDOW``) names it.
    """
    for index, row in enumerate(rows):
        if row["kind"] != "subscription_started" or row["article_id"] or not row["user_id"]:
            continue
        try:
            checkout = _checkout_before(rows[:index], row) or _stored_checkout_before(row)
        except Exception as exc:  # noqa: BLE001 - an unlabelled event beats a lost one
            logger.warning("analytics: could not attribute a subscription: %s", exc)
            continue
        if checkout is not None:
            row["article_id"], row["section"] = checkout


def _checkout_before(rows: Sequence[Row], started: Row) -> tuple[int, str] | None:
    since = started["at"] - ATTRIBUTION_WINDOW
    for row in reversed(rows):
        if (
            row["kind"] == "checkout_started"
            and row["user_id"] == started["user_id"]
            and row["article_id"]
            and since <= row["at"] <= started["at"]
        ):
            return row["article_id"], row["section"]
    return None


def _stored_checkout_before(started: Row) -> tuple[int, str] | None:
    from masthead.analytics.models import Event

    checkout = (
        Event.objects.filter(
            kind="checkout_started",
            user_id=started["user_id"],
            article_id__isnull=False,
            at__gte=started["at"] - ATTRIBUTION_WINDOW,
            at__lte=started["at"],
        )
        .order_by("-at")
        .values_list("article_id", "section")
        .first()
    )
    return (checkout[0], checkout[1]) if checkout and checkout[0] else None


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
