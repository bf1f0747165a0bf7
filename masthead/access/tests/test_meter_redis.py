"""The Redis meter store, against the test Redis server (a fresh key prefix per test)."""

from __future__ import annotations

import uuid

import pytest
from django.test import SimpleTestCase

from masthead.access.meter_redis import RedisMeterStore, redis_client
from masthead.access.meters import MeterStore

from .meter_contract import MeterStoreContract


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
