"""The arithmetic of a plan change, against figures worked out by hand.

The offline provider charges the unused share of the period times the price difference,
rounded half up to the cent; Stripe computes its own figure the same way (by the second).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from masthead.billing.models import Plan
from masthead.billing.subscriptions import Timing, prorated_amount, timing_of, unused_share

START = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
MONTH_END = START + dt.timedelta(days=30)
YEAR_END = START + dt.timedelta(days=365)


def _day(days: float) -> dt.datetime:
    return START + dt.timedelta(days=days)


@pytest.mark.parametrize(
    ("old", "new", "end", "now", "expected"),
    [
        # News $6.00 to All Access $15.00 with 20 of 30 days left: 20/30 x 900 = 600.
        (600, 1500, MONTH_END, _day(10), 600),
        # A quarter of the month left: 1/4 x 900 = 225.
        (600, 1500, MONTH_END, _day(22.5), 225),
        # One day left: 1/30 x 900 = 30.
        (600, 1500, MONTH_END, _day(29), 30),
        # 11 of 30 days left, $10.00 more: 11/30 x 1000 = 366.67, rounded to 367.
        (500, 1500, MONTH_END, _day(19), 367),
        # Half a cent rounds up: 15/30 x 1 = 0.5 -> 1.
        (1500, 1501, MONTH_END, _day(15), 1),
        # The first moment of the period: the whole difference.
        (600, 1500, MONTH_END, START, 900),
        # After the period's end (or before its start) nothing, or everything, is left.
        (600, 1500, MONTH_END, _day(31), 0),
        (600, 1500, MONTH_END, _day(-1), 900),
        # Yearly $120.00 to $180.00 with 73 of 365 days left: 1/5 x 6000 = 1200.
        (12000, 18000, YEAR_END, _day(292), 1200),
    ],
)
def test_it_charges_the_unused_share_times_the_difference(old, new, end, now, expected) -> None:
    assert prorated_amount(old, new, START, end, now) == expected


def test_the_unused_share_is_exact() -> None:
    assert unused_share(START, MONTH_END, _day(10)) == Fraction(2, 3)
    assert unused_share(START, START, START) == 0


def _plan(price: int, interval: str = "month") -> Plan:
    return Plan(name="p", slug="p", price_minor=price, interval=interval)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (_plan(600), _plan(1500), Timing.NOW),  # dearer, same interval: an upgrade
        (_plan(1500), _plan(600), Timing.PERIOD_END),  # cheaper: paid for already
        (_plan(1500), _plan(1500), Timing.PERIOD_END),  # same price, other plan
        (_plan(1500), _plan(15000, "year"), Timing.NOW),  # a longer interval
        (_plan(15000, "year"), _plan(1500), Timing.PERIOD_END),  # a shorter one
        (_plan(15000, "year"), _plan(600), Timing.PERIOD_END),
    ],
)
def test_it_tells_when_a_change_applies(old, new, expected) -> None:
    assert timing_of(old, new) == expected
