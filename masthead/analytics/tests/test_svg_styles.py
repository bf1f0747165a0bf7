"""The Dashboard's charts carry no inline CSS, which the site's policy would refuse."""

from __future__ import annotations

import datetime as dt
import re

from masthead.analytics import charts
from masthead.analytics.figures import Table
from masthead.analytics.svg_styles import without_inline_style
from masthead.analytics.tests.test_charts import COLUMNS


def _every_chart() -> dict[str, str]:
    start = dt.date(2026, 11, 1)
    daily = Table(
        "daily",
        "Daily",
        COLUMNS,
        [((start + dt.timedelta(days=n)).isoformat(), 10, 5, 2, 1, n % 3, n % 2, 0, 1)
         for n in range(7)],
    )  # fmt: skip
    funnel = Table("funnel", "Funnel", ("step", "people", "rate"), [("Read", 40, "100%")])
    top = Table("top", "Top", ("article", "subscriptions"), [("Bridge story", 3)])
    meter = Table("meter", "Meter", ("articles", "anon", "reg"), [(1, 20, 5), (2, 9, 3), (3, 4, 1)])
    return {
        "reading": charts.reading_chart(daily, start + dt.timedelta(days=6)),
        "walls": charts.walls_chart(daily, start + dt.timedelta(days=6)),
        "conversions": charts.conversions_chart(daily),
        "funnel": charts.funnel_chart(funnel),
        "top": charts.top_articles_chart(top),
        "meter": charts.meter_chart(meter, allowances=(3, 10)),
    }


def test_no_chart_has_a_style_attribute_or_element() -> None:
    for name, svg in _every_chart().items():
        assert svg.startswith("<svg "), name
        assert not re.search(r"<style|\sstyle=", svg), name
        # The colours survive as attributes.
        assert re.search(r'fill="#(?!ffffff)[0-9a-f]{6}"', svg), name


def test_it_turns_each_declaration_into_an_attribute() -> None:
    svg = (
        '<svg width="1"><defs><style type="text/css">*{stroke-linejoin: round}</style></defs>'
        '<path d="M 0 0" style="fill: #ffffff; stroke: #000000; stroke-width: 0.8"/>'
        "<text style=\"font-family: 'DejaVu Sans', sans-serif; text-anchor: middle\">"
        'style="fill: red" is text</text></svg>'
    )
    assert without_inline_style(svg) == (
        '<svg stroke-linejoin="round" stroke-linecap="butt" width="1"><defs></defs>'
        '<path d="M 0 0" fill="#ffffff" stroke="#000000" stroke-width="0.8"/>'
        '<text font-family="\'DejaVu Sans\', sans-serif" text-anchor="middle">'
        'style="fill: red" is text</text></svg>'
    )


def test_it_drops_what_svg_cannot_say_as_an_attribute() -> None:
    assert without_inline_style('<svg><g style="mix-blend-mode: multiply; fill: red"/></svg>') == (
        '<svg stroke-linejoin="round" stroke-linecap="butt"><g fill="red"/></svg>'
    )
