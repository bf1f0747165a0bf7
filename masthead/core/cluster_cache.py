"""A Django cache backend on a Redis Cluster (redis-py's ``RedisCluster``).

Django's own ``RedisCache`` speaks to single servers: its multi-key calls (``MGET``,
``MSET``, ``DEL k1 k2``) are refused by a cluster as soon as two keys hash to different
slots. Here every multi-key call is a non-transactional cluster pipeline of single-key
commands, which the client groups by node: one round trip per node involved, and never a
cross-slot command. Values are stored as Django's ``RedisCache`` stores them (integers as
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

from collections.abc import Iterable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisSerializer
from redis.cluster import RedisCluster

from masthead.core.redis_clients import parse_nodes, shared_cluster_client

_serializer = RedisSerializer()


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
            stored = bool(self.client.set(full, _dumps(value), nx=True))
            if stored:
                self.client.delete(full)
            return stored
        return bool(self.client.set(full, _dumps(value), ex=seconds, nx=True))

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        """Return the value kept under ``key``, or ``default``."""
        raw = self.client.get(self.make_and_validate_key(key, version=version))
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
            self.client.delete(full)
        else:
            self.client.set(full, _dumps(value), ex=seconds)

    def touch(
        self, key: str, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        """Give ``key`` a new expiry; return whether it existed."""
        full = self.make_and_validate_key(key, version=version)
        seconds = self.get_backend_timeout(timeout)
        if seconds is None:
            return bool(self.client.persist(full))
        return bool(self.client.expire(full, seconds))

    def delete(self, key: str, version: int | None = None) -> bool:
        """Forget ``key``; return whether it existed."""
        return bool(self.client.delete(self.make_and_validate_key(key, version=version)))

    def has_key(self, key: str, version: int | None = None) -> bool:
        """Return whether ``key`` holds a value."""
        return bool(self.client.exists(self.make_and_validate_key(key, version=version)))

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Add ``delta`` to the integer under ``key``; raise ValueError when there is none."""
        full = self.make_and_validate_key(key, version=version)
        # One script, so a key that expires between a check and an INCRBY is never
        # brought back as a counter without expiry (Django's RedisCache has that gap).
        result = self.client.eval(_INCR_EXISTING, 1, full, delta)
        if result is None:
            raise ValueError(f"Key '{key}' not found.")
        return int(result)

    def count(self, key: str, expiry_seconds: int) -> int:
        """Add one to the counter ``key`` (made with the expiry when new); return it.

        The rate limiter's one round trip (INCR, then EXPIRE NX), both on the key's slot.
        """
        full = self.make_and_validate_key(key)
        pipe = self.client.pipeline(transaction=False)  # type: ignore[no-untyped-call]
        pipe.incr(full)
        pipe.expire(full, expiry_seconds, nx=True)
        counted, _ = pipe.execute()
        return int(counted)

    # --- many keys, possibly in many slots -------------------------------------------

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        """Return the values found for ``keys`` (one pipelined GET per key, per node)."""
        names = {self.make_and_validate_key(key, version=version): key for key in keys}
        if not names:
            return {}
        pipe = self.client.pipeline(transaction=False)  # type: ignore[no-untyped-call]
        for full in names:
            pipe.get(full)
        found = pipe.execute()
        return {
            names[full]: _loads(raw)
            for full, raw in zip(names, found, strict=True)
            if raw is not None
        }

    def set_many(
        self,
        data: dict[str, Any],
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> list[str]:
        """Keep every value of ``data``; return the keys that failed (none: it raises)."""
        if not data:
            return []
        seconds = self.get_backend_timeout(timeout)
        pipe = self.client.pipeline(transaction=False)  # type: ignore[no-untyped-call]
        for key, value in data.items():
            full = self.make_and_validate_key(key, version=version)
            if seconds == 0:
                pipe.delete(full)
            else:
                pipe.set(full, _dumps(value), ex=seconds)
        pipe.execute()
        return []

    def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        """Forget every key of ``keys`` (one DEL per key: they may live in different slots)."""
        fulls = [self.make_and_validate_key(key, version=version) for key in keys]
        if not fulls:
            return
        pipe = self.client.pipeline(transaction=False)  # type: ignore[no-untyped-call]
        for full in fulls:
            pipe.delete(full)
        pipe.execute()

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
