"""Charts a person can read: the conversions chart dates both of its panels."""

from __future__ import annotations

import datetime as dt

from django.test import SimpleTestCase

from masthead.analytics.charts import conversions_chart
from masthead.analytics.figures import Cell, Table

COLUMNS = (
    "day", "checks", "metered", "reg_walls", "sub_walls",
    "registrations", "started", "canceled", "gifts_opened",
)  # fmt: skip


class ConversionsChartTests(SimpleTestCase):
    def test_it_labels_the_dates_under_both_panels(self) -> None:
        start = dt.date(2026, 11, 1)
        rows: list[tuple[Cell, ...]] = [
            ((start + dt.timedelta(days=n)).isoformat(), 10, 5, 2, 1, n % 3, n % 2, 0, 1)
            for n in range(7)
        ]
        svg = conversions_chart(Table("daily", "Daily", COLUMNS, rows))
        # Each panel writes the first day's label once: two panels, two labels.
        self.assertEqual(svg.count(">Nov 1<"), 2)
