"""A Django cache backend on a Redis Cluster (redis-py's ``RedisCluster``).

Django's own ``RedisCache`` speaks to single servers: its multi-key calls (``MGET``,
``MSET``, ``DEL k1 k2``) are refused by a cluster as soon as two keys hash to different
slots. Here a multi-key call is split by node (from the client's slot map): one pipeline of
single-key commands per node involved, never a cross-slot command. Each goes straight to
the node's plain client (``redis_clients.on_key_slot``), which costs about what Django's
backend costs on one Redis; a node that refuses (its slots moved) is asked again through
the cluster client. Values are stored as Django's ``RedisCache`` stores them (integers as
they are, so ``INCR`` works; anything else pickled), so the two backends read each
other's entries.

    CACHES = {"default": {
        "BACKEND": "masthead.core.cluster_cache.RedisClusterCache",
        "LOCATION": "10.0.0.5:7000,10.0.0.6:7000,10.0.0.7:7000",
    }}

``settings.py`` configures this when ``MASTHEAD_REDIS_CLUSTER_NODES`` is set. The client
is the process's shared cluster client (``masthead.core.redis_clients``): short timeouts,
no retries; callers already treat a cache error as a miss.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisSerializer
from redis.cluster import RedisCluster
from redis.exceptions import RedisError

from masthead.core.redis_clients import on_key_slot, parse_nodes, shared_cluster_client

_serializer = RedisSerializer()
T = TypeVar("T")


def _dumps(value: Any) -> Any:
    return _serializer.dumps(value)


def _loads(raw: Any) -> Any:
    return _serializer.loads(raw)


class RedisClusterCache(BaseCache):
    """Django's cache API over a Redis Cluster, without cross-slot commands."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(params)
        text = server if isinstance(server, str) else ",".join(server)
        self._nodes = tuple(parse_nodes(text.replace(";", ","), "CACHES LOCATION"))

    @property
    def client(self) -> RedisCluster:
        """The shared cluster client (made on first use, so start-up needs no network)."""
        return shared_cluster_client(self._nodes)

    def get_backend_timeout(self, timeout: float | None = DEFAULT_TIMEOUT) -> int | None:
        """Seconds to keep a value; None keeps it for ever, 0 or less means "do not keep"."""
        if timeout == DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        return None if timeout is None else max(0, int(timeout))

    # --- one key ---------------------------------------------------------------------

    def add(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        """Store ``value`` unless ``key`` holds one; return whether it was stored."""
        full = self.make_and_validate_key(key, version=version)
        seconds = self.get_backend_timeout(timeout)
        if seconds == 0:
            # Django's contract: a zero timeout "adds" nothing that outlives the call.
            stored = bool(self._on(full, lambda r: r.set(full, _dumps(value), nx=True)))
            if stored:
                self._on(full, lambda r: r.delete(full))
            return stored
        return bool(self._on(full, lambda r: r.set(full, _dumps(value), ex=seconds, nx=True)))

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        """Return the value kept under ``key``, or ``default``."""
        full = self.make_and_validate_key(key, version=version)
        raw = self._on(full, lambda r: r.get(full))
        return default if raw is None else _loads(raw)

    def set(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        """Keep ``value`` under ``key`` for ``timeout`` seconds."""
        full = self.make_and_validate_key(key, version=version)
        seconds = self.get_backend_timeout(timeout)
        if seconds == 0:
            self._on(full, lambda r: r.delete(full))
        else:
            self._on(full, lambda r: r.set(full, _dumps(value), ex=seconds))

    def touch(
        self, key: str, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        """Give ``key`` a new expiry; return whether it existed."""
        full = self.make_and_validate_key(key, version=version)
        seconds = self.get_backend_timeout(timeout)
        if seconds is None:
            return bool(self._on(full, lambda r: r.persist(full)))
        return bool(self._on(full, lambda r: r.expire(full, seconds)))

    def delete(self, key: str, version: int | None = None) -> bool:
        """Forget ``key``; return whether it existed."""
        full = self.make_and_validate_key(key, version=version)
        return bool(self._on(full, lambda r: r.delete(full)))

    def has_key(self, key: str, version: int | None = None) -> bool:
        """Return whether ``key`` holds a value."""
        full = self.make_and_validate_key(key, version=version)
        return bool(self._on(full, lambda r: r.exists(full)))

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Add ``delta`` to the integer under ``key``; raise ValueError when there is none."""
        full = self.make_and_validate_key(key, version=version)
        # One script, so a key that expires between a check and an INCRBY is never
        # brought back as a counter without expiry (Django's RedisCache has that gap).
        result = self._on(full, lambda r: r.eval(_INCR_EXISTING, 1, full, delta))
        if result is None:
            raise ValueError(f"Key '{key}' not found.")
        return int(result)

    def count(self, key: str, expiry_seconds: int) -> int:
        """Add one to the counter ``key`` (made with the expiry when new); return it.

        The rate limiter's one round trip (INCR, then EXPIRE NX), both on the key's slot.
        """
        full = self.make_and_validate_key(key)

        def incr_and_expire(client: Any) -> int:
            pipe = client.pipeline(transaction=False)
            pipe.incr(full)
            pipe.expire(full, expiry_seconds, nx=True)
            counted, _ = pipe.execute()
            return int(counted)

        return self._on(full, incr_and_expire)

    # --- many keys, possibly in many slots -------------------------------------------

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        """Return the values found for ``keys`` (one pipeline of GETs per node involved)."""
        names = {self.make_and_validate_key(key, version=version): key for key in keys}
        found: dict[str, Any] = {}
        for group in self._by_node(list(names)):
            answers = self._each(group, lambda pipe, full: pipe.get(full))
            pairs = zip(group, answers, strict=True)
            found.update({names[full]: _loads(raw) for full, raw in pairs if raw is not None})
        return found

    def set_many(
        self,
        data: dict[str, Any],
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> list[str]:
        """Keep every value of ``data``; return the keys that failed (none: it raises)."""
        seconds = self.get_backend_timeout(timeout)
        values = {self.make_and_validate_key(key, version=version): v for key, v in data.items()}

        def keep(pipe: Any, full: str) -> None:
            if seconds == 0:
                pipe.delete(full)
            else:
                pipe.set(full, _dumps(values[full]), ex=seconds)

        for group in self._by_node(list(values)):
            self._each(group, keep)
        return []

    def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        """Forget every key of ``keys`` (one DEL per key: they may live in different slots)."""
        fulls = [self.make_and_validate_key(key, version=version) for key in keys]
        for group in self._by_node(fulls):
            self._each(group, lambda pipe, full: pipe.delete(full))

    # --- plumbing --------------------------------------------------------------------

    def _on(self, key: str, call: Callable[[Any], T]) -> T:
        return on_key_slot(self.client, key, call)

    def _by_node(self, keys: list[str]) -> list[list[str]]:
        """``keys`` grouped by the primary the slot map names (unknown slots: one group)."""
        groups: dict[str, list[str]] = {}
        for key in keys:
            try:
                name = self.client.get_node_from_key(key).name  # type: ignore[no-untyped-call]
            except RedisError:
                name = ""  # the cluster client finds it, below
            groups.setdefault(name, []).append(key)
        return list(groups.values())

    def _each(self, group: list[str], add: Callable[[Any, str], object]) -> list[Any]:
        """Send ``add(pipe, key)`` for every key of ``group`` in one pipeline to its node."""

        def run(client: Any) -> list[Any]:
            pipe = client.pipeline(transaction=False)
            for full in group:
                add(pipe, full)
            return list(pipe.execute())

        return self._on(group[0], run)

    def clear(self) -> None:
        """Empty every primary (``FLUSHDB`` on each): the whole cache, as Django's does."""
        self.client.flushdb(target_nodes=RedisCluster.PRIMARIES)

    def close(self, **kwargs: Any) -> None:
        """Keep the shared client's pools open between requests (as connection reuse wants)."""


# INCRBY only when the key exists; nil otherwise (Django's incr raises on a missing key).
_INCR_EXISTING = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""
