"""The funnel's arithmetic, and its counts from a small hand-computed set of events."""

from __future__ import annotations

import datetime as dt

from django.test import SimpleTestCase, TestCase

from masthead.analytics.figures import Period, funnel_counts, funnel_table
from masthead.analytics.funnel import NO_RATE, as_percent, funnel_steps

from .helpers import DAY, event, read


class FunnelArithmeticTests(SimpleTestCase):
    def test_it_divides_each_step_by_the_one_before_and_by_the_first(self) -> None:
        steps = funnel_steps([200, 50, 20, 10, 4])
        self.assertEqual([s.count for s in steps], [200, 50, 20, 10, 4])
        self.assertEqual([s.rate_from_previous for s in steps], [None, 0.25, 0.4, 0.5, 0.4])
        self.assertEqual([s.rate_from_start for s in steps], [1.0, 0.25, 0.1, 0.05, 0.02])

    def test_it_gives_no_rate_after_an_empty_step(self) -> None:
        steps = funnel_steps([0, 0, 3, 0, 1])
        self.assertIsNone(steps[1].rate_from_previous)
        self.assertIsNone(steps[1].rate_from_start)
        self.assertIsNone(steps[4].rate_from_previous)
        self.assertEqual(steps[3].rate_from_previous, 0.0)

    def test_it_refuses_the_wrong_number_of_counts(self) -> None:
        with self.assertRaises(ValueError):
            funnel_steps([1, 2, 3])

    def test_it_prints_rates_as_percentages(self) -> None:
        self.assertEqual(as_percent(2 / 3), "66.7%")
        self.assertEqual(as_percent(None), NO_RATE)


class FunnelCountTests(TestCase):
    """Four anonymous readers; three hit the registration wall; two register (users 11 and
    12); both see the subscription wall (11 twice); 11 subscribes. Reader d also meets a
    subscription wall while anonymous, which is not this funnel's step 4.

    Expected: 4, 3, 2, 2, 1; from the step before 75%, 66.7%, 100%, 50%.
    """

    def setUp(self) -> None:
        for visitor in "abcd":
            read(visitor, 1)
            read(visitor, 2)
        for visitor in "abc":
            event("wall_shown", visitor=visitor, offer="registration", reader_kind="anonymous")
        event("wall_shown", visitor="d", offer="subscription", reader_kind="anonymous")
        event("registration", user_id=11)
        event("registration", user_id=12)
        for user_id in (11, 11, 12):
            event("wall_shown", user_id=user_id, offer="subscription", reader_kind="registered")
        event("subscription_started", user_id=11, article_id=2)
        self.period = Period(DAY, DAY)

    def test_it_counts_distinct_people_at_each_step(self) -> None:
        self.assertEqual(funnel_counts(self.period), [4, 3, 2, 2, 1])

    def test_it_tabulates_the_rates(self) -> None:
        table = funnel_table(self.period)
        self.assertEqual(table.column(2), [NO_RATE, "75.0%", "66.7%", "100.0%", "50.0%"])
        self.assertEqual(table.column(3), ["100.0%", "75.0%", "50.0%", "50.0%", "25.0%"])

    def test_it_leaves_out_verified_crawlers(self) -> None:
        for visitor in ("crawler-1", "crawler-2"):
            event(
                "access_check",
                visitor=visitor,
                granted=True,
                reason="crawler",
                reader_kind="anonymous",
            )
        self.assertEqual(funnel_counts(self.period)[0], 4)

    def test_it_leaves_out_days_outside_the_period(self) -> None:
        later = DAY + dt.timedelta(days=1)
        self.assertEqual(funnel_counts(Period(later, later)), [0, 0, 0, 0, 0])
