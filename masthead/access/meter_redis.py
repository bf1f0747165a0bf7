"""The meter in Redis: one Lua script per count, so a count is one atomic round trip.

Keys (with the store's prefix): ``reads:{<reader>}`` is a sorted set of article ids scored
by when they were counted; ``net:<network>:<YYYYMMDD>`` counts a client network's
metered reads on one UTC day; ``gen:{<reader>}`` is an account's reader-pass generation
(``reader_pass``, ``generations``: a pass is valid while it matches). The reader key sits
in braces, a Redis Cluster hash tag, so everything about one reader lives in one slot. The
script trims reads older than the window, answers a re-read as counted, refuses past the
allowance or the network allowance, then adds. The same steps run inside the access
check's one-round-trip script (``hotpath``), which shares ``METER_STEPS`` with this store
so the two never disagree.

On a cluster the network counter lives in another slot; ``meter_cluster`` counts there
in two steps.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import redis
from django.conf import settings

from masthead.access.meters import CountedRead, MeterRequest, account_key
from masthead.access.policy import MeterState
from masthead.core import redis_clients

# The longest window (a 31-day month) plus a day of slack; re-set on every count.
READS_TTL_SECONDS = 32 * 24 * 3600
NETWORK_TTL_SECONDS = 2 * 24 * 3600
# The access check answers within a second even when Redis hangs.
SOCKET_TIMEOUT_SECONDS = redis_clients.SOCKET_TIMEOUT_SECONDS


def reads_key(prefix: str, reader: str) -> str:
    """Return the key of ``reader``'s sorted set of counted reads (hash-tagged by reader)."""
    return f"{prefix}reads:{{{reader}}}"


def generation_key_for(prefix: str, reader: str) -> str:
    """Return the key of ``reader``'s generation (same slot as its reads)."""
    return f"{prefix}gen:{{{reader}}}"


def legacy_reads_key(prefix: str, reader: str) -> str:
    """Return the reader's key from before the hash tags (its reads are carried over)."""
    # Kept for the carry, erasure and export until the last such key's 32-day TTL ends.
    return f"{prefix}reads:{reader}"


def network_counter_key(prefix: str, network: str, now: dt.datetime) -> str:
    """Return the key counting ``network``'s metered reads on ``now``'s UTC day."""
    day = now.astimezone(dt.UTC).strftime("%Y%m%d")
    return f"{prefix}net:{network}:{day}"


# The meter's count as a Lua function, shared by this store's script and the access
# check's one-round-trip script (``hotpath``): both count by exactly these steps.
# ``net`` is nil when the network allowance does not apply. ``legacy`` is the reader's key
# from before the hash tags (``legacy_reads_key``): a reader counted under it has those
# reads carried over on their first count, so an upgrade restarts no one's meter. (Such
# keys end with their TTL, 32 days after the upgrade; the carry can go after that.)
METER_STEPS = """
local function consume(reads, legacy, net, article, since, now, allowance, net_allowance,
                       reads_ttl, net_ttl)
  if legacy and redis.call('EXISTS', reads) == 0 and redis.call('EXISTS', legacy) == 1 then
    redis.call('ZUNIONSTORE', reads, 1, legacy)
    local left = redis.call('PTTL', legacy)
    if left > 0 then
      redis.call('PEXPIRE', reads, left)
    end
    redis.call('DEL', legacy)
  end
  redis.call('ZREMRANGEBYSCORE', reads, '-inf', '(' .. since)
  local used = redis.call('ZCARD', reads)
  if redis.call('ZSCORE', reads, article) then
    return {used, 1, 0}
  end
  if used >= tonumber(allowance) then
    return {used, 0, 0}
  end
  if net then
    local count = tonumber(redis.call('GET', net) or '0')
    if count >= tonumber(net_allowance) then
      return {used, 0, 1}
    end
    redis.call('INCR', net)
    redis.call('EXPIRE', net, net_ttl)
  end
  redis.call('ZADD', reads, now, article)
  redis.call('EXPIRE', reads, reads_ttl)
  return {used + 1, 1, 0}
end
"""

_CONSUME = (
    METER_STEPS
    + """
return consume(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6],
               ARGV[7])
"""
)


def millis(moment: dt.datetime) -> int:
    """Return ``moment`` in whole milliseconds since the epoch (the meter's scores)."""
    return int(moment.timestamp() * 1000)


class RedisMeterStore:
    """A ``MeterStore`` in Redis."""

    def __init__(self, client: redis.Redis, prefix: str = "masthead:meter:") -> None:
        self.client = client
        self.prefix = prefix
        self._script = client.register_script(_CONSUME)

    def consume(self, request: MeterRequest) -> MeterState:
        """Count the article unless already counted in the window; return the state after."""
        keys = [
            reads_key(self.prefix, request.reader),
            legacy_reads_key(self.prefix, request.reader),
        ]
        if request.network is not None:
            keys.append(network_counter_key(self.prefix, request.network, request.now))
        args: list[Any] = [
            request.article_id,
            millis(request.since),
            millis(request.now),
            request.allowance,
            request.network_allowance,
            READS_TTL_SECONDS,
            NETWORK_TTL_SECONDS,
        ]
        used, counted, network_exhausted = self._script(keys=keys, args=args)
        return MeterState(
            allowance=request.allowance,
            used=int(used),
            is_counted=bool(counted),
            is_network_exhausted=bool(network_exhausted),
        )

    def peek(self, reader: str, allowance: int, since: dt.datetime) -> MeterState:
        """Return the reader's state without counting anything (a legacy key's reads too)."""
        pipe = self.client.pipeline(transaction=False)
        for key in (reads_key(self.prefix, reader), legacy_reads_key(self.prefix, reader)):
            pipe.zcount(key, millis(since), "+inf")
        # Until the first count carries the legacy reads over, only one of the two holds any.
        used = sum(int(found) for found in pipe.execute())
        return MeterState(allowance=allowance, used=used, is_counted=False)

    def erase_reader(self, user_id: int) -> int:
        """Delete the account's sorted set of reads; return how many reads it held.

        The key from before hash tags goes too (one command per key: on a cluster the two
        live in different slots).
        """
        held = 0
        reader = account_key(user_id)
        for key in (reads_key(self.prefix, reader), legacy_reads_key(self.prefix, reader)):
            held += int(self.client.zcard(key))
            self.client.delete(key)
        return held

    def reading_history(self, user_id: int) -> list[CountedRead]:
        """Return the account's counted reads, oldest first (the pre-hash-tag key's too)."""
        reader = account_key(user_id)
        members: list[Any] = []
        for key in (legacy_reads_key(self.prefix, reader), reads_key(self.prefix, reader)):
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
    return redis_clients.single_client(url)


@functools.cache
def _store_for(url: str, prefix: str) -> RedisMeterStore:
    return RedisMeterStore(redis_client(url), prefix)


def meter_prefix() -> str:
    """Return the prefix of every meter key (``PAYWALL_REDIS_PREFIX``)."""
    return str(getattr(settings, "PAYWALL_REDIS_PREFIX", "masthead:meter:"))


def redis_store_for(url: str) -> RedisMeterStore:
    """Return the process's shared store (one connection pool) for ``url``."""
    return _store_for(url, meter_prefix())
