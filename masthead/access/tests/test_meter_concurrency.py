"""50 simultaneous checks for 50 articles by one reader with 3 left grant exactly 3.

Run through the real endpoint, with real threads and their own database connections:
on SQLite (a file database, BEGIN IMMEDIATE), on PostgreSQL (``-m postgres``, row lock)
and on Redis (the Lua script).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.test import Client, override_settings

from masthead.access.meter_sql import SqlMeterStore
from masthead.access.meters import MeterRequest
from masthead.access.visitors import SALT

from .helpers import check, in_threads, make_article
from .meter_contract import MONTH_START, NOW

THREADS = 50


def _in_threads(work: Callable[[int], object]) -> list[object]:
    return in_threads(work, THREADS, join_seconds=30)


def _reader_cookie() -> str:
    from django.core import signing

    return signing.Signer(salt=SALT).sign(uuid.uuid4().hex)


def _grants_through_the_endpoint() -> list[object]:
    articles = [make_article("metered").pk for _ in range(THREADS + 2)]
    cookie = _reader_cookie()
    warmup = Client(REMOTE_ADDR="127.0.0.5")
    warmup.cookies["masthead_visitor"] = cookie
    for article_id in articles[:2]:  # 2 of 5 used: 3 left
        assert check(warmup, article_id).json()["granted"] is True

    def one(index: int) -> object:
        client = Client(REMOTE_ADDR=f"127.0.{index}.9")
        client.cookies["masthead_visitor"] = cookie
        response = check(client, articles[2 + index])
        return response.json()["granted"] if response.status_code == 200 else response.status_code

    return _in_threads(one)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(PAYWALL_METER_STORE="sql", PAYWALL_ANONYMOUS_ALLOWANCE=5)
def test_it_grants_exactly_the_remaining_allowance_on_sql() -> None:
    results = _grants_through_the_endpoint()
    assert results.count(True) == 3, results
    assert results.count(False) == THREADS - 3, results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_counts_exactly_the_allowance_in_the_sql_store() -> None:
    store = SqlMeterStore()

    def one(index: int) -> object:
        return store.consume(MeterRequest("u:77", index + 1, 3, MONTH_START, NOW)).is_counted

    results = _in_threads(one)
    assert results.count(True) == 3, results
    assert store.peek("u:77", 3, MONTH_START).used == 3


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_it_grants_exactly_the_remaining_allowance_on_redis(redis_url: str) -> None:
    prefix = f"test:{uuid.uuid4().hex}:"
    with override_settings(
        PAYWALL_METER_STORE="redis",
        PAYWALL_REDIS_URL=redis_url,
        PAYWALL_REDIS_PREFIX=prefix,
        PAYWALL_ANONYMOUS_ALLOWANCE=5,
    ):
        results = _grants_through_the_endpoint()
    assert results.count(True) == 3, results
    assert results.count(False) == THREADS - 3, results
