"""The access check's content cache: fewer queries, never stale after an edit."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.core.cache import cache
from django.db import connection, transaction
from django.test import TestCase, TransactionTestCase
from django.test.utils import CaptureQueriesContext

from masthead.newsroom import paywall, paywall_cache
from masthead.newsroom.models import Article, Block

from .factories import WHEN, article

NOW = WHEN + dt.timedelta(days=1)


class PaywallCacheTests(TestCase):
    def setUp(self) -> None:
        cache.clear()
        self.story = article("cached-story", access_level="subscriber")

    def test_it_answers_a_repeated_check_without_the_database(self) -> None:
        first = paywall.gated_html(self.story.pk, ad_free=True)
        with CaptureQueriesContext(connection) as queries:
            again = paywall.gated_html(self.story.pk, ad_free=True)
            facts = paywall.article_facts(self.story.pk, NOW)
        self.assertEqual(again, first)
        self.assertIn("GATEDWORD6", again)
        self.assertIsNotNone(facts)
        self.assertEqual(len(queries.captured_queries), 0)

    def test_it_forgets_an_unpublished_article_at_once(self) -> None:
        self.assertIsNotNone(paywall.article_facts(self.story.pk, NOW))
        self.story.status = Article.Status.DRAFT
        self.story.save()
        self.assertIsNone(paywall.article_facts(self.story.pk, NOW))
        self.assertEqual(paywall.gated_html(self.story.pk, ad_free=True), "")

    def test_it_shows_an_edited_block_at_once(self) -> None:
        paywall.gated_html(self.story.pk, ad_free=True)
        block = Block.objects.filter(article=self.story, kind="paragraph").last()
        assert block is not None
        block.text = "A corrected sentence NEWMARKER."
        block.save()
        self.assertIn("NEWMARKER", paywall.gated_html(self.story.pk, ad_free=True))

    def test_it_opens_a_scheduled_article_at_its_time_from_a_cached_row(self) -> None:
        later = article("scheduled-story", status=Article.Status.SCHEDULED, published_at=NOW)
        self.assertIsNone(paywall.article_facts(later.pk, NOW - dt.timedelta(seconds=1)))
        self.assertIsNotNone(paywall.article_facts(later.pk, NOW))

    def test_it_reads_the_database_when_the_cache_fails(self) -> None:
        with mock.patch.object(cache, "get_many", side_effect=ConnectionError("cache down")):
            self.assertIn("GATEDWORD6", paywall.gated_html(self.story.pk, ad_free=True))
            self.assertIsNotNone(paywall.article_facts(self.story.pk, NOW))

    def test_it_remembers_a_missing_article_as_missing(self) -> None:
        self.assertIsNone(paywall.article_facts(999_999, NOW))
        with CaptureQueriesContext(connection) as queries:
            self.assertIsNone(paywall.article_facts(999_999, NOW))
        self.assertEqual(len(queries.captured_queries), 0)


class PublicationPerRequestTests(TestCase):
    def test_it_reads_the_publication_once_for_an_article_page(self) -> None:
        url = article("one-read-story").get_absolute_url()
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        reads = [q for q in queries.captured_queries if "newsroom_publication" in q["sql"]]
        self.assertEqual(len(reads), 1)

    def test_it_reads_the_saved_row_after_a_save_in_the_same_request(self) -> None:
        from masthead.newsroom.models import Publication, _request_memo

        token = _request_memo.set({})
        try:
            first = Publication.current()
            Publication.objects.filter(pk=first.pk).update(name="Renamed Daily")
            self.assertEqual(Publication.current().name, first.name)  # memoised
            first.save()
            self.assertEqual(Publication.current().name, first.name)
        finally:
            _request_memo.reset(token)


class CommitRaceTests(TransactionTestCase):
    def test_it_forgets_what_a_check_cached_between_a_save_and_its_commit(self) -> None:
        cache.clear()
        story = article("race-story", access_level="metered")
        section = story.section.slug if story.section else ""
        with transaction.atomic():
            story.access_level = "subscriber"
            story.save()
            # Meanwhile a check on another connection reads the committed row and caches
            # it under the generation this save has just started.
            generation = cache.get(paywall_cache._GENERATION_KEY)
            stale = (story.status, story.published_at, "metered", section)
            cache.set(f"newsroom:paywall:facts:{story.pk}", (generation, stale), 60)
        facts = paywall.article_facts(story.pk, NOW)
        self.assertIsNotNone(facts)
        self.assertEqual(facts.level if facts else "", "subscriber")
