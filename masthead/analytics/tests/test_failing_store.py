"""A failing event store fails no page and no access check.

The store fails for real: the events table is dropped inside the test's transaction (the
drop is rolled back with it), so every insert raises a genuine database error.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.test import TestCase, override_settings

from masthead.access.tests.helpers import check, make_article
from masthead.analytics import flush
from masthead.analytics.recording import BUFFER
from masthead.core.events import EventKind, record

from .helpers import NOON

# The global flusher thread, once started here, sleeps this long: these tests flush by hand
# and must not race it.
QUIET = 3600


def _drop_the_events_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE analytics_event")


@override_settings(PAYWALL_ANONYMOUS_ALLOWANCE=3, PAYWALL_REGISTERED_ALLOWANCE=10)
class FailingStoreTests(TestCase):
    def setUp(self) -> None:
        cache.clear()  # the check's rate limit lives in the cache
        BUFFER.flush()

    def test_record_swallows_a_database_error(self) -> None:
        _drop_the_events_table()
        with self.assertLogs("masthead.analytics.recording", "WARNING"):
            record(EventKind.ACCESS_CHECK, visitor="v", at=NOON)

    def test_the_access_check_answers_while_the_store_fails(self) -> None:
        article = make_article("metered")
        _drop_the_events_table()
        response = check(self.client, article.pk)
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertIs(data["granted"], True)
        self.assertIn(article.gated_marker, data["html"])

    def test_the_wall_still_shows_while_the_store_fails(self) -> None:
        _drop_the_events_table()
        for _ in range(3):
            check(self.client, make_article().pk)
        data = check(self.client, make_article().pk).json()
        self.assertIs(data["granted"], False)
        self.assertEqual(data["offer"]["kind"], "registration")

    def test_the_article_page_renders_while_the_store_fails(self) -> None:
        article = make_article("metered")
        _drop_the_events_table()
        self.assertEqual(self.client.get(article.get_absolute_url()).status_code, 200)

    @override_settings(ANALYTICS_SYNC=False, ANALYTICS_FLUSH_SECONDS=QUIET)
    def test_a_failing_flush_drops_the_batch_and_raises_nothing(self) -> None:
        article = make_article("metered")
        self.assertEqual(check(self.client, article.pk).status_code, 200)
        _drop_the_events_table()
        failed = BUFFER.stats.failed
        self.assertEqual(flush(), 1)
        self.assertEqual(BUFFER.stats.failed, failed + 1)

    @override_settings(ANALYTICS_SYNC=False, ANALYTICS_BUFFER_SIZE=2, ANALYTICS_FLUSH_SECONDS=QUIET)
    def test_a_full_buffer_drops_the_oldest_and_the_checks_go_on(self) -> None:
        dropped = BUFFER.stats.dropped
        for _ in range(4):
            self.assertEqual(check(self.client, make_article("free").pk).status_code, 200)
        self.assertEqual(BUFFER.pending(), 2)
        self.assertEqual(BUFFER.stats.dropped, dropped + 2)
        BUFFER.flush()
