"""Deleting an account erases its reading history, and only its own.

The meter's SQL rows (SQLite here, PostgreSQL in the second pass of ``make test``, hence
the ``postgres`` mark), the Redis meter's keys (the test Redis server), the account's id on
analytics events (the funnel counts stay the same), and its gift links. The data export
shows that history first.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.utils import timezone

from masthead.access.meter_redis import redis_client, redis_store_for
from masthead.access.meter_sql import SqlMeterStore
from masthead.access.meters import MeterRequest, MeterStore
from masthead.accounts.models import User
from masthead.analytics.figures import Period, funnel_counts, meter_table
from masthead.analytics.models import Event
from masthead.billing.tests.factories import PASSWORD, reader, subscription
from masthead.core.events import EventKind, record
from masthead.gifts import links
from masthead.gifts.models import GiftLink
from masthead.gifts.tokens import verify_gift
from masthead.newsroom.tests.factories import article

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
MONTH_START = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def count(store: MeterStore, user: Any, article_id: int, at: dt.datetime) -> None:
    store.consume(MeterRequest(f"u:{user.pk}", article_id, 10, MONTH_START, at))


def read_events(user: Any, article_id: int, at: dt.datetime) -> None:
    for kind in (EventKind.ACCESS_CHECK, EventKind.WALL_SHOWN):
        record(
            kind,
            article_id=article_id,
            user_id=user.pk,
            reader_kind="registered",
            granted=kind == EventKind.ACCESS_CHECK,
            reason="metered",
            offer="subscription" if kind == EventKind.WALL_SHOWN else "",
            at=at,
        )


@pytest.fixture
def stories(db: None) -> list[Any]:
    return [article(f"story-{n}") for n in range(3)]


@pytest.fixture
def leaver(client: Any) -> Any:
    user = reader("leaver@example.com")
    client.force_login(user)
    return user


@pytest.fixture
def stayer(db: None) -> Any:
    return reader("stayer@example.com")


def delete(client: Any) -> None:
    response = client.post("/accounts/delete/", {"password": PASSWORD})
    assert response["Location"] == "/"


def test_the_data_export_holds_the_reading_history_and_the_events(
    client: Any, leaver: Any, stayer: Any, stories: list[Any]
) -> None:
    now = timezone.now()
    store = SqlMeterStore()
    count(store, leaver, stories[0].pk, now - dt.timedelta(hours=2))
    count(store, leaver, stories[1].pk, now - dt.timedelta(hours=1))
    count(store, stayer, stories[2].pk, now)
    read_events(leaver, stories[0].pk, now)
    read_events(stayer, stories[2].pk, now)
    data = json.loads(client.get("/accounts/data/").content)
    assert data["format"] == 2
    history = data["reading_history"]
    assert [item["headline"] for item in history] == [stories[0].headline, stories[1].headline]
    assert history[0]["url"] == stories[0].get_absolute_url()
    assert dt.datetime.fromisoformat(history[1]["counted_at"]) > dt.datetime.fromisoformat(
        history[0]["counted_at"]
    )
    events = data["analytics_events"]
    assert {event["kind"] for event in events} == {"access_check", "wall_shown"}
    assert {event["article_id"] for event in events} == {stories[0].pk}


def test_the_export_names_no_article_that_is_not_live(
    client: Any, leaver: Any, stories: list[Any]
) -> None:
    count(SqlMeterStore(), leaver, stories[0].pk, timezone.now())
    stories[0].published_at = None
    stories[0].save()
    [item] = json.loads(client.get("/accounts/data/").content)["reading_history"]
    assert item == {**item, "article_id": stories[0].pk, "headline": None, "url": None}


def test_deleting_erases_the_meter_rows_and_keeps_everyone_elses(
    client: Any, leaver: Any, stayer: Any, stories: list[Any]
) -> None:
    store = SqlMeterStore()
    now = timezone.now()
    for story in stories:
        count(store, leaver, story.pk, now)
        count(store, stayer, story.pk, now)
    leaver_id = leaver.pk
    delete(client)
    assert store.reading_history(leaver_id) == []
    assert len(store.reading_history(stayer.pk)) == 3


def test_deleting_strips_the_id_from_events_and_keeps_the_funnel_counts(
    client: Any, leaver: Any, stayer: Any, stories: list[Any]
) -> None:
    now = timezone.now()
    read_events(leaver, stories[0].pk, now)
    read_events(leaver, stories[1].pk, now)
    read_events(stayer, stories[0].pk, now)
    period = Period(now.date() - dt.timedelta(days=1), now.date() + dt.timedelta(days=1))
    funnel_before, meter_before = funnel_counts(period), meter_table(period).rows
    leaver_id = leaver.pk
    delete(client)
    assert not Event.objects.filter(user_id=leaver_id).exists()
    assert Event.objects.filter(user_id=stayer.pk).count() == 2
    assert funnel_counts(period) == funnel_before
    assert meter_table(period).rows == meter_before
    # The leaver's events share one pseudonym that is nobody's visitor key or account.
    keys = set(Event.objects.filter(user_id=None).values_list("visitor", flat=True))
    assert len(keys) == 1 and len(keys.pop()) == 32


def test_deleting_revokes_the_gift_links(
    client: Any, leaver: Any, stayer: Any, stories: list[Any]
) -> None:
    subscription(leaver)
    subscription(stayer)
    now = timezone.now()
    given = links.give(leaver, stories[0], now)
    kept = links.give(stayer, stories[0], now)
    assert verify_gift(given.token, stories[0].pk, now) is not None
    delete(client)
    assert verify_gift(given.token, stories[0].pk, now) is None
    assert verify_gift(kept.token, stories[0].pk, now) is not None
    assert list(GiftLink.objects.values_list("sender_id", flat=True)) == [stayer.pk]


@pytest.mark.redis
def test_deleting_erases_the_redis_keys_and_keeps_everyone_elses(
    client: Any, leaver: Any, stayer: Any, stories: list[Any], redis_url: str, settings: Any
) -> None:
    prefix = f"test:{uuid.uuid4().hex}:"
    settings.PAYWALL_METER_STORE = "redis"
    settings.PAYWALL_REDIS_URL = redis_url
    settings.PAYWALL_REDIS_PREFIX = prefix
    store = redis_store_for(redis_url)
    connection = redis_client(redis_url)
    try:
        now = timezone.now()
        for story in stories:
            count(store, leaver, story.pk, now)
            count(store, stayer, story.pk, now)
        # Rows from when the site metered in SQL go too.
        count(SqlMeterStore(), leaver, stories[0].pk, now)
        leaver_id = leaver.pk
        delete(client)
        assert not connection.exists(f"{prefix}reads:{{u:{leaver_id}}}")
        assert connection.zcard(f"{prefix}reads:{{u:{stayer.pk}}}") == 3
        assert store.reading_history(leaver_id) == []
        assert SqlMeterStore().reading_history(leaver_id) == []
    finally:
        for key in connection.scan_iter(f"{prefix}*"):
            connection.delete(key)


def test_deleting_in_the_admin_erases_too(stayer: Any, stories: list[Any]) -> None:
    store = SqlMeterStore()
    count(store, stayer, stories[0].pk, timezone.now())
    read_events(stayer, stories[0].pk, timezone.now())
    stayer_id = stayer.pk
    User.objects.filter(pk=stayer_id).delete()
    assert store.reading_history(stayer_id) == []
    assert not Event.objects.filter(user_id=stayer_id).exists()
