"""``manage.py prune_meter`` drops reads no window can count, and keeps the rest."""

from __future__ import annotations

import datetime as dt
import io

import time_machine
from django.core.management import call_command
from django.test import TestCase

from masthead.access.meter_sql import SqlMeterStore
from masthead.access.models import MeterRead, NetworkDay

from .meter_contract import ask

NOW = dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC)


class PruneMeterTests(TestCase):
    def test_it_deletes_reads_older_than_62_days_only(self) -> None:
        store = SqlMeterStore()
        old, kept = NOW - dt.timedelta(days=62, seconds=1), NOW - dt.timedelta(days=61)
        store.consume(ask("u:1", 1, now=old, since=old))
        older = old - dt.timedelta(days=1)
        store.consume(
            ask(
                "v:" + "a" * 16,
                3,
                now=older,
                since=older,
                network="10.0.0.0/24",
                network_allowance=9,
            )
        )
        store.consume(ask("u:1", 2, now=kept, since=old))
        out = io.StringIO()
        with time_machine.travel(NOW, tick=False):
            call_command("prune_meter", stdout=out)
        self.assertEqual(list(MeterRead.objects.values_list("article_id", flat=True)), [2])
        self.assertEqual(NetworkDay.objects.count(), 0)
        self.assertIn("Deleted 2", out.getvalue())
