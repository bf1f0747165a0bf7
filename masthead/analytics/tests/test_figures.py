"""The dashboard's tables: daily counts, top articles, meter use, and rolled-up vs live."""

from __future__ import annotations

import datetime as dt

from django.test import TestCase

from masthead.analytics.figures import (
    Period,
    daily_table,
    meter_table,
    top_articles_table,
    totals_table,
)
from masthead.analytics.rollup import roll_up
from masthead.newsroom.tests import factories

from .helpers import DAY, NOON, event, read

NEXT_DAY = DAY + dt.timedelta(days=1)


def _by_day(period: Period) -> dict[str, dict[str, object]]:
    table = daily_table(period)
    return {str(row[0]): dict(zip(table.columns, row, strict=True)) for row in table.rows}


class DailyTableTests(TestCase):
    def setUp(self) -> None:
        read("a", 1, section="metro")
        read("b", 2, section="sports")
        event("access_check", visitor="b", article_id=3, granted=True, reason="free")
        event("wall_shown", visitor="a", offer="registration", section="metro")
        event("wall_shown", user_id=4, offer="subscription", section="metro")
        event("registration", user_id=4)
        event("subscription_started", user_id=4, article_id=1, section="metro")
        event("subscription_canceled", user_id=5, at=NOON + dt.timedelta(days=1))
        event("gift_opened", article_id=1, section="metro", at=NOON + dt.timedelta(days=1))

    def test_it_counts_each_column_per_day(self) -> None:
        days = _by_day(Period(DAY, NEXT_DAY))
        first, second = days["2026-03-10"], days["2026-03-11"]
        self.assertEqual(first["Access checks"], 3)
        self.assertEqual(first["Metered reads"], 2)
        self.assertEqual(first["Registration walls"], 1)
        self.assertEqual(first["Subscription walls"], 1)
        self.assertEqual(first["Registrations"], 1)
        self.assertEqual(first["Subscriptions started"], 1)
        self.assertEqual(second["Subscriptions canceled"], 1)
        self.assertEqual(second["Gift links opened"], 1)

    def test_it_lists_every_day_even_without_events(self) -> None:
        days = _by_day(Period(DAY - dt.timedelta(days=1), NEXT_DAY))
        self.assertEqual(list(days), ["2026-03-09", "2026-03-10", "2026-03-11"])
        self.assertEqual(days["2026-03-09"]["Access checks"], 0)

    def test_it_gives_the_same_figures_rolled_up_or_live(self) -> None:
        period = Period(DAY, NEXT_DAY)
        live = daily_table(period).rows
        roll_up(DAY, NEXT_DAY)
        self.assertEqual(daily_table(period).rows, live)

    def test_it_counts_a_day_rolled_under_way_from_its_events(self) -> None:
        period = Period(DAY, NEXT_DAY)
        roll_up(DAY, NEXT_DAY, now=NOON + dt.timedelta(days=1))
        read("c", 4, at=NOON + dt.timedelta(days=1, hours=1))  # after that rollup
        self.assertEqual(_by_day(period)["2026-03-11"]["Metered reads"], 1)

    def test_it_keeps_to_one_section(self) -> None:
        metro = _by_day(Period(DAY, NEXT_DAY, "metro"))["2026-03-10"]
        self.assertEqual(metro["Access checks"], 1)
        self.assertEqual(metro["Registration walls"], 1)
        self.assertEqual(metro["Registrations"], 0)  # named no article, so no section

    def test_it_totals_every_kind(self) -> None:
        totals = {row[0]: row[1] for row in totals_table(Period(DAY, NEXT_DAY)).rows}
        self.assertEqual(totals["Access check"], 3)
        self.assertEqual(totals["Gift link opened"], 1)
        self.assertEqual(totals["Ad impression"], 0)


class TopArticlesTests(TestCase):
    def test_it_ranks_articles_by_subscriptions_then_checkouts(self) -> None:
        first = factories.article("first-story", headline="Bridge opens")
        second = factories.article("second-story", headline="Tunnel closes")
        for _ in range(2):
            event("subscription_started", user_id=1, article_id=second.pk)
        event("subscription_started", user_id=2, article_id=first.pk)
        for _ in range(3):
            event("checkout_started", user_id=3, article_id=first.pk)
        event("checkout_started", user_id=3, article_id=999)
        table = top_articles_table(Period(DAY, DAY))
        self.assertEqual(
            table.rows, [("Tunnel closes", 2, 0), ("Bridge opens", 1, 3), ("Article #999", 0, 1)]
        )

    def test_it_survives_the_rollup(self) -> None:
        event("subscription_started", user_id=1, article_id=5)
        roll_up(DAY, DAY)
        self.assertEqual(top_articles_table(Period(DAY, DAY)).rows, [("Article #5", 1, 0)])


class MeterTableTests(TestCase):
    def test_it_counts_readers_by_distinct_metered_articles_per_month(self) -> None:
        read("a", 1)
        read("a", 1)  # a re-read counts once
        read("a", 2)
        read("b", 1)
        read("c", 1)
        read("c", 2)
        read("c", 3)
        event(
            "access_check",
            user_id=7,
            article_id=1,
            granted=True,
            reason="metered",
            reader_kind="registered",
        )
        event("access_check", visitor="d", article_id=4, granted=True, reason="free")
        table = meter_table(Period(DAY, DAY))
        self.assertEqual(table.rows, [(1, 1, 1), (2, 1, 0), (3, 1, 0)])

    def test_it_counts_a_reader_again_in_a_new_month(self) -> None:
        read("a", 1, at=dt.datetime(2026, 3, 31, 23, tzinfo=dt.UTC))
        read("a", 2, at=dt.datetime(2026, 4, 1, 1, tzinfo=dt.UTC))
        table = meter_table(Period(dt.date(2026, 3, 31), dt.date(2026, 4, 1)))
        self.assertEqual(table.rows, [(1, 2, 0)])
