"""The Redis Cluster cache backend, the client factory and the nodes setting.

The backend tests run against the test cluster (three primaries, three replicas, started
by ``make test``); each uses a fresh key prefix. Keys are chosen so that one call spans
several slots and several nodes, which Django's own Redis backend cannot do on a cluster.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from redis.cluster import RedisCluster

from masthead.core import ratelimit
from masthead.core.cluster_cache import RedisClusterCache
from masthead.core.redis_clients import (
    client_for_settings,
    cluster_client,
    on_key_slot,
    parse_nodes,
    shared_cluster_client,
)

ROOT = Path(__file__).resolve().parents[3]


def _cluster_caches(nodes: list[str]) -> dict[str, object]:
    return {
        "default": {
            "BACKEND": "masthead.core.cluster_cache.RedisClusterCache",
            "LOCATION": ",".join(nodes),
            "KEY_PREFIX": f"cluster-test-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture
def cluster_cache(redis_cluster_nodes: list[str]) -> Iterator[RedisClusterCache]:
    with override_settings(CACHES=_cluster_caches(redis_cluster_nodes)):
        cache = caches["default"]
        assert isinstance(cache, RedisClusterCache)
        yield cache


def _keys_on_every_primary(cache: RedisClusterCache, count: int = 30) -> list[str]:
    """``count`` keys whose full names land on more than one primary (asserted)."""
    keys = [f"key-{number}" for number in range(count)]
    owners = {cache.client.get_node_from_key(cache.make_and_validate_key(key)).name for key in keys}
    assert len(owners) == 3, owners  # the calls below really cross nodes and slots
    return keys


# --- the backend ------------------------------------------------------------------------


@pytest.mark.redis_cluster
def test_get_many_set_many_and_delete_many_span_slots(cluster_cache: RedisClusterCache) -> None:
    keys = _keys_on_every_primary(cluster_cache)
    values = {key: {"n": number, "text": f"value {number}"} for number, key in enumerate(keys)}
    assert cluster_cache.set_many(values, 60) == []
    assert cluster_cache.get_many([*keys, "never-set"]) == values
    cluster_cache.delete_many(keys[:10])
    assert cluster_cache.get_many(keys) == {key: values[key] for key in keys[10:]}


@pytest.mark.redis_cluster
def test_single_key_operations(cluster_cache: RedisClusterCache) -> None:
    assert cluster_cache.get("missing", "default") == "default"
    assert cluster_cache.add("a", [1, 2], 60) is True
    assert cluster_cache.add("a", "other", 60) is False
    assert cluster_cache.get("a") == [1, 2]
    cluster_cache.set("a", ("tuple", None), 60)
    assert cluster_cache.get("a") == ("tuple", None)
    assert cluster_cache.has_key("a") is True
    assert cluster_cache.touch("a", 120) is True
    assert cluster_cache.touch("nothing-here", 120) is False
    assert cluster_cache.delete("a") is True
    assert cluster_cache.delete("a") is False
    assert cluster_cache.has_key("a") is False


@pytest.mark.redis_cluster
def test_timeouts_follow_djangos_rules(cluster_cache: RedisClusterCache) -> None:
    cluster_cache.set("kept", 1, None)
    full = cluster_cache.make_and_validate_key("kept")
    assert cluster_cache.client.ttl(full) == -1  # None: no expiry
    cluster_cache.set("brief", 1, 30)
    assert 0 < cluster_cache.client.ttl(cluster_cache.make_and_validate_key("brief")) <= 30
    cluster_cache.set("gone", 1, 0)  # zero: not kept at all
    assert cluster_cache.get("gone") is None
    assert cluster_cache.add("gone", 1, 0) is True
    assert cluster_cache.get("gone") is None
    cluster_cache.set_many({"x": 1, "y": 2}, 0)
    assert cluster_cache.get_many(["x", "y"]) == {}


@pytest.mark.redis_cluster
def test_incr_counts_and_refuses_a_missing_key(cluster_cache: RedisClusterCache) -> None:
    cluster_cache.set("n", 5, 60)
    assert cluster_cache.incr("n") == 6
    assert cluster_cache.incr("n", 10) == 16
    assert cluster_cache.decr("n", 6) == 10
    assert cluster_cache.get("n") == 10
    with pytest.raises(ValueError, match="not found"):
        cluster_cache.incr("no-such-counter")
    assert cluster_cache.has_key("no-such-counter") is False  # not created by the attempt


@pytest.mark.redis_cluster
def test_versions_keep_entries_apart(cluster_cache: RedisClusterCache) -> None:
    cluster_cache.set("v", "one", 60, version=1)
    cluster_cache.set("v", "two", 60, version=2)
    assert cluster_cache.get("v", version=1) == "one"
    assert cluster_cache.get_many(["v"], version=2) == {"v": "two"}


@pytest.mark.redis_cluster
def test_the_rate_limit_counts_on_the_cluster(cluster_cache: RedisClusterCache) -> None:
    limit = ratelimit.Limit(f"cluster-test-{uuid.uuid4().hex}", 3, 60)
    assert [ratelimit.hit(limit, "203.0.113.9", 1000.0) for _ in range(5)] == [
        False,
        False,
        False,
        True,
        True,
    ]
    full = cluster_cache.make_and_validate_key(ratelimit.key_for(limit, "203.0.113.9", 1000.0))
    assert 0 < cluster_cache.client.ttl(full) <= 120  # made with its expiry
    assert ratelimit.used(limit, "203.0.113.9", 1000.0) == 5


@pytest.mark.redis_cluster
def test_the_client_factory_answers_the_cluster_when_nodes_are_set(
    redis_cluster_nodes: list[str],
) -> None:
    with override_settings(REDIS_CLUSTER_NODES=redis_cluster_nodes):
        client = client_for_settings()
        assert isinstance(client, RedisCluster)
        assert client is shared_cluster_client(tuple(redis_cluster_nodes))
        assert client.ping() is True


@pytest.mark.redis_cluster
def test_a_stale_slot_map_is_followed_not_trusted(redis_cluster_nodes: list[str]) -> None:
    client = cluster_client(redis_cluster_nodes)
    key = f"cluster-test-{uuid.uuid4().hex}"
    client.set(key, "kept", ex=60)
    slot = client.keyslot(key)
    right = client.get_node_from_key(key)
    wrong = next(node for node in client.get_primaries() if node.name != right.name)
    client.nodes_manager.slots_cache[slot] = [wrong]  # as if the slot had moved
    # The wrong node answers MOVED (nothing run); the cluster client follows it.
    assert on_key_slot(client, key, lambda r: r.get(key)) == b"kept"
    assert client.get_node_from_key(key).name == right.name  # and fixed its map
    client.delete(key)
    client.close()


@pytest.mark.redis_cluster
def test_a_connection_failure_is_raised_not_repeated(redis_cluster_nodes: list[str]) -> None:
    from redis.exceptions import ConnectionError as RedisConnectionError

    client = cluster_client(redis_cluster_nodes)
    calls: list[object] = []

    def lost(connection: object) -> None:
        calls.append(connection)  # a command that may have run before the line broke
        raise RedisConnectionError("gone")

    with pytest.raises(RedisConnectionError):
        on_key_slot(client, "any-key", lost)
    assert len(calls) == 1
    client.close()


def test_an_unreachable_cluster_is_an_error_not_a_hang() -> None:
    # Nothing listens on port 1: the client fails at once (the callers' fail modes).
    from redis.exceptions import RedisClusterException, RedisError

    with pytest.raises((RedisError, RedisClusterException)):
        cluster_client(["127.0.0.1:1"]).ping()


# --- the setting ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,nodes",
    [
        ("", []),
        ("10.0.0.5:7000", ["10.0.0.5:7000"]),
        (" redis-a:7000 , redis-b.internal:7001 ", ["redis-a:7000", "redis-b.internal:7001"]),
        ("[fd00::5]:7000", ["[fd00::5]:7000"]),
    ],
)
def test_nodes_are_read(text: str, nodes: list[str]) -> None:
    assert parse_nodes(text) == nodes


@pytest.mark.parametrize(
    "text",
    [
        "10.0.0.5",  # no port
        "10.0.0.5:0",
        "10.0.0.5:70000",
        "10.0.0.5:70a",
        "10.0.0.5:7000,",  # an empty entry
        "10.0.0.5:7000,,10.0.0.6:7000",
        "fd00::5:7000",  # IPv6 needs brackets
        "[redis-a]:7000",
        "redis://10.0.0.5:7000",
        "bad host:7000",
        "10.0.0.5:7000,10.0.0.5:7000",  # twice
    ],
)
def test_a_malformed_entry_is_refused(text: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="MASTHEAD_REDIS_CLUSTER_NODES"):
        parse_nodes(text)


def _settings_import(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import masthead.settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.PAYWALL_METER_STORE)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "MASTHEAD_DEMO": "True", **environment},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_settings_put_the_cache_and_the_meter_on_the_cluster(tmp_path: Path) -> None:
    done = _settings_import(
        {"MASTHEAD_VAR_DIR": str(tmp_path), "MASTHEAD_REDIS_CLUSTER_NODES": "10.0.0.5:7000"}
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["masthead.core.cluster_cache.RedisClusterCache", "redis"]


@pytest.mark.parametrize(
    "extra",
    [
        {"MASTHEAD_REDIS_CLUSTER_NODES": "10.0.0.5"},
        {"MASTHEAD_REDIS_CLUSTER_NODES": "10.0.0.5:7000", "PAYWALL_REDIS_URL": "redis://x:6379"},
    ],
)
def test_settings_refuse_a_bad_cluster_setting_at_start_up(
    tmp_path: Path, extra: dict[str, str]
) -> None:
    done = _settings_import({"MASTHEAD_VAR_DIR": str(tmp_path), **extra})
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
