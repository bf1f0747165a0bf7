"""The meter on a Redis Cluster: the store's contract, the races, the network bound, failover.

Against the test cluster ``make test`` starts (three primaries, three replicas), each test
with a fresh key prefix; the failover test starts a cluster of its own through the
launcher, so killing one of its primaries disturbs no other test.
"""

from __future__ import annotations

import datetime as dt
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.core import signing
from django.test import Client, SimpleTestCase, override_settings
from redis.cluster import RedisCluster

from devservices import Launcher
from devservices import RedisCluster as RedisClusterService
from masthead.access.meter_cluster import ClusterMeterStore
from masthead.access.meter_redis import network_counter_key, reads_key
from masthead.access.meters import MeterStore
from masthead.access.policy import MeterState
from masthead.access.visitors import SALT
from masthead.core.redis_clients import cluster_client

from .helpers import check, in_threads, make_article
from .meter_contract import MONTH_START, NOW, MeterStoreContract, ask
from .test_meter_concurrency import THREADS, _grants_through_the_endpoint


def _forget(client: RedisCluster, prefix: str) -> None:
    for key in list(client.scan_iter(match=f"{prefix}*", target_nodes=RedisCluster.PRIMARIES)):
        client.delete(key)


@pytest.fixture
def meter_on_cluster(redis_cluster_nodes: list[str]) -> Iterator[tuple[ClusterMeterStore, str]]:
    """A cluster store with a fresh prefix, and the settings that make it the configured one."""
    prefix = f"test:{uuid.uuid4().hex}:"
    client = cluster_client(redis_cluster_nodes)
    with override_settings(
        REDIS_CLUSTER_NODES=redis_cluster_nodes,
        PAYWALL_METER_STORE="redis",
        PAYWALL_REDIS_PREFIX=prefix,
    ):
        yield ClusterMeterStore(client, prefix), prefix
    _forget(client, prefix)
    client.close()


@pytest.mark.redis_cluster
class ClusterMeterStoreTests(MeterStoreContract, SimpleTestCase):
    @pytest.fixture(autouse=True)
    def _cluster(self, redis_cluster_nodes: list[str]) -> None:
        self.nodes = redis_cluster_nodes

    def store(self) -> MeterStore:
        client = cluster_client(self.nodes)
        prefix = f"test:{uuid.uuid4().hex}:"
        self.addCleanup(client.close)
        self.addCleanup(_forget, client, prefix)
        return ClusterMeterStore(client, prefix)

    def test_a_reader_s_keys_share_one_slot(self) -> None:
        client = cluster_client(self.nodes)
        self.addCleanup(client.close)
        slots = {client.keyslot(reads_key("p:", f"v:reader-{n}")) for n in range(50)}
        self.assertGreater(len(slots), 1)  # readers spread over the cluster ...
        for n in range(50):
            reader = f"v:reader-{n}"  # ... but each reader's keys stay together
            self.assertEqual(
                client.keyslot(reads_key("p:", reader)), client.keyslot(f"p:gen:{{{reader}}}")
            )

    def test_a_brace_in_the_prefix_is_refused(self) -> None:
        client = cluster_client(self.nodes)
        self.addCleanup(client.close)
        with self.assertRaises(ValueError):
            ClusterMeterStore(client, "meter:{all}:")


@pytest.mark.redis_cluster
@pytest.mark.django_db(transaction=True)
@override_settings(PAYWALL_ANONYMOUS_ALLOWANCE=5)
def test_fifty_simultaneous_checks_grant_exactly_the_remaining_allowance(
    meter_on_cluster: tuple[ClusterMeterStore, str],
) -> None:
    results = _grants_through_the_endpoint()
    assert results.count(True) == 3, results
    assert results.count(False) == THREADS - 3, results


NETWORK_ALLOWANCE = 5
READERS = 30


@pytest.mark.redis_cluster
@pytest.mark.django_db(transaction=True)
@override_settings(PAYWALL_NETWORK_DAILY_ALLOWANCE=NETWORK_ALLOWANCE, PAYWALL_ANONYMOUS_ALLOWANCE=5)
def test_a_network_is_granted_at_most_its_allowance_plus_the_checks_in_flight(
    meter_on_cluster: tuple[ClusterMeterStore, str],
) -> None:
    """30 different visitors on one /24 at once, with a network allowance of 5."""
    store, prefix = meter_on_cluster
    article = make_article("metered").pk
    visitors = [uuid.uuid4().hex for _ in range(READERS)]

    def one(index: int) -> object:
        client = Client(REMOTE_ADDR=f"198.51.100.{index + 1}")
        client.cookies["masthead_visitor"] = signing.Signer(salt=SALT).sign(visitors[index])
        return check(client, article).json()["reason"]

    reasons = in_threads(one, READERS, join_seconds=30)
    granted = reasons.count("metered")
    assert granted + reasons.count("network_exhausted") == READERS, reasons
    # The documented bound (docs/deploy.md): the allowance plus the checks in flight.
    assert granted <= NETWORK_ALLOWANCE + READERS
    # Tighter, for different readers: the network's check-and-increment is one script, so
    # only a re-read of a read being taken back could pass it, and no reader re-reads here.
    assert granted == NETWORK_ALLOWANCE, reasons
    counter = network_counter_key(prefix, "198.51.100.0/24", dt.datetime.now(dt.UTC))
    assert int(store.client.get(counter) or 0) == NETWORK_ALLOWANCE
    # Every refused visitor's reservation was taken back: their meters are untouched.
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
    used = sorted(store.peek(f"v:{visitor}", 5, since).used for visitor in visitors)
    assert used == [0] * (READERS - NETWORK_ALLOWANCE) + [1] * NETWORK_ALLOWANCE


@pytest.mark.redis_cluster
def test_reservations_racing_a_spent_network_are_all_taken_back(
    meter_on_cluster: tuple[ClusterMeterStore, str],
) -> None:
    """One reader, one article, 30 checks at once, the network already spent."""
    store, prefix = meter_on_cluster
    network = "192.0.2.0/24"
    store.client.set(network_counter_key(prefix, network, NOW), 2)

    def one(index: int) -> object:
        request = ask("v:racing-reader-abcd", 7, network=network, network_allowance=2)
        return store.consume(request)

    results = in_threads(one, 30, join_seconds=30)
    states = [state for state in results if isinstance(state, MeterState)]
    assert len(states) == 30, results
    # Grants here can only be re-reads of a reservation about to be taken back: the bound's
    # "checks in flight". Refusals say why.
    refused = [state for state in states if not state.is_counted]
    assert all(state.is_network_exhausted for state in refused)
    assert len(states) - len(refused) <= 30
    assert store.client.get(network_counter_key(prefix, network, NOW)) == b"2"
    assert store.peek("v:racing-reader-abcd", 3, MONTH_START).used == 0


@pytest.mark.redis_cluster
def test_a_network_failure_after_the_reservation_takes_it_back(
    meter_on_cluster: tuple[ClusterMeterStore, str],
) -> None:
    store, _prefix = meter_on_cluster

    def down(*args: object, **kwargs: object) -> object:
        raise redis.exceptions.ConnectionError("the network's node is gone")

    store._network = down  # type: ignore[assignment]
    with pytest.raises(redis.exceptions.ConnectionError):
        store.consume(ask("v:unlucky-reader-abcd", 1, network="192.0.2.0/24", network_allowance=9))
    assert store.peek("v:unlucky-reader-abcd", 3, MONTH_START).used == 0
    # A reader without a network allowance is counted in one step, untouched by it.
    assert store.consume(ask("v:unlucky-reader-abcd", 1)).used == 1


# --- failover ----------------------------------------------------------------------------


@pytest.fixture
def own_cluster(tmp_path: Path) -> Iterator[RedisClusterService]:
    """A cluster for this test alone (its primaries may be killed), stopped afterwards."""
    with Launcher(tmp_path / "services") as launcher:
        yield launcher.start(RedisClusterService(name="failover-cluster"))


def _replication(port: int) -> dict[str, object]:
    connection = redis.Redis(port=port, socket_timeout=1)
    try:
        return dict(connection.info("replication"))
    finally:
        connection.close()


def _wait_until_replicated(primary: int, replica: int) -> None:
    """Wait until ``replica`` has applied everything ``primary`` wrote so far.

    Redis replicates asynchronously: a count acknowledged in the instant before its
    primary dies can be lost (docs/deploy.md says so). The test kills after the copy.
    """
    target = int(str(_replication(primary)["master_repl_offset"]))
    deadline = time.monotonic() + 10
    while int(str(_replication(replica).get("slave_repl_offset", 0))) < target:
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.01)


def _cluster_caches(nodes: list[str]) -> dict[str, object]:
    return {
        "default": {
            "BACKEND": "masthead.core.cluster_cache.RedisClusterCache",
            "LOCATION": ",".join(nodes),
        }
    }


def ride_out_the_failover(check_one: Callable[[], Any], fail_mode: str) -> Any:
    """Check until the meter answers again; return that answer's JSON body.

    Meanwhile every answer must be a 200 (never a 500) in the configured fail mode: open
    reads uncounted, closed shuts; and at least one check must have seen the outage.
    """
    outage = []
    deadline = time.monotonic() + 30
    while True:
        body = check_one()
        if body["reason"] != "meter_unavailable":
            break
        assert body["granted"] is (fail_mode == "open"), body
        assert body["meter"] is None
        assert (body["html"] is None) is (fail_mode == "closed")
        outage.append(body)
        assert time.monotonic() < deadline, "the replica never took over"
        time.sleep(0.05)
    assert outage, "no check saw the primary gone"
    return body


def _answered(response: Any) -> Any:
    assert response.status_code == 200, response.content  # never a 500
    return response.json()


@pytest.mark.redis_cluster
@pytest.mark.django_db
@pytest.mark.parametrize("fail_mode", ["open", "closed"])
def test_a_primary_fails_over_mid_run(own_cluster: RedisClusterService, fail_mode: str) -> None:
    nodes = own_cluster.nodes()
    prefix = f"test:{uuid.uuid4().hex}:"
    visitor = uuid.uuid4().hex
    inspect = cluster_client(nodes)
    key = reads_key(prefix, f"v:{visitor}")
    primary = inspect.get_node_from_key(key).port
    inspect.close()
    replica = int(str(_replication(primary)["slave0"]["port"]))  # type: ignore[index]
    articles = [make_article("metered").pk for _ in range(6)]
    reader = Client(REMOTE_ADDR="203.0.113.7")
    reader.cookies["masthead_visitor"] = signing.Signer(salt=SALT).sign(visitor)
    with override_settings(
        REDIS_CLUSTER_NODES=nodes,
        CACHES=_cluster_caches(nodes),  # the rate limit and the content cache too
        PAYWALL_METER_STORE="redis",
        PAYWALL_REDIS_PREFIX=prefix,
        PAYWALL_FAIL_MODE=fail_mode,
        PAYWALL_ANONYMOUS_ALLOWANCE=4,
    ):
        before = [check(reader, article).json() for article in articles[:2]]
        assert [body["meter"]["used"] for body in before] == [1, 2]

        _wait_until_replicated(primary, replica)
        own_cluster.process_of(primary).signal(signal.SIGKILL)

        body = ride_out_the_failover(lambda: _answered(check(reader, articles[2])), fail_mode)

        # The replica took over and the meter resumed where it was: the two reads counted
        # before the kill are still there, so the allowance of 4 is never exceeded.
        assert _replication(replica)["role"] == "master"
        assert (body["granted"], body["reason"], body["meter"]["used"]) == (True, "metered", 3)
        after = [check(reader, article).json() for article in articles[3:]]
        assert [(b["granted"], b["reason"]) for b in after] == [
            (True, "metered"),
            (False, "meter_exhausted"),
            (False, "meter_exhausted"),
        ]
        assert after[0]["meter"]["used"] == 4
        assert check(reader, articles[0]).json()["granted"] is True  # counted before the kill
    # The meter holds exactly the allowance: the two reads from before the kill and the two
    # after it, nothing counted twice and nothing beyond.
    survivor = cluster_client(nodes)
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
    assert ClusterMeterStore(survivor, prefix).peek(f"v:{visitor}", 4, since).used == 4
    survivor.close()
