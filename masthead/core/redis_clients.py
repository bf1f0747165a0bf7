"""The Redis clients Masthead's hot path uses: one Redis, or a Redis Cluster.

``MASTHEAD_REDIS_CLUSTER_NODES`` (the setting ``REDIS_CLUSTER_NODES``) names a cluster's
nodes; when it is set, ``client_for_settings()`` answers a ``redis.cluster.RedisCluster``,
otherwise a ``redis.Redis`` for ``PAYWALL_REDIS_URL`` (else ``REDIS_URL``). Both have the
same policy: short timeouts and no retries, because every caller has a fail mode (the
meter's, the rate limit's "let it through", the cache's "ask the database") that is
better than a check waiting on a retry loop. One client per process and configuration:
each holds its connection pools.

``parse_nodes`` is the one reader of the setting's text: ``settings.py`` calls it, so a
malformed node stops the process at start-up.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from redis.backoff import NoBackoff
from redis.cluster import ClusterNode, RedisCluster
from redis.exceptions import (
    AskError,
    ClusterDownError,
    MovedError,
    RedisError,
    SlotNotCoveredError,
    TryAgainError,
)
from redis.retry import Retry

logger = logging.getLogger(__name__)
T = TypeVar("T")
# Answers that mean "not done here": the command was refused, never run, so it may be sent
# again through the cluster client, which follows the redirect and fixes its slot map.
_REFUSED = (MovedError, AskError, TryAgainError, ClusterDownError, SlotNotCoveredError)

# The access check answers within a second even when Redis hangs.
SOCKET_TIMEOUT_SECONDS = 0.5
HEALTH_CHECK_SECONDS = 30

AnyRedis = redis.Redis | RedisCluster


def _is_host(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        labels = text.rstrip(".").split(".")
        return bool(text) and all(
            0 < len(label) <= 63
            and label.replace("-", "").replace("_", "").isalnum()
            and not label.startswith("-")
            and not label.endswith("-")
            for label in labels
        )


def parse_nodes(text: str, name: str = "MASTHEAD_REDIS_CLUSTER_NODES") -> list[str]:
    """Return the ``host:port`` entries of comma-separated ``text`` (none when blank).

    Raise ImproperlyConfigured on any entry that is not a host name or IP address with a
    port from 1 to 65535 (``[::1]:7000`` for IPv6), or on a repeated entry.
    """
    nodes: list[str] = []
    for raw in text.split(","):
        entry = raw.strip()
        if not entry and not text.strip():
            continue
        host, colon, port = entry.rpartition(":")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
            if ":" not in host:
                host = ""  # brackets are for IPv6 addresses only
        elif ":" in host:
            host = ""  # a bare IPv6 address is ambiguous with its port: ask for brackets
        valid = bool(colon) and _is_host(host) and port.isdigit() and 0 < int(port) <= 65535
        if not valid:
            raise ImproperlyConfigured(
                f"{name}: {entry!r} is not host:port (e.g. 10.0.0.5:7000, [fd00::5]:7000)"
            )
        if entry in nodes:
            raise ImproperlyConfigured(f"{name}: {entry!r} is listed twice")
        nodes.append(entry)
    return nodes


def split_node(node: str) -> tuple[str, int]:
    """Return (host, port) of a ``host:port`` entry that ``parse_nodes`` accepted."""
    host, _, port = node.rpartition(":")
    return host.strip("[]"), int(port)


def single_client(url: str) -> redis.Redis:
    """Return a client of one Redis at ``url`` with the short-timeout, no-retry policy."""
    return redis.Redis.from_url(
        url,
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
        socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=HEALTH_CHECK_SECONDS,
    )


def cluster_client(nodes: list[str] | tuple[str, ...]) -> RedisCluster:
    """Return a Redis Cluster client that starts from ``nodes``, with the same policy.

    No retries: a command whose node is gone raises at once (the caller's fail mode), and
    the client re-reads the slot map, so once a replica has taken over the next command
    goes to it. Partial slot coverage is accepted: during a failover the other
    primaries' slots keep working.
    """
    startup = [ClusterNode(*split_node(node)) for node in nodes]  # type: ignore[no-untyped-call]
    return RedisCluster(
        startup_nodes=startup,
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
        socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
        require_full_coverage=False,
        health_check_interval=HEALTH_CHECK_SECONDS,
    )


@functools.cache
def shared_cluster_client(nodes: tuple[str, ...]) -> RedisCluster:
    """Return the process's one cluster client for ``nodes`` (its pools are shared)."""
    return cluster_client(nodes)


@functools.cache
def shared_single_client(url: str) -> redis.Redis:
    """Return the process's one client for the Redis at ``url``."""
    return single_client(url)


def configured_cluster_nodes() -> tuple[str, ...]:
    """The cluster's nodes from settings; empty when Masthead runs on one Redis."""
    return tuple(getattr(settings, "REDIS_CLUSTER_NODES", ()) or ())


def client_for_settings() -> AnyRedis:
    """Return the shared client for the configured Redis: the cluster when one is named.

    Raise ImproperlyConfigured when neither a cluster nor a Redis URL is configured.
    """
    nodes = configured_cluster_nodes()
    if nodes:
        return shared_cluster_client(nodes)
    url = str(getattr(settings, "PAYWALL_REDIS_URL", "") or getattr(settings, "REDIS_URL", ""))
    if not url:
        raise ImproperlyConfigured("no Redis configured: set REDIS_URL or the cluster's nodes")
    return shared_single_client(url)


def on_key_slot(client: AnyRedis, key: str, call: Callable[[Any], T]) -> T:
    """Return ``call(c)``, ``c`` being the plain client of the primary that serves ``key``.

    Commands that touch only ``key``'s slot (a script on a reader's keys, a pipeline on one
    key) then cost what they cost on one Redis: redis-py's cluster client spends about
    twice the CPU of a plain client on each command, more on a pipeline. The node comes
    from the cluster client's slot map. When that map is out of date the node refuses
    (MOVED, ASK, TRYAGAIN, CLUSTERDOWN: nothing was run) and ``call`` is made once more
    through the cluster client, which follows the redirect. A connection failure may have
    run the command, so it is not repeated: the slot map is re-read (so that the next call
    finds a replica that has taken over) and the error raised, for the caller's fail
    mode. On one Redis, ``call(client)``.
    """
    if not isinstance(client, RedisCluster):
        return call(client)
    try:
        node = client.get_redis_connection(client.get_node_from_key(key))  # type: ignore[no-untyped-call]
    except _REFUSED:
        return call(client)
    try:
        return call(node)
    except _REFUSED:
        return call(client)
    except (redis.ConnectionError, redis.TimeoutError):
        _reread_slots(client)
        raise


def _reread_slots(client: RedisCluster) -> None:
    try:
        client.nodes_manager.initialize()
    except RedisError as exc:  # nothing reachable now: the next failure tries again
        logger.warning("redis_cluster_slots_unread error=%s", type(exc).__name__)
