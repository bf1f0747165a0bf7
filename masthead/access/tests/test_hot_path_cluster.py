"""The check's hot path on a Redis Cluster: the single-Redis tests again, then its own.

The ``hot`` fixture here puts the meter, the cache and the rate limit on the test cluster,
so the tests imported from ``test_hot_path`` (the steps, parity with the full stack,
reader passes, edits, events) run against ``ClusterHotStore``. Not imported: the tests of
what the one script does and the cluster variant does differently (a check answered
``stale`` or ``reader_stale`` has been counted by the rate limit here: see
``ClusterHotStore``), and the round-trip counts (two here, below).
"""

from __future__ import annotations

import datetime as dt
import json
import signal
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis as redis_lib
from django.core import signing
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from redis.cluster import RedisCluster

from devservices import RedisCluster as RedisClusterService
from masthead.access import hotpath
from masthead.access.lean import LeanCheckApp
from masthead.access.meter_cluster import ClusterMeterStore
from masthead.access.meter_redis import network_counter_key, reads_key
from masthead.access.offers import forget_rendered_walls
from masthead.access.visitors import SALT
from masthead.core import redis_clients
from masthead.core.redis_clients import cluster_client

from . import test_hot_path as single
from . import test_meter_cluster as failover
from .helpers import in_threads, make_article
from .test_hot_path import Counting, _environ, _serve
from .test_meter_cluster import _replication, _wait_until_replicated, ride_out_the_failover

pytestmark = [pytest.mark.redis_cluster, pytest.mark.django_db]

CLUSTER_CACHE = "masthead.core.cluster_cache.RedisClusterCache"

# Fixtures and tests of the single-Redis hot path, run here with this module's ``hot``.
apps = single.apps
passes = single.passes
test_a_bumped_generation_ends_access_on_the_very_next_check = (
    single.test_a_bumped_generation_ends_access_on_the_very_next_check
)
test_a_gated_part_cached_under_an_old_generation_is_never_served = (
    single.test_a_gated_part_cached_under_an_old_generation_is_never_served
)
test_a_check_with_a_pass_is_one_round_trip_and_no_sql = (
    single.test_a_check_with_a_pass_is_one_round_trip_and_no_sql
)
test_a_missing_generation_is_stale_and_then_started = (
    single.test_a_missing_generation_is_stale_and_then_started
)
test_a_pass_that_does_not_read_takes_the_ordinary_path = (
    single.test_a_pass_that_does_not_read_takes_the_ordinary_path
)
test_a_spent_meter_and_a_known_visitor_answer_alike = (
    single.test_a_spent_meter_and_a_known_visitor_answer_alike
)
test_an_edit_reaches_the_very_next_check = single.test_an_edit_reaches_the_very_next_check
test_anonymous_answers_are_identical_to_the_full_stacks = (
    single.test_anonymous_answers_are_identical_to_the_full_stacks
)
test_error_answers_are_identical = single.test_error_answers_are_identical
test_events_are_recorded_as_on_the_ordinary_path = (
    single.test_events_are_recorded_as_on_the_ordinary_path
)
test_it_counts_reads_and_answers_a_re_read_as_counted = (
    single.test_it_counts_reads_and_answers_a_re_read_as_counted
)
test_it_refuses_past_the_allowance = single.test_it_refuses_past_the_allowance
test_it_refuses_past_the_network_allowance = single.test_it_refuses_past_the_network_allowance
test_it_returns_the_gated_part_only_when_cached_and_counted = (
    single.test_it_returns_the_gated_part_only_when_cached_and_counted
)
test_logged_in_readers_with_a_pass_answer_alike_on_both_paths = (
    single.test_logged_in_readers_with_a_pass_answer_alike_on_both_paths
)


def _forget(nodes: list[str], prefix: str) -> None:
    client = cluster_client(nodes)
    try:
        for key in list(client.scan_iter(match=f"*{prefix}*", target_nodes=RedisCluster.PRIMARIES)):
            client.delete(key)
    finally:
        client.close()


def _on_cluster(nodes: list[str], prefix: str, **more: Any) -> Any:
    caches = {
        "default": {"BACKEND": CLUSTER_CACHE, "LOCATION": ",".join(nodes), "KEY_PREFIX": prefix}
    }
    return override_settings(
        REDIS_CLUSTER_NODES=nodes,
        CACHES=caches,
        PAYWALL_METER_STORE="redis",
        PAYWALL_REDIS_URL="",
        PAYWALL_REDIS_PREFIX=prefix,
        PAYWALL_HOT_PATH=True,
        **more,
    )


@pytest.fixture
def hot(redis_cluster_nodes: list[str]) -> Iterator[hotpath.HotStore]:
    """Settings with the meter, the cache and the rate limit on the test cluster."""
    prefix = f"test:{uuid.uuid4().hex}:"
    with _on_cluster(redis_cluster_nodes, prefix, PAYWALL_ANONYMOUS_ALLOWANCE=2):
        forget_rendered_walls()
        assert hotpath.mode() == "cluster"
        store = hotpath.hot_store()
        assert isinstance(store, hotpath.ClusterHotStore)
        yield store
    _forget(redis_cluster_nodes, prefix)


class Trips(Counting):
    """Counts round trips on the cluster: plain commands, pipelines, and sends at once."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        super().__init__(monkeypatch)
        at_once = redis_clients.on_slots_at_once
        on_cluster = RedisCluster.execute_command

        def counted_at_once(client: Any, commands: list[Any]) -> list[Any]:
            self.trips += 1
            self.commands.append("+".join(str(c[0]) for c in commands))
            return at_once(client, commands)

        def counted_cluster(client: Any, *args: Any, **kwargs: Any) -> Any:
            self.trips += 1
            self.commands.append(f"cluster {args[0]}")
            return on_cluster(client, *args, **kwargs)

        monkeypatch.setattr(hotpath, "on_slots_at_once", counted_at_once)
        monkeypatch.setattr(RedisCluster, "execute_command", counted_cluster)


@pytest.fixture
def sends(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Records each first step the cluster hot path sends (so a test knows it ran)."""
    sent: list[int] = []
    at_once = redis_clients.on_slots_at_once

    def recorded(client: Any, commands: list[Any]) -> list[Any]:
        sent.append(len(commands))  # list.append is atomic: safe from the test's threads
        return at_once(client, commands)

    monkeypatch.setattr(hotpath, "on_slots_at_once", recorded)
    return sent


@override_settings(PAYWALL_NETWORK_DAILY_ALLOWANCE=1000)
def test_a_warm_anonymous_check_is_at_most_two_round_trips_and_no_sql(
    hot: hotpath.HotStore, apps: tuple[LeanCheckApp, WSGIHandler], monkeypatch: Any
) -> None:
    articles = [make_article("metered"), make_article("free"), make_article("subscriber")]
    for article in articles:  # warm: facts, gated parts, policy, walls, scripts
        _serve(apps[0], _environ(article.pk))
    counting = Trips(monkeypatch)
    trips = []
    for article in articles:
        counting.trips = 0
        with (
            override_settings(ANALYTICS_ENABLED=False),
            CaptureQueriesContext(connection) as queries,
        ):
            status, _, body = _serve(apps[0], _environ(article.pk))  # a new visitor each time
        assert status == "200 OK"
        assert len(queries) == 0, [q["sql"] for q in queries.captured_queries]
        trips.append(counting.trips)
        assert json.loads(body)["granted"] is (article.access_level != "subscriber")
    # A first metered read: the reader's step with the rest, then the network's script.
    assert trips == [2, 1, 1], counting.commands


@pytest.fixture
def trip_counter(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Return a function that starts counting round trips, the cluster's sends included."""
    return lambda: Trips(monkeypatch)


def _visitor_cookie(visitor: str) -> str:
    return f"masthead_visitor={signing.Signer(salt=SALT).sign(visitor)}"


def _lean_check(app: LeanCheckApp, article: int, cookie: str, address: str) -> Any:
    environ = _environ(article, cookie=cookie)
    environ["REMOTE_ADDR"] = address
    status, _, body = _serve(app, environ)
    return json.loads(body) if status.startswith("200") else status


@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_lean_checks_grant_exactly_the_remaining_allowance(
    redis_cluster_nodes: list[str], apps: tuple[LeanCheckApp, WSGIHandler], sends: list[int]
) -> None:
    prefix = f"test:{uuid.uuid4().hex}:"
    with _on_cluster(redis_cluster_nodes, prefix, PAYWALL_ANONYMOUS_ALLOWANCE=5):
        articles = [make_article("metered").pk for _ in range(52)]
        cookie = _visitor_cookie(uuid.uuid4().hex)
        for article in articles[:2]:  # 2 of 5 used: 3 left
            assert _lean_check(apps[0], article, cookie, "127.0.0.5")["granted"] is True

        def one(index: int) -> object:
            body = _lean_check(apps[0], articles[2 + index], cookie, f"127.0.{index}.9")
            return body["granted"] if isinstance(body, dict) else body

        results = in_threads(one, 50, join_seconds=60)
    _forget(redis_cluster_nodes, prefix)
    assert len(sends) == 52  # every check went the cluster hot path's way
    assert results.count(True) == 3, results
    assert results.count(False) == 47, results


NETWORK_ALLOWANCE = 5
READERS = 30


@pytest.mark.django_db(transaction=True)
def test_a_network_is_granted_at_most_its_allowance_through_the_lean_path(
    redis_cluster_nodes: list[str], apps: tuple[LeanCheckApp, WSGIHandler], sends: list[int]
) -> None:
    """30 different visitors on one /24 at once, with a network allowance of 5."""
    prefix = f"test:{uuid.uuid4().hex}:"
    visitors = [uuid.uuid4().hex for _ in range(READERS)]
    with _on_cluster(
        redis_cluster_nodes,
        prefix,
        PAYWALL_ANONYMOUS_ALLOWANCE=5,
        PAYWALL_NETWORK_DAILY_ALLOWANCE=NETWORK_ALLOWANCE,
    ):
        article = make_article("metered").pk
        store = hotpath.hot_store()
        assert isinstance(store, hotpath.ClusterHotStore)

        def one(index: int) -> object:
            body = _lean_check(
                apps[0], article, _visitor_cookie(visitors[index]), f"198.51.100.{index + 1}"
            )
            return body["reason"] if isinstance(body, dict) else body

        reasons = in_threads(one, READERS, join_seconds=60)
        assert len(sends) == READERS
        granted = reasons.count("metered")
        assert granted + reasons.count("network_exhausted") == READERS, reasons
        # The stated bound is the allowance plus the checks in flight; for different
        # readers (no re-read of a reservation being taken back) it is the allowance.
        assert granted == NETWORK_ALLOWANCE, reasons
        counter = network_counter_key(prefix, "198.51.100.0/24", dt.datetime.now(dt.UTC))
        assert int(store.cluster.get(counter) or 0) == NETWORK_ALLOWANCE
        since = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
        used = sorted(store.meter.peek(f"v:{v}", 5, since).used for v in visitors)
    _forget(redis_cluster_nodes, prefix)
    # Every refused visitor's reservation was taken back.
    assert used == [0] * (READERS - NETWORK_ALLOWANCE) + [1] * NETWORK_ALLOWANCE


@override_settings(PAYWALL_NETWORK_DAILY_ALLOWANCE=1000, PAYWALL_FAIL_MODE="closed")
def test_a_failure_after_the_reservation_stands_aside_and_takes_it_back(
    hot: hotpath.HotStore, apps: tuple[LeanCheckApp, WSGIHandler], monkeypatch: Any
) -> None:
    assert isinstance(hot, hotpath.ClusterHotStore)
    article = make_article("metered")
    cookie = _visitor_cookie("unlucky-reader-0001")

    def down(*args: object, **kwargs: object) -> object:
        raise redis_lib.exceptions.ConnectionError("the network's node is gone")

    monkeypatch.setattr(hot.meter, "_network", down)
    body = _lean_check(apps[0], article.pk, cookie, "192.0.2.7")
    # The ordinary path answered (its own count failed the same way): the fail mode.
    assert (body["granted"], body["reason"]) == (False, "meter_unavailable")
    assert article.gated_marker not in json.dumps(body)
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
    assert hot.meter.peek("v:unlucky-reader-0001", 2, since).used == 0


# --- failover through the lean path -------------------------------------------------------


own_cluster = failover.own_cluster


@pytest.mark.parametrize("fail_mode", ["open", "closed"])
def test_the_primary_of_the_reader_s_slot_fails_over_mid_run(
    own_cluster: RedisClusterService,
    apps: tuple[LeanCheckApp, WSGIHandler],
    sends: list[int],
    fail_mode: str,
) -> None:
    nodes = own_cluster.nodes()
    prefix = f"test:{uuid.uuid4().hex}:"
    visitor = uuid.uuid4().hex
    inspect = cluster_client(nodes)
    primary = inspect.get_node_from_key(reads_key(prefix, f"v:{visitor}")).port
    inspect.close()
    replica = int(str(_replication(primary)["slave0"]["port"]))  # type: ignore[index]
    articles = [make_article("metered").pk for _ in range(6)]
    cookie = _visitor_cookie(visitor)
    lean = apps[0]
    with _on_cluster(nodes, prefix, PAYWALL_FAIL_MODE=fail_mode, PAYWALL_ANONYMOUS_ALLOWANCE=4):
        assert hotpath.hot_store() is not None
        before = [_lean_check(lean, a, cookie, "203.0.113.7") for a in articles[:2]]
        assert [body["meter"]["used"] for body in before] == [1, 2]
        assert len(sends) == 2  # the hot path answered them

        _wait_until_replicated(primary, replica)
        own_cluster.process_of(primary).signal(signal.SIGKILL)

        def one() -> Any:
            body = _lean_check(lean, articles[2], cookie, "203.0.113.7")
            assert isinstance(body, dict), body  # never a 500
            return body

        body = ride_out_the_failover(one, fail_mode)

        assert _replication(replica)["role"] == "master"
        assert (body["granted"], body["reason"], body["meter"]["used"]) == (True, "metered", 3)
        # The hot path answers again (not only the ordinary path) once its pause is over.
        time.sleep(hotpath.PAUSE_AFTER_FAILURE_SECONDS)
        sent = len(sends)
        after = [_lean_check(lean, a, cookie, "203.0.113.7") for a in articles[3:]]
        assert len(sends) == sent + 3
        assert [(b["granted"], b["reason"]) for b in after] == [
            (True, "metered"),
            (False, "meter_exhausted"),
            (False, "meter_exhausted"),
        ]
        assert after[0]["meter"]["used"] == 4
        assert _lean_check(lean, articles[0], cookie, "203.0.113.7")["granted"] is True
    survivor = cluster_client(nodes)
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
    assert ClusterMeterStore(survivor, prefix).peek(f"v:{visitor}", 4, since).used == 4
    survivor.close()
