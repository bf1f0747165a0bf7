"""The in-process buffer and its flusher: bounded, batched, never raising."""

from __future__ import annotations

import time
from collections.abc import Sequence

import pytest
from django.db import DatabaseError
from django.test import TestCase, override_settings

from masthead.analytics import flush
from masthead.analytics.buffer import EventBuffer, Row
from masthead.analytics.models import Event
from masthead.analytics.recording import BUFFER
from masthead.analytics.store import write_events
from masthead.core.events import EventKind, record

from .helpers import NOON

# The global flusher thread, once started here, sleeps this long: these tests flush by hand
# and must not race it.
QUIET = 3600


def _row(number: int) -> Row:
    return {
        "kind": "access_check",
        "at": NOON,
        "article_id": number,
        "section": "",
        "user_id": None,
        "visitor": "",
        "granted": True,
        "reason": "free",
        "offer": "",
        "reader_kind": "anonymous",
        "extra": {},
    }


def _failing_store(rows: Sequence[Row]) -> None:
    raise DatabaseError("database is locked")


def _slow_interval() -> float:
    return 3600.0  # the flusher thread sleeps; these tests flush by hand


class BufferTests(TestCase):
    def test_it_writes_a_batch_on_flush(self) -> None:
        buffer = EventBuffer(write_events, _slow_interval)
        for number in range(3):
            buffer.add(_row(number), capacity=10, batch_size=100)
        self.assertIs(Event.objects.exists(), False)
        self.assertEqual(buffer.flush(), 3)
        self.assertEqual(sorted(Event.objects.values_list("article_id", flat=True)), [0, 1, 2])
        self.assertEqual(buffer.stats.written, 3)

    def test_it_drops_the_oldest_when_full_and_counts_it(self) -> None:
        buffer = EventBuffer(write_events, _slow_interval)
        for number in range(5):
            buffer.add(_row(number), capacity=3, batch_size=100)
        self.assertEqual(buffer.stats.dropped, 2)
        buffer.flush()
        self.assertEqual(sorted(Event.objects.values_list("article_id", flat=True)), [2, 3, 4])

    def test_it_logs_and_drops_a_batch_the_store_refuses(self) -> None:
        buffer = EventBuffer(_failing_store, _slow_interval)
        buffer.add(_row(1), capacity=10, batch_size=100)
        buffer.add(_row(2), capacity=10, batch_size=100)
        with self.assertLogs("masthead.analytics.buffer", "WARNING") as logs:
            self.assertEqual(buffer.flush(), 2)
        self.assertIn("dropped 2 events", logs.output[0])
        self.assertEqual(buffer.stats.failed, 2)
        self.assertEqual(buffer.pending(), 0)

    def test_it_flushes_nothing_when_empty(self) -> None:
        self.assertEqual(EventBuffer(write_events, _slow_interval).flush(), 0)

    @override_settings(ANALYTICS_SYNC=False, ANALYTICS_FLUSH_SECONDS=QUIET)
    def test_it_holds_records_until_flushed_when_not_synchronous(self) -> None:
        BUFFER.flush()
        record(EventKind.REGISTRATION, user_id=9, at=NOON)
        self.assertIs(Event.objects.exists(), False)
        self.assertEqual(flush(), 1)
        self.assertIs(Event.objects.filter(user_id=9).exists(), True)


@pytest.mark.django_db(transaction=True)
def test_it_writes_from_the_background_thread_once_a_batch_is_full() -> None:
    buffer = EventBuffer(write_events, lambda: 0.05)
    for number in range(4):
        buffer.add(_row(number), capacity=100, batch_size=4)
    deadline = time.monotonic() + 5
    while Event.objects.count() < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert Event.objects.count() == 4
    assert buffer.pending() == 0


@pytest.mark.django_db(transaction=True)
def test_it_keeps_flushing_after_the_store_failed() -> None:
    calls: list[int] = []

    def flaky(rows: Sequence[Row]) -> None:
        calls.append(len(rows))
        if len(calls) == 1:
            raise DatabaseError("disk I/O error")
        write_events(rows)

    buffer = EventBuffer(flaky, lambda: 0.05)
    buffer.add(_row(1), capacity=100, batch_size=1)
    deadline = time.monotonic() + 5
    while buffer.stats.failed < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    buffer.add(_row(2), capacity=100, batch_size=1)
    while Event.objects.count() < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert buffer.stats.failed == 1
    assert list(Event.objects.values_list("article_id", flat=True)) == [2]


@pytest.mark.django_db(transaction=True)
def test_it_starts_a_new_flusher_when_the_old_one_died() -> None:
    intervals = iter([ValueError("no such setting")])

    def interval() -> float:
        # The first read fails (the flusher falls back to its default), then it dies.
        failure = next(intervals, None)
        if failure is not None:
            raise failure
        raise SystemExit

    buffer = EventBuffer(write_events, interval)
    buffer.add(_row(1), capacity=100, batch_size=1)
    deadline = time.monotonic() + 10
    while Event.objects.count() < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert Event.objects.count() == 1
    # Wait for the death before swapping the interval: swapped earlier, a flusher still
    # asleep on its fallback would read the new interval and live on.
    while buffer._is_flusher_running() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert buffer._is_flusher_running() is False
    buffer._interval = lambda: 0.05
    buffer.add(_row(2), capacity=100, batch_size=1)
    while Event.objects.count() < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert Event.objects.count() == 2
