"""The Redis meter store, against the test Redis server (a fresh key prefix per test)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import SimpleTestCase

from masthead.access.meter_redis import (
    RedisMeterStore,
    legacy_reads_key,
    millis,
    reads_key,
    redis_client,
)
from masthead.access.meters import MeterRequest, MeterStore

from .meter_contract import MeterStoreContract

NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
SINCE = NOW - dt.timedelta(days=30)


@pytest.mark.redis
class RedisMeterStoreTests(MeterStoreContract, SimpleTestCase):
    @pytest.fixture(autouse=True)
    def _redis(self, redis_url: str) -> None:
        self.redis_url = redis_url

    def store(self) -> MeterStore:
        client = redis_client(self.redis_url)
        prefix = f"test:{uuid.uuid4().hex}:"
        self.addCleanup(lambda: [client.delete(k) for k in client.scan_iter(f"{prefix}*")])
        return RedisMeterStore(client, prefix)


@pytest.mark.redis
class LegacyKeyTests(SimpleTestCase):
    """Reads counted under the key from before the hash tags (an upgraded site)."""

    @pytest.fixture(autouse=True)
    def _redis(self, redis_url: str) -> None:
        self.redis = redis_client(redis_url)
        self.prefix = f"test:{uuid.uuid4().hex}:"
        self.meter = RedisMeterStore(self.redis, self.prefix)
        self.addCleanup(
            lambda: [self.redis.delete(k) for k in self.redis.scan_iter(f"{self.prefix}*")]
        )

    def _legacy(self, reader: str, *articles: int, ttl: int = 3600) -> str:
        key = legacy_reads_key(self.prefix, reader)
        self.redis.zadd(key, {str(a): millis(NOW - dt.timedelta(hours=1)) for a in articles})
        self.redis.expire(key, ttl)
        return key

    def test_the_first_count_carries_the_legacy_reads_over(self) -> None:
        legacy = self._legacy("v:old", 1, 2)
        state = self.meter.consume(MeterRequest("v:old", 3, 3, SINCE, NOW))
        self.assertEqual((state.used, state.is_counted), (3, True))
        self.assertEqual(self.redis.exists(legacy), 0)
        self.assertEqual(self.redis.zcard(reads_key(self.prefix, "v:old")), 3)
        # The allowance is spent: the upgrade gave this reader no fresh meter.
        refused = self.meter.consume(MeterRequest("v:old", 4, 3, SINCE, NOW))
        self.assertEqual((refused.used, refused.is_counted), (3, False))
        again = self.meter.consume(MeterRequest("v:old", 1, 3, SINCE, NOW))
        self.assertEqual((again.used, again.is_counted), (3, True))

    def test_a_legacy_read_outside_the_window_is_dropped_as_any_other(self) -> None:
        self._legacy("v:old", 1)
        later = NOW + dt.timedelta(days=40)
        state = self.meter.consume(
            MeterRequest("v:old", 2, 3, later - dt.timedelta(days=30), later)
        )
        self.assertEqual((state.used, state.is_counted), (1, True))

    def test_the_new_key_wins_once_it_exists(self) -> None:
        self.meter.consume(MeterRequest("v:both", 9, 3, SINCE, NOW))
        legacy = self._legacy("v:both", 1, 2)  # written by an old process after the upgrade
        state = self.meter.consume(MeterRequest("v:both", 10, 3, SINCE, NOW))
        self.assertEqual(state.used, 2)
        self.assertEqual(self.redis.exists(legacy), 1)  # left to its TTL

    def test_peek_history_and_erasure_see_legacy_reads(self) -> None:
        self._legacy("u:7", 1, 2)
        self.assertEqual(self.meter.peek("u:7", 3, SINCE).used, 2)
        self.assertEqual([r.article_id for r in self.meter.reading_history(7)], [1, 2])
        self.assertEqual(self.meter.erase_reader(7), 2)
        self.assertEqual(self.meter.peek("u:7", 3, SINCE).used, 0)
