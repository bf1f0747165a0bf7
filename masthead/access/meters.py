"""The meter: distinct metered articles per reader per window, behind one interface.

Three stores implement ``MeterStore``: ``SqlMeterStore`` (SQLite, PostgreSQL),
``RedisMeterStore`` (one Lua script) and ``ClusterMeterStore`` (a Redis Cluster: the
reader's slot, then the network's). ``PAYWALL_METER_STORE`` picks SQL or Redis; Redis is
the cluster when ``MASTHEAD_REDIS_CLUSTER_NODES`` is set. A store that
cannot be reached answers ``UNAVAILABLE_METER`` through ``count_read``; the policy's
fail mode decides what that means.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.db import DatabaseError, OperationalError
from redis.exceptions import RedisError

from masthead.access.policy import UNAVAILABLE_METER, MeterState, Policy, window_start
from masthead.core.timezones import time_zone_or

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MeterRequest:
    """One attempt to count ``article_id`` for ``reader`` (``u:<id>`` or ``v:<visitor>``).

    ``network`` is the client network for the network allowance, or None when it does
    not apply (registered readers, or the allowance switched off).
    """

    reader: str
    article_id: int
    allowance: int
    since: dt.datetime
    now: dt.datetime
    network: str | None = None
    network_allowance: int = 0


@dataclass(frozen=True)
class CountedRead:
    """One article on a reader's meter and when it was (last) counted."""

    article_id: int
    read_at: dt.datetime


class MeterStore(Protocol):
    """Where the meter keeps its counts."""

    def consume(self, request: MeterRequest) -> MeterState:
        """Count the article unless already counted in the window; return the state after.

        Atomic per reader: concurrent calls never count past ``request.allowance``.
        """
        ...

    def peek(self, reader: str, allowance: int, since: dt.datetime) -> MeterState:
        """Return the reader's state without counting anything (``is_counted`` False)."""
        ...

    def erase_reader(self, user_id: int) -> int:
        """Forget every read counted for account ``user_id``; return how many were kept.

        For a deleted account: nothing of its meter history may stay behind. Other
        readers' counts are untouched.
        """
        ...

    def reading_history(self, user_id: int) -> list[CountedRead]:
        """Return the reads kept for account ``user_id``, oldest first (for its data export)."""
        ...


def account_key(user_id: int) -> str:
    """Return the meter key of account ``user_id``."""
    return f"u:{user_id}"


def reader_key(user_id: int | None, visitor_id: str | None) -> str:
    """Return the meter key of an account, else of a visitor; "" when there is neither."""
    if user_id is not None:
        return account_key(user_id)
    return f"v:{visitor_id}" if visitor_id else ""


REGISTERED_NETWORK_PREFIX = "reg:"


def network_key(network: str, *, registered: bool) -> str:
    """Return the network's counter name for readers metered by account or as visitors.

    The two kinds count apart, each against its own allowance; the anonymous name is the
    network itself, as it always was, so counts survive the change.
    """
    return f"{REGISTERED_NETWORK_PREFIX}{network}" if registered else network


def is_lock_contention(exc: BaseException) -> bool:
    """Return True when ``exc`` says another writer holds the lock, not that the store is down.

    SQLite answers "database is locked" (or "... table is locked") when its busy wait
    ran out while another connection was writing: the store is there and busy.
    """
    if not isinstance(exc, OperationalError):
        return False
    text = str(exc).lower()
    return "database is locked" in text or "database table is locked" in text


def meter_wait_settings() -> tuple[float, float]:
    """Return (lock wait per attempt, budget for all attempts) in seconds."""
    wait = float(getattr(settings, "PAYWALL_METER_LOCK_WAIT_SECONDS", 2.0))
    budget = float(getattr(settings, "PAYWALL_METER_LOCK_BUDGET_SECONDS", 10.0))
    return wait, budget


def meter_window_start(now: dt.datetime, policy: Policy) -> dt.datetime:
    """Return the start of the policy's meter window containing ``now``."""
    return window_start(now, policy.window, time_zone_or(policy.time_zone, dt.UTC))


def count_read(store: MeterStore, request: MeterRequest) -> MeterState:
    """Return ``store.consume(request)``, or ``UNAVAILABLE_METER`` when the store is down.

    Only connection-level failures (database, Redis, sockets) become "unavailable"; any
    other exception is a bug and propagates, so the caller fails closed.

    Lock contention is not a store that is down: in the default fail mode that would
    grant uncounted reads to exactly the crowd that makes the contention. The count is
    tried again until ``PAYWALL_METER_LOCK_BUDGET_SECONDS`` is spent; then the lock
    error propagates (the site answers 503, "try again"), and nothing is granted.
    """
    _wait, budget = meter_wait_settings()
    deadline = time.monotonic() + budget
    attempt = 0
    while True:
        attempt += 1
        try:
            return store.consume(request)
        except (DatabaseError, RedisError, OSError) as exc:
            if not is_lock_contention(exc):
                logger.warning(
                    "meter_unavailable store=%s error=%s",
                    type(store).__name__,
                    type(exc).__name__,
                )
                return UNAVAILABLE_METER
            # A short, growing, jittered pause, so the waiting checks do not all come
            # back at the same instant and collide again.
            pause = random.uniform(0.002, min(0.01 * attempt, 0.2))
            if time.monotonic() + pause >= deadline:
                logger.warning("meter_busy attempts=%s budget=%.1fs", attempt, budget)
                raise
            logger.info("meter_lock_retry attempt=%s", attempt)
            time.sleep(pause)


def peek_meter(store: MeterStore, reader: str, allowance: int, since: dt.datetime) -> MeterState:
    """Return ``store.peek(...)``, or ``UNAVAILABLE_METER`` when the store is down."""
    try:
        return store.peek(reader, allowance, since)
    except (DatabaseError, RedisError, OSError) as exc:
        logger.warning(
            "meter_unavailable store=%s error=%s", type(store).__name__, type(exc).__name__
        )
        return UNAVAILABLE_METER


def configured_store() -> MeterStore:
    """Return the store ``PAYWALL_METER_STORE`` names (``sql`` or ``redis``).

    ``redis`` is the Redis Cluster when ``REDIS_CLUSTER_NODES`` names one.
    """
    if settings.PAYWALL_METER_STORE == "redis":
        if getattr(settings, "REDIS_CLUSTER_NODES", None):
            from masthead.access.meter_cluster import cluster_store_for

            return cluster_store_for(tuple(settings.REDIS_CLUSTER_NODES))
        from masthead.access.meter_redis import redis_store_for

        return redis_store_for(settings.PAYWALL_REDIS_URL or settings.REDIS_URL)
    from masthead.access.meter_sql import SqlMeterStore

    return SqlMeterStore()


def erase_account(user_id: int) -> int:
    """Erase account ``user_id`` from every meter store it may have been counted in.

    The SQL store always (its rows outlive a switch to Redis), and Redis when it is the
    configured store. Redis being unreachable does not stop an account's deletion: the
    failure is logged, and its keys expire on their own within ``READS_TTL_SECONDS``
    (32 days) of the last count. Returns the reads erased.
    """
    from masthead.access.meter_sql import SqlMeterStore

    erased = SqlMeterStore().erase_reader(user_id)
    if settings.PAYWALL_METER_STORE == "redis":
        try:
            erased += configured_store().erase_reader(user_id)
        except (RedisError, OSError) as exc:
            logger.warning("meter_erase_failed store=redis error=%s", type(exc).__name__)
    return erased


def account_history(user_id: int) -> list[CountedRead]:
    """Return the reads the configured store keeps for account ``user_id``, oldest first."""
    return configured_store().reading_history(user_id)
