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


Command = tuple[Any, ...]  # ("GET", key), ("EVAL", script, 1, key, ...): key at [1] or [3]


def _key_of(command: Command) -> str:
    # EVAL/EVALSHA name their first key after the script and the key count.
    name = str(command[0]).upper()
    return str(command[3] if name in ("EVAL", "EVALSHA") else command[1])


def on_slots_at_once(client: RedisCluster, commands: list[Command]) -> list[Any]:
    """Send ``commands`` to their slots' primaries all at once; return the replies in order.

    Each command touches one slot. The commands are grouped by primary (the slot map);
    each group is written to its node, and only then are the replies read, so the
    primaries work side by side and the whole costs one round trip of wall time, on
    plain connections (redis-py's cluster pipeline spends several times the CPU). An
    error reply (a refusal such as MOVED, a script error) comes back in its place as
    the exception, for the caller to judge: the other commands ran. A connection
    failure raises, after the slot map is re-read as ``on_key_slot`` does; commands
    already written may have run.
    """
    groups: dict[str, tuple[Any, list[int]]] = {}
    for index, command in enumerate(commands):
        node = client.get_node_from_key(_key_of(command))  # type: ignore[no-untyped-call]
        group = groups.get(node.name)
        if group is None:
            group = groups[node.name] = (client.get_redis_connection(node), [])
        group[1].append(index)
    replies: list[Any] = [None] * len(commands)
    taken: list[tuple[Any, Any]] = []
    try:
        for plain, indexes in groups.values():
            connection = plain.connection_pool.get_connection()
            taken.append((plain, connection))
            connection.send_packed_command(connection.pack_commands([commands[i] for i in indexes]))
        for (plain, connection), (_, indexes) in zip(taken, groups.values(), strict=True):
            for i in indexes:
                try:
                    replies[i] = plain.parse_response(connection, str(commands[i][0]))
                except redis.ResponseError as exc:
                    replies[i] = exc
    except BaseException as exc:
        for _, connection in taken:
            connection.disconnect()  # replies may be left unread on it
        if isinstance(exc, (redis.ConnectionError, redis.TimeoutError)):
            _reread_slots(client)
        raise
    finally:
        for plain, connection in taken:
            plain.connection_pool.release(connection)
    return replies


def reread_slots(client: AnyRedis) -> None:
    """Re-read a cluster's slot map (after a refusal or a failure); nothing on one Redis."""
    if isinstance(client, RedisCluster):
        _reread_slots(client)


def _reread_slots(client: RedisCluster) -> None:
    try:
        client.nodes_manager.initialize()
    except RedisError as exc:  # nothing reachable now: the next failure tries again
        logger.warning("redis_cluster_slots_unread error=%s", type(exc).__name__)
