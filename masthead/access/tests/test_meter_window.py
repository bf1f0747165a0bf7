"""Where the meter window starts: calendar month in the publication's zone, or 30 days."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.test import SimpleTestCase

from masthead.access import Policy, Window, window_start
from masthead.access.meters import meter_window_start, reader_key

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


class WindowStartTests(SimpleTestCase):
    def test_it_starts_the_month_at_local_midnight(self) -> None:
        now = dt.datetime(2025, 3, 10, 12, tzinfo=dt.UTC)
        start = window_start(now, Window.CALENDAR_MONTH, NEW_YORK)
        self.assertEqual(start, dt.datetime(2025, 3, 1, 5, tzinfo=dt.UTC))  # EST, UTC-5

    def test_it_keeps_the_previous_month_until_local_midnight(self) -> None:
        # 02:00 UTC on April 1 is still March 31 in New York (EDT, UTC-4).
        now = dt.datetime(2025, 4, 1, 2, tzinfo=dt.UTC)
        start = window_start(now, Window.CALENDAR_MONTH, NEW_YORK)
        self.assertEqual(start, dt.datetime(2025, 3, 1, 5, tzinfo=dt.UTC))
        at_midnight = dt.datetime(2025, 4, 1, 4, tzinfo=dt.UTC)
        self.assertEqual(window_start(at_midnight, Window.CALENDAR_MONTH, NEW_YORK), at_midnight)
        a_second_before = at_midnight - dt.timedelta(seconds=1)
        self.assertEqual(
            window_start(a_second_before, Window.CALENDAR_MONTH, NEW_YORK),
            dt.datetime(2025, 3, 1, 5, tzinfo=dt.UTC),
        )

    def test_it_rolls_30_days(self) -> None:
        now = dt.datetime(2025, 3, 10, 12, tzinfo=dt.UTC)
        start = window_start(now, Window.ROLLING_30_DAYS, NEW_YORK)
        self.assertEqual(start, now - dt.timedelta(days=30))

    def test_it_reads_the_policy_zone_and_survives_a_bad_one(self) -> None:
        now = dt.datetime(2025, 3, 10, 12, tzinfo=dt.UTC)
        chicago = meter_window_start(now, Policy(time_zone="America/Chicago"))
        self.assertEqual(chicago, dt.datetime(2025, 3, 1, 6, tzinfo=dt.UTC))
        bad = meter_window_start(now, Policy(time_zone="Mars/Olympus"))
        self.assertEqual(bad, dt.datetime(2025, 3, 1, tzinfo=dt.UTC))

    def test_it_keys_accounts_before_visitors(self) -> None:
        self.assertEqual(reader_key(12, "abc"), "u:12")
        self.assertEqual(reader_key(None, "abc"), "v:abc")
        self.assertEqual(reader_key(None, None), "")
