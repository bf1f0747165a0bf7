"""The event recorder: typed kinds, fan-out to subscribers, no failure reaches the caller."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.test import SimpleTestCase

from masthead.core import events
from masthead.core.events import Event, EventKind

NOON = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)


class RecordTests(SimpleTestCase):
    def setUp(self) -> None:
        # Only this test's subscribers: analytics' own would write to the database.
        patcher = mock.patch.object(events, "_subscribers", ())
        patcher.start()
        self.addCleanup(patcher.stop)
        self.heard: list[Event] = []
        events.subscribe(self.heard.append)

    def test_it_hands_every_subscriber_the_event(self) -> None:
        also: list[Event] = []
        events.subscribe(also.append)
        events.record(EventKind.WALL_SHOWN, article_id=7, offer="registration", at=NOON)
        self.assertEqual(self.heard, also)
        [event] = self.heard
        self.assertIs(event.kind, EventKind.WALL_SHOWN)
        self.assertEqual((event.article_id, event.offer, event.at), (7, "registration", NOON))

    def test_it_refuses_a_kind_that_is_not_an_event_kind(self) -> None:
        with self.assertRaisesMessage(ValueError, "page_view"):
            events.record("page_view", at=NOON)  # type: ignore[arg-type]
        self.assertEqual(self.heard, [])

    def test_it_takes_the_value_of_a_kind(self) -> None:
        events.record("registration", user_id=4)  # type: ignore[arg-type]
        self.assertIs(self.heard[0].kind, EventKind.REGISTRATION)

    def test_a_failing_subscriber_reaches_neither_the_caller_nor_the_others(self) -> None:
        def broken(event: Event) -> None:
            raise RuntimeError("store down")

        later: list[Event] = []
        events.subscribe(broken)
        events.subscribe(later.append)
        with self.assertLogs("masthead.core.events", "WARNING"):
            events.record(EventKind.AD_IMPRESSION, extra={"ad": 1})
        self.assertEqual(len(self.heard), 1)
        self.assertEqual(later[0].extra, {"ad": 1})

    def test_a_subscriber_is_called_once_however_often_it_subscribes(self) -> None:
        events.subscribe(self.heard.append)
        events.record(EventKind.GIFT_OPENED)
        self.assertEqual(len(self.heard), 1)

    def test_an_unsubscribed_subscriber_hears_nothing(self) -> None:
        events.unsubscribe(self.heard.append)
        events.record(EventKind.GIFT_OPENED)
        self.assertEqual(self.heard, [])


class EventKindTests(SimpleTestCase):
    def test_every_kind_has_words(self) -> None:
        for kind in EventKind:
            self.assertTrue(kind.label, kind)

    def test_a_kind_is_its_stored_string(self) -> None:
        self.assertEqual(EventKind.ACCESS_CHECK, "access_check")
        self.assertEqual(f"{EventKind.ACCESS_CHECK}", "access_check")
