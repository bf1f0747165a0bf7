"""The SQL meter store (SQLite here; the same tests run on PostgreSQL with -m postgres)."""

from __future__ import annotations

import pytest
from django.test import TestCase

from masthead.access.meter_sql import SqlMeterStore
from masthead.access.meters import MeterStore

from .meter_contract import MeterStoreContract


@pytest.mark.postgres
class SqlMeterStoreTests(MeterStoreContract, TestCase):
    def store(self) -> MeterStore:
        return SqlMeterStore()
