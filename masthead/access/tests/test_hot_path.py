"""The check's hot path: the one script, the lean dispatch, and parity with the full stack."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis as redis_lib
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, connection
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from masthead.access import hotpath
from masthead.access.lean import LeanCheckApp
from masthead.access.meter_redis import generation_key_for, legacy_reads_key, millis, reads_key
from masthead.access.meters import MeterRequest
from masthead.access.offers import forget_rendered_walls

from .helpers import make_article

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

NOW = dt.datetime(2025, 3, 10, 12, tzinfo=dt.UTC)
SINCE = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)


@pytest.fixture
def hot(redis_url: str) -> Iterator[hotpath.HotStore]:
    """Settings with the meter and the cache on one Redis: the hot path runs."""
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
        PAYWALL_METER_STORE="redis",
        PAYWALL_REDIS_URL="",
        PAYWALL_REDIS_PREFIX=prefix,
        PAYWALL_HOT_PATH=True,
        PAYWALL_ANONYMOUS_ALLOWANCE=2,
    ):
        forget_rendered_walls()
        store = hotpath.hot_store()
        assert store is not None
        yield store
        client = redis_lib.Redis.from_url(redis_url)
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)


# --- the script ------------------------------------------------------------------------


def _call(
    store: hotpath.HotStore,
    *,
    reader: str = "v:reader-one",
    article: int = 1,
    allowance: int = 2,
    network: str | None = None,
    network_allowance: int = 0,
    limit: int = 100,
    generation: str | None = None,
    reader_generation: tuple[str, str] | None = None,
    metered: bool = True,
    subject: str = "addr",
) -> hotpath.ScriptAnswer:
    generation = store.current_generation() if generation is None else generation
    meter = MeterRequest(reader, article, allowance, SINCE, NOW, network, network_allowance)
    return store.run(
        hotpath.ScriptCall(
            generation=generation,
            limit_key=f"{store.prefix}limit:{subject}",
            limit=limit,
            limit_expiry=120,
            article_id=article,
            gated_key=store.gated_key(generation, article, ad_free=False),
            may_grant=True,
            meter=meter if metered else None,
            reader_generation=reader_generation,
        )
    )


def test_it_counts_reads_and_answers_a_re_read_as_counted(hot: hotpath.HotStore) -> None:
    first = _call(hot, article=1)
    again = _call(hot, article=1)
    second = _call(hot, article=2)
    assert (first.status, first.used, first.is_counted) == ("ok", 1, True)
    assert (again.used, again.is_counted) == (1, True)
    assert (second.used, second.is_counted) == (2, True)
    assert hot.client.zcard(reads_key(hot.prefix, "v:reader-one")) == 2


def test_it_refuses_past_the_allowance(hot: hotpath.HotStore) -> None:
    _call(hot, article=1)
    _call(hot, article=2)
    third = _call(hot, article=3)
    assert (third.status, third.used, third.is_counted) == ("ok", 2, False)
    assert third.html is None


def test_it_refuses_past_the_network_allowance(hot: hotpath.HotStore) -> None:
    one = _call(hot, reader="v:a", network="10.1.2.0/24", network_allowance=1)
    other = _call(hot, reader="v:b", network="10.1.2.0/24", network_allowance=1)
    assert one.is_counted and not one.is_network_exhausted
    assert (other.is_counted, other.is_network_exhausted) == (False, True)


def test_reads_under_the_key_from_before_the_hash_tags_are_carried_over(
    hot: hotpath.HotStore,
) -> None:
    legacy = legacy_reads_key(hot.prefix, "v:upgraded")
    hot.client.zadd(legacy, {"1": millis(NOW), "2": millis(NOW)})
    spent = _call(hot, reader="v:upgraded", article=3, allowance=2)
    assert (spent.used, spent.is_counted) == (2, False)  # no fresh meter at the upgrade
    assert hot.client.exists(legacy) == 0
    assert _call(hot, reader="v:upgraded", article=1, allowance=2).is_counted


def test_a_server_that_lost_its_scripts_is_sent_the_script_again(
    hot: hotpath.HotStore,
) -> None:
    assert _call(hot, article=1).is_counted
    hot.client.script_flush()  # a restart or a failover to a server without the script
    again = _call(hot, article=2)
    assert (again.status, again.used, again.is_counted) == ("ok", 2, True)


def test_a_connection_the_server_dropped_fails_once_then_is_made_again(
    hot: hotpath.HotStore,
) -> None:
    assert _call(hot, article=1).is_counted
    # The server closes the thread's own connection (a restart, an idle timeout).
    pinned = hot._pinned.connection
    assert pinned is not None
    pinned.send_command("CLIENT", "ID")
    hot.client.client_kill_filter(_id=pinned.read_response())
    with pytest.raises(redis_lib.exceptions.ConnectionError):
        _call(hot, article=2)
    after = _call(hot, article=2)
    assert (after.status, after.used, after.is_counted) == ("ok", 2, True)


def test_a_reader_generation_that_differs_changes_nothing(hot: hotpath.HotStore) -> None:
    key = generation_key_for(hot.prefix, "u:7")
    hot.client.set(key, "5")
    stale = _call(hot, reader="u:7", reader_generation=(key, "4"))
    assert stale.status == "reader_stale"
    assert hot.client.zcard(reads_key(hot.prefix, "u:7")) == 0
    assert hot.client.get(f"{hot.prefix}limit:addr") is None
    fresh = _call(hot, reader="u:7", reader_generation=(key, "5"))
    assert (fresh.status, fresh.is_counted) == ("ok", True)


def test_it_answers_limited_past_the_rate_limit_without_counting(hot: hotpath.HotStore) -> None:
    assert _call(hot, article=1, limit=1).status == "ok"
    limited = _call(hot, article=2, limit=1)
    assert limited.status == "limited"
    assert hot.client.zcard(reads_key(hot.prefix, "v:reader-one")) == 1
    assert 0 < int(hot.client.ttl(f"{hot.prefix}limit:addr")) <= 120


def test_it_returns_the_gated_part_only_when_cached_and_counted(hot: hotpath.HotStore) -> None:
    generation = hot.current_generation()
    assert _call(hot, article=1).html is None  # a miss
    hot.keep_gated(hot.gated_key(generation, 1, ad_free=False), "<p>gated</p>")
    assert _call(hot, article=1).html == "<p>gated</p>"  # a hit
    hot.keep_gated(hot.gated_key(generation, 9, ad_free=False), "<p>nine</p>")
    _call(hot, article=2)
    assert _call(hot, article=9).html is None  # refused: no gated part


def test_a_stale_content_generation_changes_nothing(hot: hotpath.HotStore) -> None:
    old = hot.current_generation()
    hot.bump()
    stale = _call(hot, generation=old)
    assert stale.status == "stale" and stale.generation == hot.current_generation()
    assert hot.client.zcard(reads_key(hot.prefix, "v:reader-one")) == 0
    assert hot.client.get(f"{hot.prefix}limit:addr") is None


def test_a_missing_generation_is_stale_and_then_started(hot: hotpath.HotStore) -> None:
    hot.client.delete(hot.generation_key)
    assert _call(hot, generation="anything").status == "stale"
    assert hot.current_generation()


# --- the lean dispatch against the full stack ------------------------------------------


def _environ(
    article: int | str, *, origin: str = "http://testserver", cookie: str = "", raw: str = ""
) -> dict[str, Any]:
    body = raw or json.dumps({"article": article, "gift": None})
    extra: dict[str, Any] = {"HTTP_ORIGIN": origin, "HTTP_SEC_FETCH_SITE": "same-origin"}
    if cookie:
        extra["HTTP_COOKIE"] = cookie
    request = RequestFactory().post("/api/access/", body, content_type="application/json", **extra)
    environ = dict(request.environ)
    environ["wsgi.input"] = io.BytesIO(body.encode())
    return environ


def _serve(app: Any, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen["status"], seen["headers"] = status, headers

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    return seen["status"], seen["headers"], body


def _comparable(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers with the visitor cookie's and the pass's values blanked (attributes kept)."""
    out = []
    for name, value in headers:
        cookie = value.strip().split("=", 1)[0]
        if name == "Set-Cookie" and cookie in ("masthead_visitor", "masthead_pass"):
            # The random value, and the expiry's second (the two answers may straddle one).
            attributes = [part for part in value.split(";")[1:] if "expires=" not in part]
            value = ";".join([f"{cookie}=<value>", *attributes])
        out.append((name, value))
    return sorted(out)


class Counting:
    """Counts Redis round trips (commands and pipelines) made by any client."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.trips = 0
        self.commands: list[str] = []
        command = redis_lib.Redis.execute_command
        pipeline = redis_lib.client.Pipeline.execute

        def counted_command(client: Any, *args: Any, **kwargs: Any) -> Any:
            self.trips += 1
            self.commands.append(str(args[0]))
            return command(client, *args, **kwargs)

        def counted_pipeline(pipe: Any, *args: Any, **kwargs: Any) -> Any:
            self.trips += 1
            return pipeline(pipe, *args, **kwargs)

        # The hot script runs on a connection of its own, not through the client.
        script = hotpath.HotStore._evalsha

        def counted_script(store: Any, keys: list[str], args: list[Any]) -> Any:
            self.trips += 1
            self.commands.append("EVALSHA")
            return script(store, keys, args)

        monkeypatch.setattr(redis_lib.Redis, "execute_command", counted_command)
        monkeypatch.setattr(redis_lib.client.Pipeline, "execute", counted_pipeline)
        monkeypatch.setattr(hotpath.HotStore, "_evalsha", counted_script)


@pytest.fixture
def apps() -> Iterator[tuple[LeanCheckApp, WSGIHandler]]:
    """The lean dispatch and the full stack, sharing the test's database connection.

    As Django's test client does, the handlers must not close the connection that holds
    the test's transaction.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    full = WSGIHandler()
    try:
        yield LeanCheckApp(full), full
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _both(
    apps: tuple[LeanCheckApp, WSGIHandler], make: Any
) -> tuple[tuple[str, list[tuple[str, str]], bytes], tuple[str, list[tuple[str, str]], bytes]]:
    lean, full = apps
    return _serve(lean, make()), _serve(full, make())


def test_anonymous_answers_are_identical_to_the_full_stacks(
    hot: hotpath.HotStore, apps: tuple[LeanCheckApp, WSGIHandler]
) -> None:
    metered = make_article("metered")
    free = make_article("free")
    walled = make_article("subscriber")
    registered_only = make_article("registered")
    for article in (metered, free, walled, registered_only):
        lean, full = _both(apps, lambda article=article: _environ(article.pk))
        assert lean[0] == full[0] == "200 OK"
        assert json.loads(lean[2]) == json.loads(full[2])
        assert lean[2] == full[2]
        assert _comparable(lean[1]) == _comparable(full[1])
    granted = json.loads(_serve(apps[0], _environ(metered.pk))[2])
    assert granted["granted"] is True and metered.gated_marker in granted["html"]


def test_a_spent_meter_and_a_known_visitor_answer_alike(
    hot: hotpath.HotStore, apps: tuple[LeanCheckApp, WSGIHandler]
) -> None:
    articles = [make_article("metered") for _ in range(3)]
    cookies = []
    for app in apps:
        _status, headers, _ = _serve(app, _environ(articles[0].pk))
        cookie = next(v for n, v in headers if n == "Set-Cookie").split(";")[0].strip()
        cookies.append(cookie)
        _serve(app, _environ(articles[1].pk, cookie=cookie))
    lean = _serve(apps[0], _environ(articles[2].pk, cookie=cookies[0]))
    full = _serve(apps[1], _environ(articles[2].pk, cookie=cookies[1]))
    assert lean[2] == full[2]
    assert json.loads(lean[2])["reason"] == "meter_exhausted"
    assert articles[2].gated_marker not in lean[2].decode()
    assert _comparable(lean[1]) == _comparable(full[1])
    assert not any(n == "Set-Cookie" for n, _ in lean[1])


@pytest.mark.parametrize(
    "kind,status",
    [("origin", "403"), ("body", "400"), ("missing", "404")],
)
def test_error_answers_are_identical(
    hot: hotpath.HotStore, apps: tuple[LeanCheckApp, WSGIHandler], kind: str, status: str
) -> None:
    article = make_article("metered")

    def make() -> dict[str, Any]:
        if kind == "origin":
            return _environ(article.pk, origin="https://elsewhere.example")
        if kind == "body":
            return _environ(article.pk, raw='{"article": "nope"}')
        return _environ(article.pk + 1000)

    lean, full = _both(apps, make)
    assert lean[0].startswith(status) and full[0].startswith(status)
    assert lean[2] == full[2]
    assert _comparable(lean[1]) == _comparable(full[1])


def test_the_429_is_identical(
    hot: hotpath.HotStore, apps: tuple[LeanCheckApp, WSGIHandler]
) -> None:
    article = make_article("metered")
    with override_settings(PAYWALL_CHECK_RATE_LIMIT=1):
        hot.client.flushdb()
        hot.bump()
        _serve(apps[0], _environ(article.pk))
        lean = _serve(apps[0], _environ(article.pk))
        full = _serve(apps[1], _environ(article.pk))
    assert lean[0].startswith("429") and full[0].startswith("429")
    assert lean[2] == full[2]
    assert _comparable(lean[1]) == _comparable(full[1])
    assert ("Retry-After", "60") in lean[1]


def _login(client: Any, email: str, *, subscriber: bool) -> Any:
    from masthead.accounts.models import User
    from masthead.billing.models import AccessGrant

    user = User.objects.create_user(email, "pw-long-enough")
    if subscriber:
        AccessGrant.objects.create(user=user, ad_free=False)
    client.force_login(user)
    return user


def _cookie_pair(client: Any) -> str:
    return f"sessionid={client.cookies['sessionid'].value}"


def _with_pass(apps: tuple[LeanCheckApp, WSGIHandler], session: str, article: int) -> str:
    """Return the session and the pass cookies, the pass issued by an ordinary-path check."""
    _, headers, _ = _serve(apps[1], _environ(article, cookie=session))
    issued = [v for n, v in headers if n == "Set-Cookie" and "masthead_pass=" in v]
    assert issued, headers
    return f"{session}; {issued[0].split(';')[0].strip()}"


@pytest.fixture
def passes(hot: hotpath.HotStore) -> Iterator[None]:
    from masthead.access import generations

    generations.resume()
    with override_settings(PAYWALL_READER_PASS_MINUTES=5):
        yield
    generations.resume()


def test_logged_in_readers_with_a_pass_answer_alike_on_both_paths(
    passes: None, apps: tuple[LeanCheckApp, WSGIHandler], client: Any
) -> None:
    walled = make_article("subscriber")
    for_accounts = make_article("registered")
    for email, subscriber, granted in (
        ("reg@example.com", False, False),
        ("sub@example.com", True, True),
    ):
        _login(client, email, subscriber=subscriber)
        cookies = _with_pass(apps, _cookie_pair(client), walled.pk)
        for article in (walled, for_accounts):
            lean, full = _both(apps, lambda a=article, c=cookies: _environ(a.pk, cookie=c))
            assert lean[2] == full[2]
            assert _comparable(lean[1]) == _comparable(full[1])
        assert json.loads(lean[2])["granted"] is True  # a registered article: both readers
        assert (
            json.loads(_serve(apps[0], _environ(walled.pk, cookie=cookies))[2])["granted"]
            is granted
        )


@pytest.fixture
def trip_counter(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Return a function that starts counting round trips (the cluster's tests count more)."""
    return lambda: Counting(monkeypatch)


def test_a_check_with_a_pass_is_one_round_trip_and_no_sql(
    passes: None, apps: tuple[LeanCheckApp, WSGIHandler], client: Any, trip_counter: Any
) -> None:
    walled = make_article("subscriber")
    _login(client, "sub@example.com", subscriber=True)
    cookies = _with_pass(apps, _cookie_pair(client), walled.pk)
    _serve(apps[0], _environ(walled.pk, cookie=cookies))  # warm
    counting = trip_counter()
    with override_settings(ANALYTICS_ENABLED=False), CaptureQueriesContext(connection) as queries:
        status, _, body = _serve(apps[0], _environ(walled.pk, cookie=cookies))
    assert status == "200 OK" and json.loads(body)["granted"] is True
    assert walled.gated_marker in body.decode()
    assert len(queries) == 0, [q["sql"] for q in queries.captured_queries]
    assert counting.trips == 1, counting.commands


def test_a_bumped_generation_ends_access_on_the_very_next_check(
    passes: None, apps: tuple[LeanCheckApp, WSGIHandler], client: Any
) -> None:
    from masthead.access import bump_reader_generation
    from masthead.billing.models import AccessGrant

    walled = make_article("subscriber")
    user = _login(client, "sub@example.com", subscriber=True)
    cookies = _with_pass(apps, _cookie_pair(client), walled.pk)
    assert json.loads(_serve(apps[0], _environ(walled.pk, cookie=cookies))[2])["granted"]
    AccessGrant.objects.filter(user=user).delete()
    bump_reader_generation(user.pk)
    status, headers, body = _serve(apps[0], _environ(walled.pk, cookie=cookies))
    assert status == "200 OK"
    assert json.loads(body)["granted"] is False and walled.gated_marker not in body.decode()
    # The ordinary path answered: it read the database and issued a new pass.
    assert any(n == "Set-Cookie" and "masthead_pass=" in v for n, v in headers)


@pytest.mark.parametrize("damage", ["forged", "other session", "missing"])
def test_a_pass_that_does_not_read_takes_the_ordinary_path(
    passes: None, apps: tuple[LeanCheckApp, WSGIHandler], client: Any, damage: str
) -> None:
    walled = make_article("subscriber")
    _login(client, "reg@example.com", subscriber=False)
    session = _cookie_pair(client)
    cookies = _with_pass(apps, session, walled.pk)
    if damage == "forged":
        cookies = cookies[:-3] + "AAA"
    elif damage == "other session":
        cookies = cookies.replace(session, "sessionid=someoneelse0000000000000000000000")
    else:
        cookies = session
    lean, full = _both(apps, lambda: _environ(walled.pk, cookie=cookies))
    assert lean[2] == full[2]
    assert json.loads(lean[2])["granted"] is False
    assert walled.gated_marker not in lean[2].decode()


def test_a_warm_anonymous_check_is_one_round_trip_and_no_sql(
    hot: hotpath.HotStore, apps: tuple[LeanCheckApp, WSGIHandler], monkeypatch: Any
) -> None:
    articles = [make_article("metered"), make_article("free"), make_article("subscriber")]
    for article in articles:  # warm: facts, gated parts, policy, walls
        _serve(apps[0], _environ(article.pk))
    counting = Counting(monkeypatch)
    for article in articles:
        counting.trips = 0
        # Events are written off the request (the flusher, or the stream and its drain,
        # tested in analytics); the tests' synchronous writing would count here.
        with (
            override_settings(ANALYTICS_ENABLED=False),
            CaptureQueriesContext(connection) as queries,
        ):
            status, _, body = _serve(apps[0], _environ(article.pk))
        assert status == "200 OK"
        assert len(queries) == 0, [q["sql"] for q in queries.captured_queries]
        assert counting.trips == 1, (counting.commands, body)


def test_an_edit_reaches_the_very_next_check(
    hot: hotpath.HotStore, apps: tuple[LeanCheckApp, WSGIHandler]
) -> None:
    article = make_article("free")
    first = json.loads(_serve(apps[0], _environ(article.pk))[2])
    assert first["granted"] is True
    article.access_level = "subscriber"
    article.save()
    walled = json.loads(_serve(apps[0], _environ(article.pk))[2])
    assert walled["granted"] is False and article.gated_marker not in json.dumps(walled)
    article.status = "draft"
    article.save()
    status, _, body = _serve(apps[0], _environ(article.pk))
    assert status.startswith("404") and article.gated_marker not in body.decode()


def test_a_gated_part_cached_under_an_old_generation_is_never_served(
    hot: hotpath.HotStore, apps: tuple[LeanCheckApp, WSGIHandler]
) -> None:
    article = make_article("free")
    _serve(apps[0], _environ(article.pk))
    old = hot.current_generation()
    hot.keep_gated(hot.gated_key(old, article.pk, ad_free=False), "<p>OLDTEXT</p>")
    article.title = "Edited"
    article.save()
    body = _serve(apps[0], _environ(article.pk))[2].decode()
    assert "OLDTEXT" not in body and article.gated_marker in body


def test_redis_gone_mid_check_holds_the_fail_mode(
    hot: hotpath.HotStore, apps: tuple[LeanCheckApp, WSGIHandler], monkeypatch: Any
) -> None:
    article = make_article("metered")
    _serve(apps[0], _environ(article.pk))

    def gone(*args: Any, **kwargs: Any) -> Any:
        raise redis_lib.exceptions.ConnectionError("gone")

    monkeypatch.setattr(hotpath.HotStore, "run", gone)
    monkeypatch.setattr(redis_lib.Redis, "execute_command", gone)
    other = make_article("metered")
    with override_settings(PAYWALL_FAIL_MODE="closed"):
        status, _, body = _serve(apps[0], _environ(other.pk))
    monkeypatch.undo()
    data = json.loads(body)
    assert status == "200 OK"
    assert (data["granted"], data["reason"]) == (False, "meter_unavailable")
    assert other.gated_marker not in body.decode()


def test_events_are_recorded_as_on_the_ordinary_path(
    hot: hotpath.HotStore, apps: tuple[LeanCheckApp, WSGIHandler]
) -> None:
    from masthead.analytics.models import Event

    article = make_article("subscriber")
    _both(apps, lambda: _environ(article.pk))
    rows = list(
        Event.objects.order_by("pk").values_list(
            "kind", "article_id", "user_id", "granted", "reason", "offer", "reader_kind", "section"
        )
    )
    assert len(rows) == 4
    assert rows[:2] == rows[2:]
    assert {row[0] for row in rows} == {"access_check", "wall_shown"}


def test_it_is_off_without_a_shared_redis(redis_url: str) -> None:
    with override_settings(
        PAYWALL_METER_STORE="sql",
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    ):
        assert hotpath.mode() == "off" and hotpath.hot_store() is None
    with override_settings(
        PAYWALL_METER_STORE="redis",
        PAYWALL_REDIS_URL=redis_url,
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    ):
        assert hotpath.mode() == "off"
    # A cluster whose cache is not the cluster cache: the rate limit is elsewhere.
    with override_settings(REDIS_CLUSTER_NODES=["127.0.0.1:7000"], PAYWALL_METER_STORE="redis"):
        assert hotpath.mode() == "off" and hotpath.hot_store() is None
    # The cluster variant's own tests: test_hot_path_cluster.py.


@pytest.fixture
def hung_redis_url() -> Iterator[str]:
    """A loopback port that accepts connections and never answers: a hung Redis."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    try:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    finally:
        server.close()


@pytest.mark.parametrize("fail_mode,granted", [("open", True), ("closed", False)])
def test_a_hung_redis_holds_the_fail_mode_through_the_lean_entry(
    hung_redis_url: str,
    apps: tuple[LeanCheckApp, WSGIHandler],
    fail_mode: str,
    granted: bool,
) -> None:
    article = make_article("metered")
    walled = make_article("subscriber")
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": hung_redis_url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    with override_settings(
        REDIS_URL=hung_redis_url,
        CACHES=caches,
        PAYWALL_METER_STORE="redis",
        PAYWALL_REDIS_URL="",
        PAYWALL_REDIS_PREFIX=f"test:{uuid.uuid4().hex}:",
        PAYWALL_FAIL_MODE=fail_mode,
    ):
        assert hotpath.hot_store() is not None  # the lean path is chosen, and must give way
        status, _, body = _serve(apps[0], _environ(article.pk))
        shut_status, _, shut = _serve(apps[0], _environ(walled.pk))
    data = json.loads(body)
    assert status == shut_status == "200 OK"
    assert (data["granted"], data["reason"]) == (granted, "meter_unavailable")
    assert (article.gated_marker in body.decode()) is granted
    assert json.loads(shut)["granted"] is False and walled.gated_marker not in shut.decode()
