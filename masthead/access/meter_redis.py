"""The meter in Redis: one Lua script per count, so a count is one atomic round trip.

Keys (with the store's prefix): ``reads:{<reader>}`` is a sorted set of article ids scored
by when they were counted; ``net:<network>:<YYYYMMDD>`` counts a client network's
metered reads on one UTC day; ``gen:{<reader>}`` is an account's reader-pass generation
(``reader_pass``). The braces are a Redis Cluster hash tag: every key of one reader lands
in one slot, so a script may touch them together. The script trims reads older than the
window, answers a re-read as counted, refuses past the allowance or the network
allowance, then adds.
Redis Cluster would need both keys in one slot; run the meter on a single primary.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

from masthead.access.meters import CountedRead, MeterRequest, account_key
from masthead.access.policy import MeterState

# The longest window (a 31-day month) plus a day of slack; re-set on every count.
_READS_TTL_SECONDS = 32 * 24 * 3600
_NETWORK_TTL_SECONDS = 2 * 24 * 3600
# The access check answers within a second even when Redis hangs.
SOCKET_TIMEOUT_SECONDS = 0.5

_CONSUME = """
local reads = KEYS[1]
redis.call('ZREMRANGEBYSCORE', reads, '-inf', '(' .. ARGV[2])
local used = redis.call('ZCARD', reads)
if redis.call('ZSCORE', reads, ARGV[1]) then
  return {used, 1, 0}
end
if used >= tonumber(ARGV[4]) then
  return {used, 0, 0}
end
if #KEYS > 1 then
  local net = tonumber(redis.call('GET', KEYS[2]) or '0')
  if net >= tonumber(ARGV[5]) then
    return {used, 0, 1}
  end
  redis.call('INCR', KEYS[2])
  redis.call('EXPIRE', KEYS[2], ARGV[7])
end
redis.call('ZADD', reads, ARGV[3], ARGV[1])
redis.call('EXPIRE', reads, ARGV[6])
return {used + 1, 1, 0}
"""


def reads_key(prefix: str, reader: str) -> str:
    """Return the key of ``reader``'s sorted set of counted reads (hash-tagged by reader)."""
    return f"{prefix}reads:{{{reader}}}"


def generation_key_for(prefix: str, reader: str) -> str:
    """Return the key of ``reader``'s reader-pass generation (same hash tag as its reads)."""
    return f"{prefix}gen:{{{reader}}}"


def _legacy_reads_key(prefix: str, reader: str) -> str:
    # The key before hash tags; kept for erasure and export until its 32-day TTL ends.
    return f"{prefix}reads:{reader}"


def _millis(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


class RedisMeterStore:
    """A ``MeterStore`` in Redis."""

    def __init__(self, client: redis.Redis, prefix: str = "masthead:meter:") -> None:
        self.client = client
        self.prefix = prefix
        self._script = client.register_script(_CONSUME)

    def consume(self, request: MeterRequest) -> MeterState:
        """Count the article unless already counted in the window; return the state after."""
        keys = [reads_key(self.prefix, request.reader)]
        if request.network is not None:
            day = request.now.astimezone(dt.UTC).strftime("%Y%m%d")
            keys.append(f"{self.prefix}net:{request.network}:{day}")
        args: list[Any] = [
            request.article_id,
            _millis(request.since),
            _millis(request.now),
            request.allowance,
            request.network_allowance,
            _READS_TTL_SECONDS,
            _NETWORK_TTL_SECONDS,
        ]
        used, counted, network_exhausted = self._script(keys=keys, args=args)
        return MeterState(
            allowance=request.allowance,
            used=int(used),
            is_counted=bool(counted),
            is_network_exhausted=bool(network_exhausted),
        )

    def peek(self, reader: str, allowance: int, since: dt.datetime) -> MeterState:
        """Return the reader's state without counting anything."""
        used = self.client.zcount(reads_key(self.prefix, reader), _millis(since), "+inf")
        return MeterState(allowance=allowance, used=int(used), is_counted=False)

    def erase_reader(self, user_id: int) -> int:
        """Delete the account's sorted set of reads; return how many reads it held.

        The key from before hash tags goes too (one command per key: on a cluster the two
        live in different slots).
        """
        held = 0
        reader = account_key(user_id)
        for key in (reads_key(self.prefix, reader), _legacy_reads_key(self.prefix, reader)):
            held += int(self.client.zcard(key))
            self.client.delete(key)
        return held

    def reading_history(self, user_id: int) -> list[CountedRead]:
        """Return the account's counted reads, oldest first (the pre-hash-tag key's too)."""
        reader = account_key(user_id)
        members: list[Any] = []
        for key in (_legacy_reads_key(self.prefix, reader), reads_key(self.prefix, reader)):
            # With scores, redis-py answers (member, score) pairs; its stub cannot say so.
            members += list(self.client.zrange(key, 0, -1, withscores=True))
        latest: dict[int, float] = {}
        for member, score in members:
            latest[int(member)] = max(float(score), latest.get(int(member), 0.0))
        return [
            CountedRead(article, dt.datetime.fromtimestamp(score / 1000, dt.UTC))
            for article, score in sorted(latest.items(), key=lambda item: (item[1], item[0]))
        ]


def redis_client(url: str) -> redis.Redis:
    """Return a client with short timeouts and no retries (the fail mode handles outages)."""
    return redis.Redis.from_url(
        url,
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
        socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=30,
    )


@functools.cache
def _store_for(url: str, prefix: str) -> RedisMeterStore:
    return RedisMeterStore(redis_client(url), prefix)


def redis_store_for(url: str) -> RedisMeterStore:
    """Return the process's shared store (one connection pool) for ``url``."""
    prefix = str(getattr(settings, "PAYWALL_REDIS_PREFIX", "masthead:meter:"))
    return _store_for(url, prefix)
