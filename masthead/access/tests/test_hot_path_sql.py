"""The hot path with the SQL meter: the script without its meter step, the count in SQL.

The same answers as the full stack, the meter exact, a database that is down answered
with the fail mode as on the ordinary path, and a warm check in one Redis round trip and
the meter's one transaction.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis as redis_lib
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError, connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from masthead.access import hotpath
from masthead.access.lean import LeanCheckApp
from masthead.access.meter_sql import SqlMeterStore
from masthead.access.models import MeterRead
from masthead.access.offers import forget_rendered_walls

from . import test_hot_path as base
from .helpers import make_article
from .test_hot_path import Counting, _comparable, _environ, _serve

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

apps = base.apps  # the lean dispatch and the full stack, as in the hot path's tests
trip_counter = base.trip_counter

# The reader pass's tests, run again here under the SQL meter (``passes`` below): a
# subscriber's check with a pass is one round trip and no SQL, a bump ends access on the
# very next check, a pass that does not read goes to the ordinary path.
test_logged_in_readers_with_a_pass_answer_alike_on_both_paths = (
    base.test_logged_in_readers_with_a_pass_answer_alike_on_both_paths
)
test_a_check_with_a_pass_is_one_round_trip_and_no_sql = (
    base.test_a_check_with_a_pass_is_one_round_trip_and_no_sql
)
test_a_bumped_generation_ends_access_on_the_very_next_check = (
    base.test_a_bumped_generation_ends_access_on_the_very_next_check
)
test_a_pass_that_does_not_read_takes_the_ordinary_path = (
    base.test_a_pass_that_does_not_read_takes_the_ordinary_path
)


@pytest.fixture
def hot_sql(redis_url: str) -> Iterator[hotpath.HotStore]:
    """Settings with the SQL meter and the cache on one Redis: the ``sql`` hot path."""
    prefix = f"test:{uuid.uuid4().hex}:"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(
        REDIS_URL=redis_url,
        CACHES=caches,
        PAYWALL_METER_STORE="sql",
        PAYWALL_REDIS_URL="",
        PAYWALL_REDIS_PREFIX=prefix,
        PAYWALL_HOT_PATH=True,
        PAYWALL_ANONYMOUS_ALLOWANCE=2,
    ):
        forget_rendered_walls()
        assert hotpath.mode() == "sql"
        store = hotpath.hot_store()
        assert store is not None
        yield store
        client = redis_lib.Redis.from_url(redis_url)
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)


@pytest.fixture
def passes(hot_sql: hotpath.HotStore) -> Iterator[None]:
    """Reader passes under the SQL meter (their tokens on the hot path's Redis)."""
    from masthead.access import generations

    generations.resume()
    with override_settings(PAYWALL_READER_PASS_MINUTES=5):
        assert generations.passes_enabled()
        yield
    generations.resume()


def test_it_is_chosen_only_with_the_cache_on_redis(redis_url: str) -> None:
    with override_settings(
        PAYWALL_METER_STORE="sql",
        REDIS_URL=redis_url,
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    ):
        assert hotpath.mode() == "off" and hotpath.hot_store() is None
    with override_settings(PAYWALL_METER_STORE="sql", PAYWALL_HOT_PATH=False, REDIS_URL=redis_url):
        assert hotpath.mode() == "off"


def test_anonymous_answers_are_identical_to_the_full_stacks(
    hot_sql: hotpath.HotStore, apps: tuple[LeanCheckApp, WSGIHandler]
) -> None:
    metered = make_article("metered")
    free = make_article("free")
    walled = make_article("subscriber")
    registered_only = make_article("registered")
    for article in (metered, free, walled, registered_only):
        lean = _serve(apps[0], _environ(article.pk))
        full = _serve(apps[1], _environ(article.pk))
        assert lean[0] == full[0] == "200 OK"
        assert lean[2] == full[2]
        assert _comparable(lean[1]) == _comparable(full[1])
    granted = json.loads(_serve(apps[0], _environ(metered.pk))[2])
    assert granted["granted"] is True and metered.gated_marker in granted["html"]


def test_the_meter_is_counted_in_the_database_and_stops_at_the_allowance(
    hot_sql: hotpath.HotStore, apps: tuple[LeanCheckApp, WSGIHandler]
) -> None:
    articles = [make_article("metered") for _ in range(3)]
    cookies = []
    for app in apps:
        _status, headers, _ = _serve(app, _environ(articles[0].pk))
        cookie = next(v for n, v in headers if n == "Set-Cookie").split(";")[0].strip()
        cookies.append(cookie)
        again = json.loads(_serve(app, _environ(articles[0].pk, cookie=cookie))[2])
        assert again["granted"] is True  # a re-read is not counted twice
        _serve(app, _environ(articles[1].pk, cookie=cookie))
    lean = _serve(apps[0], _environ(articles[2].pk, cookie=cookies[0]))
    full = _serve(apps[1], _environ(articles[2].pk, cookie=cookies[1]))
    assert lean[2] == full[2]
    assert json.loads(lean[2])["reason"] == "meter_exhausted"
    assert articles[2].gated_marker not in lean[2].decode()
    assert _comparable(lean[1]) == _comparable(full[1])
    assert MeterRead.objects.count() == 4  # two readers, two reads each


@pytest.mark.parametrize("fail_mode,granted", [("open", True), ("closed", False)])
def test_a_database_meter_that_is_down_holds_the_fail_mode_as_the_full_stack(
    hot_sql: hotpath.HotStore,
    apps: tuple[LeanCheckApp, WSGIHandler],
    monkeypatch: Any,
    fail_mode: str,
    granted: bool,
) -> None:
    article = make_article("metered")
    for app in apps:  # warm facts and walls while the database answers
        _serve(app, _environ(make_article("metered").pk))

    def down(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("database is down")

    monkeypatch.setattr(SqlMeterStore, "consume", down)
    with override_settings(PAYWALL_FAIL_MODE=fail_mode):
        lean = _serve(apps[0], _environ(article.pk))
        full = _serve(apps[1], _environ(article.pk))
    data = json.loads(lean[2])
    assert lean[0] == full[0] == "200 OK"
    assert lean[2] == full[2]
    assert data["granted"] is granted
    assert (article.gated_marker in lean[2].decode()) is granted
    if not granted:
        assert data["reason"] == "meter_unavailable"


def test_redis_gone_takes_the_ordinary_path_with_the_sql_meter(
    hot_sql: hotpath.HotStore, apps: tuple[LeanCheckApp, WSGIHandler], monkeypatch: Any
) -> None:
    article = make_article("metered")

    def gone(*args: Any, **kwargs: Any) -> Any:
        raise redis_lib.exceptions.ConnectionError("gone")

    monkeypatch.setattr(hotpath.HotStore, "run", gone)
    status, _, body = _serve(apps[0], _environ(article.pk))
    monkeypatch.undo()
    assert status == "200 OK"
    assert json.loads(body)["granted"] is True  # the full path counted it in SQL
    assert MeterRead.objects.filter(article_id=article.pk).count() == 1


def test_a_warm_metered_check_is_one_redis_round_trip_and_only_the_meters_sql(
    hot_sql: hotpath.HotStore, apps: tuple[LeanCheckApp, WSGIHandler], monkeypatch: Any
) -> None:
    articles = [make_article("metered"), make_article("free")]
    for article in articles:
        _serve(apps[0], _environ(article.pk))
    counting = Counting(monkeypatch)
    for article, metered in zip(articles, (True, False), strict=True):
        counting.trips = 0
        with (
            override_settings(ANALYTICS_ENABLED=False),
            CaptureQueriesContext(connection) as queries,
        ):
            status, _, body = _serve(apps[0], _environ(article.pk))
        assert status == "200 OK" and json.loads(body)["granted"] is True
        assert counting.trips == 1, (counting.commands, body)
        statements = [q["sql"] for q in queries.captured_queries]
        if not metered:
            assert statements == []
        elif connection.vendor == "postgresql":
            # The meter's one statement (one round trip) and nothing else.
            assert len(statements) == 1, statements
            assert "masthead_meter_consume(" in statements[0]
        else:
            allowed = ("access_meter", "access_network", "savepoint", "pragma")
            assert statements
            assert all(any(w in sql.lower() for w in allowed) for sql in statements), statements
