"""Server-rendered SVG charts of the figures (matplotlib, Agg, no pyplot state).

Each function takes a ``Table`` and returns an SVG document as a string. Text stays text
(``svg.fonttype: none``) so the charts are small, sharp and searchable; matplotlib escapes
it, so headlines in labels cannot inject markup. No text is read as mathtext or TeX: a
headline such as "#1 costs $5, #2 costs $9" is drawn as written (matplotlib would otherwise
parse the dollars as math and fail on the ``#``, a 500 on the Dashboard).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import math
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager

import matplotlib

matplotlib.use("Agg")

from django.core.cache import cache
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from masthead.analytics import figures
from masthead.analytics.figures import Table
from masthead.analytics.funnel import NO_RATE
from masthead.analytics.svg_styles import without_inline_style

logger = logging.getLogger(__name__)
CHART_CACHE_SECONDS = 600

# The Django admin's palette, so the charts sit in its pages naturally.
BLUE = "#417690"
LIGHT_BLUE = "#79aec8"
YELLOW = "#e0b72e"
RED = "#ba2121"
GREEN = "#3a7d44"
GREY = "#767676"
STYLE = {
    "svg.fonttype": "none",
    "font.family": ["DejaVu Sans", "sans-serif"],
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#999999",
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "legend.frameon": False,
    # Headlines and labels are data, not markup: never parse "$...$" as math, never run TeX.
    "text.parse_math": False,
    "text.usetex": False,
}
WIDTH = 8.0


def _styled() -> AbstractContextManager[None]:
    # rc_context's stub wants a dict keyed by literal rc names; STYLE holds only such names.
    return rc_context(STYLE)  # type: ignore[arg-type]


def _new_axes(height: float = 3.0) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(WIDTH, height), layout="constrained")
    return figure, figure.add_subplot()


def _as_svg(figure: Figure) -> str:
    # The style already turns math off; this also covers any text made outside it.
    for text in figure.findobj(Text):
        text.set_parse_math(False)
        text.set_usetex(False)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    # Drop the XML prolog and DOCTYPE so the document can be inlined in HTML, and turn its
    # inline CSS into SVG attributes, which the site's Content-Security-Policy allows.
    return without_inline_style(svg[svg.index("<svg") :])


def _days(table: Table) -> list[dt.date]:
    return [dt.date.fromisoformat(str(day)) for day in table.column(0)]


def _numbers(table: Table, index: int) -> list[float]:
    return [float(value) for value in table.column(index)]


def _date_axis(axes: Axes, days: Sequence[dt.date], headroom: float = 1.25) -> None:
    step = max(1, math.ceil(len(days) / 8))
    ticks = list(days[::step])
    axes.set_xticks(ticks, [f"{day:%b} {day.day}" for day in ticks])  # type: ignore[arg-type]
    axes.grid(axis="y", color="#e5e5e5")
    axes.set_axisbelow(True)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    # Room above the tallest bar for the legend, which sits inside the axes.
    axes.set_ylim(bottom=0, top=max(axes.get_ylim()[1] * headroom, 1))


def _legend(axes: Axes, columns: int = 2) -> None:
    axes.legend(loc="upper left", ncols=columns, fontsize=9, borderaxespad=0.2)


def _split(
    days: Sequence[dt.date], values: Sequence[float], today: dt.date | None
) -> tuple[list[dt.date], list[float], list[dt.date], list[float]]:
    """Split a series into complete days and today (still under way)."""
    done = [(day, value) for day, value in zip(days, values, strict=True) if day != today]
    going = [(day, value) for day, value in zip(days, values, strict=True) if day == today]
    return [d for d, _ in done], [v for _, v in done], [d for d, _ in going], [v for _, v in going]


def _bars(
    axes: Axes,
    days: Sequence[dt.date],
    values: Sequence[float],
    today: dt.date | None,
    bottom: Sequence[float] | None = None,
    **style: object,
) -> None:
    """Draw a bar per day; today's bar (a partial day) is pale and hatched."""
    base = list(bottom) if bottom is not None else [0.0] * len(values)
    done_days, done, going_days, going = _split(days, values, today)
    _, done_base, _, going_base = _split(days, base, today)
    axes.bar(done_days, done, bottom=done_base, **style)  # type: ignore[arg-type]
    if going_days:
        pale = {**style, "alpha": 0.35, "hatch": "///", "label": None}
        axes.bar(going_days, going, bottom=going_base, **pale)  # type: ignore[arg-type]


def _line(
    axes: Axes,
    days: Sequence[dt.date],
    values: Sequence[float],
    today: dt.date | None,
    **style: object,
) -> None:
    """Draw a line through the complete days only: a partial today would look like a fall."""
    done_days, done, _, _ = _split(days, values, today)
    axes.plot(done_days, done, linewidth=2, **style)  # type: ignore[arg-type]


def _today_note(axes: Axes, today: dt.date | None, days: Sequence[dt.date]) -> None:
    if today is not None and today in days:
        axes.annotate(
            "today\nso far",
            (today, 0),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=7,
            color=GREY,
        )


def reading_chart(daily: Table, today: dt.date | None = None) -> str:
    """Return access checks as bars and metered reads as a line, per day.

    ``today``, when among the days, is drawn as a day still under way.
    """
    with _styled():
        figure, axes = _new_axes()
        days = _days(daily)
        _bars(axes, days, _numbers(daily, 1), today, color=LIGHT_BLUE, label="Access checks")
        _line(axes, days, _numbers(daily, 2), today, color=BLUE, label="Metered reads")
        axes.set_title("Reading: access checks and metered reads per day")
        _date_axis(axes, days)
        _today_note(axes, today, days)
        _legend(axes)
        return _as_svg(figure)


def walls_chart(daily: Table, today: dt.date | None = None) -> str:
    """Return the walls shown per day, stacked by kind (registration, subscription)."""
    with _styled():
        figure, axes = _new_axes()
        days = _days(daily)
        registration, subscription = _numbers(daily, 3), _numbers(daily, 4)
        _bars(axes, days, registration, today, color=YELLOW, label="Registration wall")
        _bars(
            axes,
            days,
            subscription,
            today,
            bottom=registration,
            color=RED,
            label="Subscription wall",
        )
        axes.set_title("Walls shown per day, by kind")
        _date_axis(axes, days)
        _today_note(axes, today, days)
        _legend(axes)
        return _as_svg(figure)


def conversions_chart(daily: Table, today: dt.date | None = None) -> str:
    """Return two panels per day: registrations and gifts opened; subscriptions started
    (up) against subscriptions canceled (down)."""
    with _styled():
        figure = Figure(figsize=(WIDTH, 4.4), layout="constrained")
        upper, lower = figure.subplots(2, 1, sharex=True)
        days = _days(daily)
        _line(upper, days, _numbers(daily, 5), today, color=YELLOW, label="Registrations")
        _line(upper, days, _numbers(daily, 8), today, color=GREY, label="Gift links opened")
        upper.set_title("Registrations and gift links opened per day")
        _date_axis(upper, days)
        # sharex hides the upper panel's dates; a reader should not have to look below.
        upper.tick_params(labelbottom=True)
        _legend(upper)
        started, canceled = _numbers(daily, 6), [-value for value in _numbers(daily, 7)]
        _bars(lower, days, started, today, color=GREEN, label="Subscriptions started")
        _bars(lower, days, canceled, today, color=RED, label="Subscriptions canceled")
        lower.axhline(0, color="#999999", linewidth=0.8)
        lower.set_title("Subscriptions started (up) and canceled (down) per day")
        _date_axis(lower, days, headroom=1.6)
        lower.set_ylim(bottom=min([*canceled, 0]) - 0.5)
        _legend(lower)
        return _as_svg(figure)


def funnel_chart(funnel: Table) -> str:
    """Return the funnel as horizontal bars, widest first, labelled with counts and rates."""
    labels = [str(label) for label in funnel.column(0)]
    counts = _numbers(funnel, 1)
    rates = [str(rate) for rate in funnel.column(2)]
    with _styled():
        figure, axes = _new_axes(2.8)
        positions = list(range(len(labels)))[::-1]
        colours = [LIGHT_BLUE, YELLOW, BLUE, RED, GREEN]
        axes.barh(positions, counts, color=colours[: len(labels)])
        axes.set_yticks(positions, labels)
        top = max([*counts, 1.0])
        for position, count, rate in zip(positions, counts, rates, strict=True):
            note = f"{int(count):,}" + ("" if rate == NO_RATE else f"  ({rate} of the step before)")
            axes.text(count + top * 0.01, position, note, va="center", fontsize=9)
        axes.set_xlim(0, top * 1.45)
        axes.spines["left"].set_visible(False)
        axes.set_title("The funnel: distinct people at each step")
        return _as_svg(figure)


def top_articles_chart(top: Table) -> str:
    """Return subscriptions started per article as horizontal bars, most first."""
    labels = [_shorten(str(label)) for label in top.column(0)]
    started = _numbers(top, 1)
    with _styled():
        figure, axes = _new_axes(max(2.0, 0.32 * len(labels) + 0.8))
        positions = list(range(len(labels)))[::-1]
        axes.barh(positions, started, height=0.6, color=GREEN)
        axes.set_yticks(positions, labels)
        for position, count in zip(positions, started, strict=True):
            axes.text(count, position, f" {int(count)}", va="center", fontsize=9)
        axes.set_title("Top articles by subscriptions started from them")
        axes.spines["left"].set_visible(False)
        if not labels:
            axes.text(
                0.5,
                0.5,
                "No subscriptions in this period",
                ha="center",
                va="center",
                transform=axes.transAxes,
            )
            axes.set_xticks([])
            axes.spines["bottom"].set_visible(False)
        return _as_svg(figure)


def meter_chart(meter: Table, allowances: tuple[int, int] | None = None) -> str:
    """Return readers by articles used, anonymous and registered side by side.

    ``allowances`` (anonymous, registered) are drawn as dashed lines; when not given,
    ``figures.allowances()``.
    """
    if allowances is None:
        allowances = figures.allowances()
    used = _numbers(meter, 0)
    with _styled():
        figure, axes = _new_axes()
        axes.bar(
            [u - 0.2 for u in used],
            _numbers(meter, 1),
            0.4,
            color=LIGHT_BLUE,
            label="Anonymous readers",
        )
        axes.bar(
            [u + 0.2 for u in used], _numbers(meter, 2), 0.4, color=BLUE, label="Registered readers"
        )
        for allowance, colour, who in zip(
            allowances, (LIGHT_BLUE, BLUE), ("anonymous", "registered"), strict=True
        ):
            axes.axvline(allowance + 0.5, color=colour, linestyle="--", linewidth=1.2)
            axes.text(
                allowance + 0.55,
                1.0,
                f"{who} allowance",
                color=colour,
                fontsize=8,
                va="top",
                transform=axes.get_xaxis_transform(),
            )
        last = int(max([*used, allowances[1] + 1.0]))
        axes.set_xticks(range(1, last + 1))
        axes.set_xlim(0.4, last + 0.6)
        axes.set_ylim(top=max(axes.get_ylim()[1] * 1.25, 1))
        axes.set_xlabel("Metered articles read in the month")
        axes.set_title("Meter use: readers by articles counted against their allowance")
        axes.grid(axis="y", color="#e5e5e5")
        axes.set_axisbelow(True)
        # Below the allowance labels, between the two lines, where the bars seldom reach.
        axes.legend(loc="upper right", bbox_to_anchor=(0.86, 0.9), fontsize=9)
        return _as_svg(figure)


def _shorten(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def draw_all(tables: dict[str, Table], today: dt.date) -> dict[str, str]:
    """Return every dashboard chart as SVG, keyed by chart name.

    Drawing takes matplotlib a few hundred milliseconds per chart, so each SVG is cached
    under a hash of exactly what it shows: unchanged figures are not drawn twice.
    """
    daily = tables["daily"]
    drawers: dict[str, tuple[Table, Callable[[], str]]] = {
        "reading": (daily, lambda: reading_chart(daily, today)),
        "walls": (daily, lambda: walls_chart(daily, today)),
        "conversions": (daily, lambda: conversions_chart(daily, today)),
        "funnel": (tables["funnel"], lambda: funnel_chart(tables["funnel"])),
        "top_articles": (
            tables["top_articles"],
            lambda: top_articles_chart(tables["top_articles"]),
        ),
        "meter": (tables["meter"], lambda: meter_chart(tables["meter"])),
    }
    return {
        name: _cached(f"{name}|{today}|{table.columns}|{table.rows}|{figures.allowances()}", draw)
        for name, (table, draw) in drawers.items()
    }


def _cached(shown: str, draw: Callable[[], str]) -> str:
    # "v2": charts drawn before inline style became attributes must not be served again.
    key = "analytics.chart.v2." + hashlib.sha256(shown.encode()).hexdigest()
    try:
        svg = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage only costs the drawing time
        svg = None
    if svg is None:
        svg = draw()
        try:
            cache.set(key, svg, CHART_CACHE_SECONDS)
        except Exception:  # noqa: BLE001 - see above
            logger.warning("analytics: could not cache a chart")
    return str(svg)
