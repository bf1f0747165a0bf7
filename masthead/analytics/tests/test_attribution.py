"""Which article an event came from: URLs of articles, and subscriptions after a checkout."""

from __future__ import annotations

import datetime as dt

from django.test import TestCase

from masthead.analytics import article_id_for
from masthead.analytics.models import Event
from masthead.analytics.store import write_events
from masthead.core.events import EventKind, record
from masthead.newsroom.tests import factories

from .helpers import NOON, event


class ArticleForUrlTests(TestCase):
    def test_it_finds_the_article_of_its_url(self) -> None:
        article = factories.article()
        self.assertEqual(article_id_for(article.get_absolute_url()), article.pk)
        full = "http://testserver" + article.get_absolute_url() + "?gift=x"
        self.assertEqual(article_id_for(full), article.pk)

    def test_it_finds_nothing_elsewhere(self) -> None:
        for url in ("", None, "/", "/subscribe/", "/no/such/page/", "http://[bad"):
            self.assertIsNone(article_id_for(url), url)

    def test_it_finds_nothing_for_an_unknown_slug(self) -> None:
        url = factories.article().get_absolute_url().replace("council-votes", "other")
        self.assertIsNone(article_id_for(url))


class SubscriptionAttributionTests(TestCase):
    def test_it_credits_the_article_of_the_readers_last_checkout(self) -> None:
        event("checkout_started", NOON - dt.timedelta(hours=2), user_id=4, article_id=1)
        event(
            "checkout_started",
            NOON - dt.timedelta(hours=1),
            user_id=4,
            article_id=2,
            section="metro",
        )
        event("checkout_started", NOON - dt.timedelta(minutes=5), user_id=5, article_id=3)
        record(EventKind.SUBSCRIPTION_STARTED, user_id=4, at=NOON)
        started = Event.objects.get(kind="subscription_started")
        self.assertEqual((started.article_id, started.section), (2, "metro"))

    def test_it_credits_nothing_after_a_day(self) -> None:
        event("checkout_started", NOON - dt.timedelta(days=1, seconds=1), user_id=4, article_id=1)
        record(EventKind.SUBSCRIPTION_STARTED, user_id=4, at=NOON)
        self.assertIsNone(Event.objects.get(kind="subscription_started").article_id)

    def test_it_keeps_an_article_the_caller_named(self) -> None:
        event("checkout_started", NOON - dt.timedelta(hours=1), user_id=4, article_id=1)
        record(EventKind.SUBSCRIPTION_STARTED, user_id=4, article_id=9, at=NOON)
        self.assertEqual(Event.objects.get(kind="subscription_started").article_id, 9)

    def test_it_credits_a_checkout_written_in_the_same_batch(self) -> None:
        rows = [
            _row("checkout_started", NOON - dt.timedelta(minutes=3), article_id=7),
            _row("subscription_started", NOON),
        ]
        write_events(rows)
        self.assertEqual(Event.objects.get(kind="subscription_started").article_id, 7)


def _row(kind: str, at: dt.datetime, article_id: int | None = None) -> dict[str, object]:
    return {
        "kind": kind,
        "at": at,
        "article_id": article_id,
        "section": "",
        "user_id": 4,
        "visitor": "",
        "granted": None,
        "reason": "",
        "offer": "",
        "reader_kind": "registered",
        "extra": {},
    }
