"""Pruning raw events: the retention boundary, and never before a rollup."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase, override_settings

from masthead.analytics.figures import Period, totals_table
from masthead.analytics.models import Event
from masthead.analytics.rollup import prune, roll_up

from .helpers import NOON, event

NOW = NOON + dt.timedelta(days=40)
RETENTION = 30
CUTOFF = NOW - dt.timedelta(days=RETENTION)


class PruneTests(TestCase):
    def setUp(self) -> None:
        self.at_cutoff = event("access_check", CUTOFF, visitor="a")
        self.past_cutoff = event("access_check", CUTOFF - dt.timedelta(seconds=1), visitor="b")
        self.recent = event("access_check", NOW - dt.timedelta(days=1), visitor="c")

    def _roll_everything(self) -> None:
        roll_up(NOON.date(), NOW.date())

    def test_it_keeps_an_event_exactly_at_the_retention_boundary(self) -> None:
        self._roll_everything()
        prune(NOW, RETENTION)
        self.assertIs(Event.objects.filter(pk=self.at_cutoff.pk).exists(), True)

    def test_it_deletes_an_event_one_second_older(self) -> None:
        self._roll_everything()
        self.assertEqual(prune(NOW, RETENTION), 1)
        self.assertIs(Event.objects.filter(pk=self.past_cutoff.pk).exists(), False)
        self.assertIs(Event.objects.filter(pk=self.recent.pk).exists(), True)

    def test_it_deletes_nothing_before_any_rollup(self) -> None:
        self.assertEqual(prune(NOW, RETENTION), 0)
        self.assertEqual(Event.objects.count(), 3)

    def test_it_keeps_old_events_of_days_not_rolled_up_yet(self) -> None:
        roll_up(NOON.date(), NOON.date())  # only the first day
        prune(NOW, RETENTION)
        self.assertIs(Event.objects.filter(pk=self.past_cutoff.pk).exists(), True)

    def test_it_keeps_events_of_a_day_rolled_while_under_way(self) -> None:
        roll_up(NOON.date(), NOW.date(), now=CUTOFF)  # the cutoff's day was not over yet
        prune(NOW, RETENTION)
        self.assertIs(Event.objects.filter(pk=self.past_cutoff.pk).exists(), True)

    def test_the_aggregates_outlive_the_events(self) -> None:
        self._roll_everything()
        prune(NOW, RETENTION)
        period = Period(CUTOFF.date() - dt.timedelta(days=1), NOW.date())
        totals = {row[0]: row[1] for row in totals_table(period).rows}
        self.assertEqual(totals["Access check"], 3)

    @override_settings(ANALYTICS_RETENTION_DAYS=RETENTION)
    def test_the_command_uses_the_retention_setting(self) -> None:
        self._roll_everything()
        out = StringIO()
        with time_machine.travel(NOW, tick=False):
            call_command("prune_events", stdout=out)
        self.assertEqual(out.getvalue().strip(), "Deleted 1 events older than 30 days.")
        self.assertEqual(Event.objects.count(), 2)

    def test_the_command_refuses_a_retention_below_one_day(self) -> None:
        with self.assertRaises(CommandError):
            call_command("prune_events", days=0, stdout=StringIO())
