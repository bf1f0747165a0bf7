"""The meter on a Redis Cluster: the reader's count in its own slot, the network's in another.

A reader's keys are hash-tagged by reader (``meter_redis.reads_key``), so everything about
one reader is one slot on one primary, and its script is atomic there. The day's network
counter (``meter_redis.network_counter_key``) hashes elsewhere, and no Redis script may touch
two slots, so a first read of an article is counted in two steps:

1. **The reader's script** (reader's slot): trim the window; a re-read answers "counted"
   and stops here; past the allowance answers "refused"; otherwise the article is added
   to the reader's reads at once, *before* the network is asked. Adding under the same
   atomic check is what keeps the reader's allowance exact: 50 simultaneous checks by one
   reader add at most the allowance, whatever the network step then does.
2. **The network's script** (network's slot): refuse when the day's count has reached the
   network allowance, else increment. Check and increment are one script, so the counter
   itself never passes the allowance.
3. When the network refuses (or cannot be reached), the article is taken back off the
   reader's reads (only if it still carries this check's timestamp), and the check is
   refused as ``is_network_exhausted`` (or, unreachable, the meter is unavailable and the
   fail mode decides).

The bound: a read reserved in step 1 and taken back in step 3 is visible, for that
moment, to other checks of the same reader and article, which take it for a re-read and
are granted without counting on the network. So a network is granted, per day, at most
its allowance plus the checks in flight while it runs out. (The other way round, a
reservation about to be taken back holds one of its reader's reads for that moment.) A
taken-back read that cannot be removed (the reader's node fails in between) stays
counted: the reader loses one read, never gains one.

Re-reads cost one round trip, first reads two (one when no network allowance applies).
The access check's hot path on a cluster (``hotpath.ClusterHotStore``) sends step 1
(``reader_step``) together with its other single-slot commands, then calls ``settle`` for
steps 2 and 3, and ``take_back`` when it must not count after all.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from typing import Any

from django.conf import settings
from redis.cluster import RedisCluster
from redis.commands.core import Script
from redis.exceptions import RedisError

from masthead.access.meter_redis import (
    NETWORK_TTL_SECONDS,
    READS_TTL_SECONDS,
    millis,
    network_counter_key,
    reads_key,
)
from masthead.access.meters import CountedRead, MeterRequest, account_key
from masthead.access.policy import MeterState
from masthead.core import redis_clients
from masthead.core.redis_clients import on_key_slot

logger = logging.getLogger(__name__)

# KEYS[1] the reader's reads. ARGV: article, window start (ms), now (ms), allowance, TTL.
# Answers {used after, counted, reserved}: reserved = 1 when this call added the article.
_READER = """
local reads = KEYS[1]
redis.call('ZREMRANGEBYSCORE', reads, '-inf', '(' .. ARGV[2])
local used = redis.call('ZCARD', reads)
if redis.call('ZSCORE', reads, ARGV[1]) then
  return {used, 1, 0}
end
if used >= tonumber(ARGV[4]) then
  return {used, 0, 0}
end
redis.call('ZADD', reads, ARGV[3], ARGV[1])
redis.call('EXPIRE', reads, ARGV[5])
return {used + 1, 1, 1}
"""

# KEYS[1] the network's day counter. ARGV: network allowance, TTL. Answers 1 when counted.
_NETWORK = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then
  return 0
end
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""

# KEYS[1] the reader's reads. ARGV: article, the timestamp (ms) the reservation carries.
# Only this check's own reservation is taken back.
_TAKE_BACK = """
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0
"""


def reader_args(request: MeterRequest) -> list[Any]:
    """Return the reader's script's arguments for ``request`` (its KEYS[1]: the reads)."""
    return [
        request.article_id,
        millis(request.since),
        millis(request.now),
        request.allowance,
        READS_TTL_SECONDS,
    ]


class ClusterMeterStore:
    """A ``MeterStore`` on a Redis Cluster (see the module's docstring for the two steps)."""

    def __init__(self, client: RedisCluster, prefix: str = "masthead:meter:") -> None:
        if "{" in prefix or "}" in prefix:
            # A brace in the prefix would become every key's hash tag: one slot for all.
            raise ValueError(f"the meter's key prefix may not hold braces: {prefix!r}")
        self.client = client
        self.prefix = prefix
        self._reader = client.register_script(_READER)
        self._network = client.register_script(_NETWORK)
        self._take_back = client.register_script(_TAKE_BACK)

    def consume(self, request: MeterRequest) -> MeterState:
        """Count the article unless already counted in the window; return the state after.

        Exact per reader; per network at most the allowance plus the checks in flight.
        Raise RedisError when a node cannot be reached (``count_read`` then answers
        "unavailable" and the policy's fail mode decides).
        """
        reads = reads_key(self.prefix, request.reader)
        used, counted, reserved = self._script(
            self._reader, keys=[reads], args=reader_args(request)
        )
        return self.settle(request, int(used), bool(counted), bool(reserved))

    def reader_step(self, request: MeterRequest) -> tuple[Any, ...]:
        """Return step 1 as a command (``EVAL``) for a caller that sends it with others."""
        reads = reads_key(self.prefix, request.reader)
        return ("EVAL", _READER, 1, reads, *reader_args(request))

    def settle(self, request: MeterRequest, used: int, counted: bool, reserved: bool) -> MeterState:
        """Steps 2 and 3 after the reader's script answered (``used``, ``counted``, ``reserved``).

        The network's script when this check reserved a first read and a network
        allowance applies; the reservation taken back when the network refuses or fails
        (then the error is raised again).
        """
        state = MeterState(allowance=request.allowance, used=used, is_counted=counted)
        if not reserved or request.network is None:
            return state
        network = network_counter_key(self.prefix, request.network, request.now)
        try:
            allowed = self._script(
                self._network,
                keys=[network],
                args=[request.network_allowance, NETWORK_TTL_SECONDS],
            )
        except RedisError:
            self.take_back(request)
            raise
        if allowed:
            return state
        self.take_back(request)
        return MeterState(
            allowance=request.allowance,
            used=used - 1,
            is_counted=False,
            is_network_exhausted=True,
        )

    def _script(self, script: Script, keys: list[str], args: list[Any]) -> Any:
        # Straight to the primary of the (one) key's slot: see ``on_key_slot``.
        return on_key_slot(self.client, keys[0], lambda r: script(keys=keys, args=args, client=r))

    def take_back(self, request: MeterRequest) -> None:
        """Take this check's reservation back off the reader's reads (no error raised).

        Only a reservation carrying this check's timestamp goes, so calling it when
        nothing was reserved, or when another check counted the article since, is harmless.
        """
        reads = reads_key(self.prefix, request.reader)
        try:
            self._script(
                self._take_back, keys=[reads], args=[request.article_id, millis(request.now)]
            )
        except RedisError as exc:
            # The read stays counted: the reader loses one read, nobody gains one.
            logger.warning("meter_take_back_failed error=%s", type(exc).__name__)

    def peek(self, reader: str, allowance: int, since: dt.datetime) -> MeterState:
        """Return the reader's state without counting anything."""
        key = reads_key(self.prefix, reader)
        used = on_key_slot(self.client, key, lambda r: r.zcount(key, millis(since), "+inf"))
        return MeterState(allowance=allowance, used=int(used), is_counted=False)

    def erase_reader(self, user_id: int) -> int:
        """Delete the account's reads; return how many it held (one slot: one pipeline)."""
        key = reads_key(self.prefix, account_key(user_id))

        def count_and_delete(client: Any) -> int:
            pipeline = client.pipeline(transaction=False)
            pipeline.zcard(key)
            pipeline.delete(key)
            held, _ = pipeline.execute()
            return int(held)

        return on_key_slot(self.client, key, count_and_delete)

    def reading_history(self, user_id: int) -> list[CountedRead]:
        """Return the account's counted reads, oldest first."""
        key = reads_key(self.prefix, account_key(user_id))
        members: list[Any] = list(
            on_key_slot(self.client, key, lambda r: r.zrange(key, 0, -1, withscores=True))
        )
        return [
            CountedRead(int(member), dt.datetime.fromtimestamp(float(score) / 1000, dt.UTC))
            for member, score in members
        ]


@functools.cache
def _store_for(nodes: tuple[str, ...], prefix: str) -> ClusterMeterStore:
    return ClusterMeterStore(redis_clients.shared_cluster_client(nodes), prefix)


def cluster_store_for(nodes: tuple[str, ...]) -> ClusterMeterStore:
    """Return the process's shared store on the cluster whose nodes are ``nodes``."""
    prefix = str(getattr(settings, "PAYWALL_REDIS_PREFIX", "masthead:meter:"))
    return _store_for(nodes, prefix)
