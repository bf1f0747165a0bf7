"""Daily rollups: the counts, distinct visitors, and re-running changes nothing."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.test import TestCase

from masthead.analytics.models import DailyAggregate, Event
from masthead.analytics.rollup import complete_through, pending_days, roll_up

from .helpers import DAY, NOON, event, read

NEXT_DAY = DAY + dt.timedelta(days=1)


class RollupTests(TestCase):
    def setUp(self) -> None:
        read("a", 1)
        read("a", 2)
        read("b", 1)
        read("b", 1, at=NOON + dt.timedelta(days=1))
        event("wall_shown", visitor="a", offer="registration", reason="meter_exhausted")
        event("checkout_started", user_id=9, article_id=2)
        event("registration", user_id=9, article_id=2)

    def test_it_counts_events_and_distinct_visitors_per_day_and_shape(self) -> None:
        roll_up(DAY, NEXT_DAY)
        checks = DailyAggregate.objects.get(day=DAY, kind="access_check")
        self.assertEqual((checks.count, checks.visitors), (3, 2))
        self.assertEqual((checks.reason, checks.granted), ("metered", True))
        wall = DailyAggregate.objects.get(day=DAY, kind="wall_shown")
        self.assertEqual((wall.offer, wall.count, wall.visitors), ("registration", 1, 1))
        self.assertEqual(DailyAggregate.objects.get(day=NEXT_DAY).count, 1)

    def test_it_keeps_the_article_only_for_article_kinds(self) -> None:
        roll_up(DAY, DAY)
        self.assertEqual(DailyAggregate.objects.get(kind="checkout_started").article_id, 2)
        self.assertIsNone(DailyAggregate.objects.get(kind="registration").article_id)
        self.assertIsNone(DailyAggregate.objects.get(kind="access_check").article_id)

    def test_it_counts_a_user_without_a_visitor_as_one_visitor(self) -> None:
        roll_up(DAY, DAY)
        self.assertEqual(DailyAggregate.objects.get(kind="registration").visitors, 1)

    def test_it_changes_nothing_when_run_again(self) -> None:
        roll_up(DAY, NEXT_DAY)
        first = sorted(DailyAggregate.objects.values_list("day", "kind", "count", "visitors"))
        roll_up(DAY, NEXT_DAY)
        again = sorted(DailyAggregate.objects.values_list("day", "kind", "count", "visitors"))
        self.assertEqual(first, again)

    def test_it_picks_up_events_that_arrived_after_a_rollup(self) -> None:
        roll_up(DAY, DAY)
        read("c", 3)
        roll_up(DAY, DAY)
        checks = DailyAggregate.objects.get(day=DAY, kind="access_check")
        self.assertEqual((checks.count, checks.visitors), (3 + 1, 3))

    def test_it_rolls_up_from_the_first_event_before_any_rollup(self) -> None:
        today = NEXT_DAY + dt.timedelta(days=3)
        self.assertEqual(pending_days(today), (DAY, today))

    def test_it_rolls_up_from_the_day_after_the_last_complete_day_afterwards(self) -> None:
        roll_up(DAY, NEXT_DAY)
        today = NEXT_DAY + dt.timedelta(days=2)
        self.assertEqual(pending_days(today), (NEXT_DAY + dt.timedelta(days=1), today))

    def test_it_rolls_a_day_again_when_it_was_rolled_under_way(self) -> None:
        roll_up(DAY, NEXT_DAY, now=NOON + dt.timedelta(days=1))
        self.assertEqual(complete_through(), DAY)
        self.assertEqual(pending_days(NEXT_DAY), (NEXT_DAY, NEXT_DAY))

    def test_it_has_nothing_to_do_without_events(self) -> None:
        Event.objects.all().delete()
        self.assertIsNone(pending_days(DAY))

    def test_the_command_rolls_up_the_pending_days(self) -> None:
        call_command("rollup_events", "--since=2026-03-10", "--until=2026-03-11", stdout=_Sink())
        self.assertEqual(DailyAggregate.objects.filter(day=NEXT_DAY).count(), 1)


class _Sink:
    def write(self, text: str) -> None:
        pass
