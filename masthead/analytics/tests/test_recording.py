"""record(): what it stores, what it never stores, and when it stores nothing."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.test import TestCase, override_settings

from masthead.analytics import EventKind
from masthead.analytics.models import Event
from masthead.analytics.visitors import visitor_key
from masthead.core import events
from masthead.core.events import record
from masthead.newsroom.tests import factories

from .helpers import NOON


class RecordTests(TestCase):
    def test_it_stores_what_the_caller_names(self) -> None:
        record(
            EventKind.ACCESS_CHECK,
            article_id=7,
            visitor="raw-cookie-value",
            granted=True,
            reason="metered",
            reader_kind="anonymous",
            section="metro",
            extra={"ad": 3},
            at=NOON,
        )
        stored = Event.objects.get()
        self.assertEqual(stored.kind, "access_check")
        self.assertEqual(stored.at, NOON)
        self.assertEqual((stored.article_id, stored.section), (7, "metro"))
        self.assertIs(stored.granted, True)
        self.assertEqual((stored.reason, stored.reader_kind), ("metered", "anonymous"))
        self.assertEqual(stored.extra, {"ad": 3})

    def test_it_never_stores_the_raw_visitor_id(self) -> None:
        record(EventKind.ACCESS_CHECK, visitor="raw-cookie-value", at=NOON)
        stored = Event.objects.get()
        self.assertNotIn("raw-cookie-value", stored.visitor)
        self.assertEqual(stored.visitor, visitor_key("raw-cookie-value"))

    def test_it_fills_in_the_section_of_the_article(self) -> None:
        article = factories.article(section=factories.section("sports"))
        record(EventKind.CHECKOUT_STARTED, article_id=article.pk, user_id=4, at=NOON)
        self.assertEqual(Event.objects.get().section, "sports")

    def test_it_keeps_a_section_the_caller_gave(self) -> None:
        article = factories.article(section=factories.section("sports"))
        record(EventKind.ACCESS_CHECK, article_id=article.pk, section="metro", at=NOON)
        self.assertEqual(Event.objects.get().section, "metro")

    def test_it_stamps_the_time_when_none_is_given(self) -> None:
        before = dt.datetime.now(dt.UTC)
        record(EventKind.REGISTRATION, user_id=5)
        self.assertGreaterEqual(Event.objects.get().at, before)

    def test_it_refuses_an_unknown_kind_loudly(self) -> None:
        with self.assertRaises(ValueError):
            record("page_view", at=NOON)  # type: ignore[arg-type]
        self.assertIs(Event.objects.exists(), False)

    @override_settings(ANALYTICS_ENABLED=False)
    def test_it_records_nothing_when_disabled(self) -> None:
        record(EventKind.ACCESS_CHECK, visitor="v", at=NOON)
        self.assertIs(Event.objects.exists(), False)

    def test_it_cuts_overlong_values_to_their_columns(self) -> None:
        record(EventKind.WALL_SHOWN, reason="r" * 100, offer="o" * 100, section="s" * 100, at=NOON)
        stored = Event.objects.get()
        self.assertEqual((len(stored.reason), len(stored.offer)), (32, 32))
        self.assertEqual(len(stored.section), 64)


class SubscriptionTests(TestCase):
    """Other apps record through ``masthead.core.events``; this app stores what they say."""

    def test_it_stores_an_event_recorded_through_core(self) -> None:
        events.record(
            events.EventKind.GIFT_CREATED, article_id=3, user_id=8, extra={"gift": 2}, at=NOON
        )
        stored = Event.objects.get()
        self.assertEqual((stored.kind, stored.article_id, stored.user_id), ("gift_created", 3, 8))
        self.assertEqual((stored.extra, stored.at), ({"gift": 2}, NOON))

    def test_it_finds_the_article_of_a_url_the_caller_came_from(self) -> None:
        article = factories.article(section=factories.section("sports"))
        events.record(
            events.EventKind.REGISTRATION, user_id=4, article_url=article.get_absolute_url()
        )
        stored = Event.objects.get()
        self.assertEqual((stored.article_id, stored.section), (article.pk, "sports"))

    def test_a_store_failure_never_reaches_the_caller(self) -> None:
        with self.settings(ANALYTICS_ENABLED=True), self.assertLogs(level="WARNING"):
            with mock.patch(
                "masthead.analytics.recording.visitor_key", side_effect=RuntimeError("boom")
            ):
                events.record(events.EventKind.ACCESS_CHECK, visitor="v", at=NOON)
        self.assertIs(Event.objects.exists(), False)
