"""Daily rollups of raw events, and pruning of the raw events they summarise.

Days are UTC calendar days (``TIME_ZONE`` is UTC). A rollup of a day deletes that day's
aggregates and rebuilds them from the events, so running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import models, transaction
from django.db.models import Case, CharField, Count, F, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, TruncDate

from masthead.analytics.models import ARTICLE_KINDS, DailyAggregate, Event

logger = logging.getLogger(__name__)

GROUP_FIELDS = ("day", "section", "kind", "granted", "reason", "offer", "reader_kind")


def person() -> Coalesce:
    """Return an expression naming the reader: the visitor key, else ``u<user id>``.

    Null when an event has neither, so such events count no one.
    """
    return Coalesce(
        NullIf(F("visitor"), Value("")),
        Concat(Value("u"), Cast("user_id", CharField())),
        output_field=CharField(),
    )


def aggregate_events(events: models.QuerySet[Event]) -> list[dict[str, Any]]:
    """Return ``events`` grouped into ``DailyAggregate``-shaped dicts (day, shape, counts)."""
    article = Case(When(kind__in=list(ARTICLE_KINDS), then=F("article_id")), default=None)
    grouped = (
        events.annotate(day=TruncDate("at"), article=article)
        .values(*GROUP_FIELDS, "article")
        .annotate(count=Count("id"), visitors=Count(person(), distinct=True))
        .order_by()
    )
    return [_as_aggregate_row(row) for row in grouped]


def _as_aggregate_row(row: dict[str, Any]) -> dict[str, Any]:
    shaped = {name: row[name] for name in GROUP_FIELDS}
    shaped.update(article_id=row["article"], count=row["count"], visitors=row["visitors"])
    return shaped


def day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Return the UTC instants [start of ``first``, start of the day after ``last``)."""
    start = dt.datetime.combine(first, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    return start, end


def roll_up(first: dt.date, last: dt.date) -> int:
    """Rebuild the aggregates of the days ``first`` … ``last``; return the rows written."""
    start, end = day_bounds(first, last)
    rows = aggregate_events(Event.objects.filter(at__gte=start, at__lt=end))
    with transaction.atomic():
        DailyAggregate.objects.filter(day__gte=first, day__lte=last).delete()
        DailyAggregate.objects.bulk_create([DailyAggregate(**row) for row in rows])
    logger.info("analytics: rolled up %s to %s into %d rows", first, last, len(rows))
    return len(rows)


def last_rolled_day() -> dt.date | None:
    """Return the latest day that has aggregates, or None before the first rollup."""
    last: dt.date | None = DailyAggregate.objects.aggregate(last=models.Max("day"))["last"]
    return last


def pending_days(today: dt.date) -> tuple[dt.date, dt.date] | None:
    """Return the days a routine rollup should (re)build, or None when there are no events.

    That is from the last rolled day (it may have been rolled while still under way)
    through ``today``; before the first rollup, from the first event's day.
    """
    first = last_rolled_day()
    if first is None:
        earliest = Event.objects.aggregate(first=models.Min("at"))["first"]
        if earliest is None:
            return None
        first = earliest.astimezone(dt.UTC).date()
    return first, max(first, today)


def prune(now: dt.datetime, retention_days: int) -> int:
    """Delete raw events older than ``retention_days`` that a rollup has summarised.

    Return how many were deleted. An event exactly ``retention_days`` old is kept. Events
    from days not yet rolled up are kept whatever their age, so no figure is lost.
    """
    cutoff = now - dt.timedelta(days=retention_days)
    last = last_rolled_day()
    if last is None:
        return 0
    rolled_before, _ = day_bounds(last, last)
    deleted, _ = Event.objects.filter(at__lt=min(cutoff, rolled_before)).delete()
    logger.info("analytics: pruned %d events older than %s", deleted, cutoff)
    return deleted
