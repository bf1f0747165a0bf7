"""The publisher's figures for a period and section, as tables.

The dashboard draws them, the CSV download and ``paywall_report`` print them: one source,
so they cannot disagree. Daily counts and top articles come from the daily aggregates
(live from raw events for the days not rolled up yet); the funnel and the meter
distribution count distinct people, so they need raw events and cover at most
``ANALYTICS_RETENTION_DAYS``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from masthead.access import current_policy
from masthead.analytics.funnel import FUNNEL_LABELS, NO_RATE, as_percent, funnel_steps
from masthead.analytics.models import DailyAggregate, Event
from masthead.analytics.rollup import aggregate_events, complete_through, day_bounds, person
from masthead.core.events import EventKind

K = EventKind
Cell = str | int | float


@dataclass(frozen=True)
class Period:
    """The days ``since`` … ``until`` (inclusive, UTC), optionally one section's events."""

    since: dt.date
    until: dt.date
    section: str = ""

    def days(self) -> list[dt.date]:
        """Return every day of the period in order."""
        count = (self.until - self.since).days + 1
        return [self.since + dt.timedelta(days=offset) for offset in range(count)]


@dataclass(frozen=True)
class Table:
    """A named figure: column headers and rows, ready for a chart, HTML, CSV or a terminal."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)

    def column(self, index: int) -> list[Cell]:
        """Return the values of one column."""
        return [row[index] for row in self.rows]


# What each daily column counts: a test on an aggregate row.
_DAILY: dict[str, tuple[str, Callable[[dict[str, Any]], bool]]] = {
    "checks": ("Access checks", lambda r: r["kind"] == K.ACCESS_CHECK),
    "metered": (
        "Metered reads",
        lambda r: r["kind"] == K.ACCESS_CHECK and r["reason"] == "metered" and bool(r["granted"]),
    ),
    "reg_walls": (
        "Registration walls",
        lambda r: r["kind"] == K.WALL_SHOWN and r["offer"] == "registration",
    ),
    "sub_walls": (
        "Subscription walls",
        lambda r: r["kind"] == K.WALL_SHOWN and r["offer"] == "subscription",
    ),
    "registrations": ("Registrations", lambda r: r["kind"] == K.REGISTRATION),
    "started": ("Subscriptions started", lambda r: r["kind"] == K.SUBSCRIPTION_STARTED),
    "canceled": ("Subscriptions canceled", lambda r: r["kind"] == K.SUBSCRIPTION_CANCELED),
    "gifts_opened": ("Gift links opened", lambda r: r["kind"] == K.GIFT_OPENED),
}
DAILY_KEYS = tuple(_DAILY)


def aggregate_rows(period: Period) -> list[dict[str, Any]]:
    """Return the period's aggregate rows: stored ones for days rolled up complete, and
    live ones, from raw events, for the days after them.
    """
    done = complete_through()
    stored = DailyAggregate.objects.filter(day__gte=period.since, day__lte=period.until)
    live_from = period.since if done is None else max(period.since, done + dt.timedelta(days=1))
    stored = stored.filter(day__lt=live_from)
    if period.section:
        stored = stored.filter(section=period.section)
    rows: list[dict[str, Any]] = [dict(row) for row in stored.values()]
    if live_from <= period.until:
        rows += aggregate_events(_events(Period(live_from, period.until, period.section)))
    return rows


def _events(period: Period) -> models.QuerySet[Event]:
    start, end = day_bounds(period.since, period.until)
    events = Event.objects.filter(at__gte=start, at__lt=end)
    return events.filter(section=period.section) if period.section else events


def daily_table(period: Period, rows: Iterable[dict[str, Any]] | None = None) -> Table:
    """Return one row per day: checks, metered reads, walls by kind, conversions, gifts."""
    per_day: dict[dt.date, Counter[str]] = defaultdict(Counter)
    for row in aggregate_rows(period) if rows is None else rows:
        for key, (_, counts) in _DAILY.items():
            if counts(row):
                per_day[row["day"]][key] += row["count"]
    columns = ("Day", *(label for label, _ in _DAILY.values()))
    body: list[tuple[Cell, ...]] = [
        (day.isoformat(), *(per_day[day][key] for key in DAILY_KEYS)) for day in period.days()
    ]
    return Table("daily", "Day by day", columns, body)


def totals_table(period: Period, rows: Iterable[dict[str, Any]] | None = None) -> Table:
    """Return the period's total count of every kind of event."""
    totals: Counter[str] = Counter()
    for row in aggregate_rows(period) if rows is None else rows:
        totals[row["kind"]] += row["count"]
    body: list[tuple[Cell, ...]] = [(kind.label, totals[kind.value]) for kind in EventKind]
    return Table("totals", "Totals", ("Event", "Count"), body)


def funnel_counts(period: Period) -> list[int]:
    """Return how many distinct people reached each step of the funnel in the period."""
    # A verified crawler is not a reader (and, keeping no cookie, would be a new one each time).
    events = _events(period).exclude(reason__startswith="crawler")

    def people(**where: Any) -> int:
        chosen = events.filter(**where).annotate(who=person()).exclude(who=None)
        return chosen.values("who").distinct().count()

    return [
        people(kind=K.ACCESS_CHECK, reader_kind="anonymous"),
        people(kind=K.WALL_SHOWN, offer="registration"),
        people(kind=K.REGISTRATION),
        # Logged-in readers only: an anonymous reader at a subscription wall is still at
        # the registration step of this funnel.
        people(kind=K.WALL_SHOWN, offer="subscription", reader_kind="registered"),
        people(kind=K.SUBSCRIPTION_STARTED),
    ]


def funnel_table(period: Period, counts: list[int] | None = None) -> Table:
    """Return the funnel: people per step, conversion from the step before and overall."""
    steps = funnel_steps(funnel_counts(period) if counts is None else counts, FUNNEL_LABELS)
    body: list[tuple[Cell, ...]] = [
        (
            step.label,
            step.count,
            as_percent(step.rate_from_previous),
            as_percent(step.rate_from_start),
        )
        for step in steps
    ]
    columns = ("Step", "People", "From the step before", "From the first step")
    return Table("funnel", "Funnel", columns, body)


def top_articles_table(
    period: Period, rows: Iterable[dict[str, Any]] | None = None, limit: int = 10
) -> Table:
    """Return the articles readers subscribed from, most subscriptions first."""
    started: Counter[int] = Counter()
    checkouts: Counter[int] = Counter()
    for row in aggregate_rows(period) if rows is None else rows:
        if row["article_id"] is None:
            continue
        if row["kind"] == K.SUBSCRIPTION_STARTED:
            started[row["article_id"]] += row["count"]
        elif row["kind"] == K.CHECKOUT_STARTED:
            checkouts[row["article_id"]] += row["count"]
    ranked = sorted(set(started) | set(checkouts), key=lambda a: (-started[a], -checkouts[a], a))
    ranked = ranked[:limit]
    names = headlines(ranked)
    body: list[tuple[Cell, ...]] = [(names[a], started[a], checkouts[a]) for a in ranked]
    columns = ("Article", "Subscriptions started", "Checkouts started")
    return Table("top_articles", "Top articles by subscriptions", columns, body)


def headlines(article_ids: list[int]) -> dict[int, str]:
    """Return each article's headline; a deleted article gets "Article #id"."""
    from masthead.newsroom.models import Article

    found = dict(Article.objects.filter(pk__in=article_ids).values_list("pk", "headline"))
    return {pk: found.get(pk, f"Article #{pk}") for pk in article_ids}


def allowances() -> tuple[int, int]:
    """Return the (anonymous, registered) meter allowances in force.

    They come from the policy the access check uses: the one saved in the admin, with
    any ``PAYWALL_*`` override applied.
    """
    policy = current_policy()
    return policy.anonymous_allowance, policy.registered_allowance


def meter_table(period: Period) -> Table:
    """Return how many readers used 1, 2, 3 … metered articles in a calendar month.

    A reader is counted once per month of the period, by reader kind (anonymous readers by
    visitor key, registered readers by account).
    """
    reads = (
        _events(period)
        .filter(kind=K.ACCESS_CHECK, reason="metered", granted=True)
        .annotate(who=person(), month=models.functions.TruncMonth("at"))
        .exclude(who=None)
        .values("who", "month", "reader_kind")
        .annotate(used=models.Count("article_id", distinct=True))
        .order_by()
    )
    readers: dict[str, Counter[int]] = {"anonymous": Counter(), "registered": Counter()}
    for group in reads:
        if group["reader_kind"] in readers and group["used"]:
            readers[group["reader_kind"]][group["used"]] += 1
    most = max([*readers["anonymous"], *readers["registered"], 0])
    body: list[tuple[Cell, ...]] = [
        (used, readers["anonymous"][used], readers["registered"][used])
        for used in range(1, most + 1)
    ]
    columns = ("Articles used", "Anonymous readers", "Registered readers")
    return Table("meter", "Meter use per reader and month", columns, body)


def all_tables(period: Period) -> dict[str, Table]:
    """Return every figure of the period, keyed by table name, reading the rollups once."""
    rows = aggregate_rows(period)
    tables = [
        daily_table(period, rows),
        funnel_table(period),
        top_articles_table(period, rows),
        meter_table(period),
        totals_table(period, rows),
    ]
    return {table.name: table for table in tables}


def headline_figures(tables: dict[str, Table]) -> list[tuple[str, str]]:
    """Return the few numbers a publisher looks at first, formatted, from ``all_tables``."""
    totals = {str(row[0]): int(row[1]) for row in tables["totals"].rows}
    funnel = tables["funnel"]
    people = [int(count) for count in funnel.column(1)]
    started = totals[K.SUBSCRIPTION_STARTED.label]
    ended = totals[K.SUBSCRIPTION_CANCELED.label] + totals[K.SUBSCRIPTION_LAPSED.label]
    return [
        ("Access checks", f"{totals[K.ACCESS_CHECK.label]:,}"),
        ("Walls shown", f"{totals[K.WALL_SHOWN.label]:,}"),
        ("Registrations", f"{totals[K.REGISTRATION.label]:,}"),
        ("Subscriptions started", f"{started:,}"),
        ("Net new subscriptions", f"{started - ended:+,}"),
        ("Anonymous readers who subscribed", str(funnel.rows[-1][3]) if people[0] else NO_RATE),
    ]


_BUILDERS: dict[str, Callable[[Period], Table]] = {
    "daily": daily_table,
    "funnel": funnel_table,
    "top_articles": top_articles_table,
    "meter": meter_table,
    "totals": totals_table,
}
TABLE_NAMES = tuple(_BUILDERS)


def table_named(period: Period, name: str) -> Table | None:
    """Return one figure of the period by name, or None for an unknown name."""
    build = _BUILDERS.get(name)
    return build(period) if build else None
