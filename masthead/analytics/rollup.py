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
from django.utils import timezone

from masthead.analytics.models import ARTICLE_KINDS, DailyAggregate, Event, RolledDay

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


def roll_up(first: dt.date, last: dt.date, now: dt.datetime | None = None) -> int:
    """Rebuild the aggregates of the days ``first`` … ``last``; return the rows written.

    Each day is marked rolled at ``now`` (default: the current time), which says whether it
    was complete when summarised.
    """
    moment = now or timezone.now()
    start, end = day_bounds(first, last)
    rows = aggregate_events(Event.objects.filter(at__gte=start, at__lt=end))
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    with transaction.atomic():
        DailyAggregate.objects.filter(day__gte=first, day__lte=last).delete()
        DailyAggregate.objects.bulk_create([DailyAggregate(**row) for row in rows])
        RolledDay.objects.filter(day__in=days).delete()
        RolledDay.objects.bulk_create([RolledDay(day=day, rolled_at=moment) for day in days])
    logger.info("analytics: rolled up %s to %s into %d rows", first, last, len(rows))
    return len(rows)


def complete_through() -> dt.date | None:
    """Return the last day that was rolled up after it ended, or None if there is none."""
    days = RolledDay.objects.order_by("-day").values_list("day", "rolled_at")
    for day, rolled_at in days.iterator():
        if rolled_at >= day_bounds(day, day)[1]:
            return day
    return None


def pending_days(today: dt.date) -> tuple[dt.date, dt.date] | None:
    """Return the days a routine rollup should (re)build, or None when there are no events.

    That is from the day after the last complete day through ``today``; before the first
    rollup, from the first event's day.
    """
    done = complete_through()
    if done is not None:
        first = done + dt.timedelta(days=1)
        return first, max(first, today)
    earliest = Event.objects.aggregate(first=models.Min("at"))["first"]
    if earliest is None:
        return None
    first = earliest.astimezone(dt.UTC).date()
    return first, max(first, today)


def prune(now: dt.datetime, retention_days: int) -> int:
    """Delete raw events older than ``retention_days`` from days rolled up complete.

    Return how many were deleted. An event exactly ``retention_days`` old is kept. Events
    of days not rolled up after they ended are kept whatever their age, so no figure is
    lost.
    """
    cutoff = now - dt.timedelta(days=retention_days)
    done = complete_through()
    if done is None:
        return 0
    _, after_done = day_bounds(done, done)
    deleted, _ = Event.objects.filter(at__lt=min(cutoff, after_done)).delete()
    logger.info("analytics: pruned %d events older than %s", deleted, cutoff)
    return deleted
