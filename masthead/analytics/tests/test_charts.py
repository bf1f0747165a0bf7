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


class ChartTextIsNeverMathTests(SimpleTestCase):
    """A headline with dollar signs is drawn as written, never parsed as mathtext."""

    HEADLINE = "#1 costs $5, #2 costs $9"

    def test_top_articles_chart_draws_dollar_headlines_as_text(self) -> None:
        from masthead.analytics.charts import top_articles_chart

        table = Table("top_articles", "Top", ("Article", "Started", "Checkouts"),
                      [(self.HEADLINE, 3, 4), ("$x^2$ and \\frac{1}{2}", 1, 1)])  # fmt: skip
        svg = top_articles_chart(table)
        self.assertIn("#1 costs $5, #2 costs $9", svg)
        self.assertIn("$x^2$ and \\frac{1}{2}", svg)

    def test_every_chart_survives_dollar_text(self) -> None:
        from masthead.analytics import charts

        start = dt.date(2026, 11, 1)
        rows: list[tuple[Cell, ...]] = [
            ((start + dt.timedelta(days=n)).isoformat(), 1, 1, 1, 1, 1, 1, 0, 1)
            for n in range(3)
        ]
        daily = Table("daily", "Daily", COLUMNS, rows)
        funnel = Table("funnel", "Funnel", ("Step", "People", "Prev", "Start"),
                       [(self.HEADLINE, 5, "$1$", "$2$"), ("$$", 2, "40%", "40%")])  # fmt: skip
        meter = Table("meter", "Meter", ("Used", "Anon", "Reg"), [(1, 2, 3)])
        top = Table("top_articles", "Top", ("A", "S", "C"), [(self.HEADLINE, 1, 0)])
        drawn = [
            charts.reading_chart(daily, start),
            charts.walls_chart(daily, start),
            charts.conversions_chart(daily, start),
            charts.funnel_chart(funnel),
            charts.top_articles_chart(top),
            charts.meter_chart(meter, (3, 10)),
        ]
        self.assertTrue(all(svg.startswith("<svg") for svg in drawn))
        self.assertIn(self.HEADLINE, drawn[3])
