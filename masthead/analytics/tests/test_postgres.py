"""The store, rollups and figures on PostgreSQL (the production database)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from masthead.analytics.figures import Period, funnel_counts, meter_table
from masthead.analytics.models import DailyAggregate, Event
from masthead.analytics.rollup import prune, roll_up
from masthead.core.events import EventKind, record

from .helpers import DAY, NOON

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _on_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass of make test")


def test_it_writes_rolls_up_counts_and_prunes_on_postgres() -> None:
    for visitor in "abc":
        record(
            EventKind.ACCESS_CHECK,
            visitor=visitor,
            article_id=1,
            granted=True,
            reason="metered",
            reader_kind="anonymous",
            extra={"n": 1},
            at=NOON,
        )
    record(EventKind.WALL_SHOWN, visitor="a", offer="registration", at=NOON)
    record(EventKind.REGISTRATION, user_id=8, at=NOON)
    assert Event.objects.get(kind="registration").extra == {}
    assert Event.objects.filter(extra__n=1).count() == 3
    assert funnel_counts(Period(DAY, DAY)) == [3, 1, 1, 0, 0]
    assert meter_table(Period(DAY, DAY)).rows == [(1, 3, 0)]
    roll_up(DAY, DAY)
    checks = DailyAggregate.objects.get(kind="access_check")
    assert (checks.count, checks.visitors) == (3, 3)
    assert DailyAggregate.objects.get(kind="registration").visitors == 1
    assert prune(NOON + dt.timedelta(days=10), 1) == 5
    assert DailyAggregate.objects.filter(day=DAY).count() == 3
