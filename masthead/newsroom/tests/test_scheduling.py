"""Scheduled publishing needs no cron: an article is live from its time on."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import TestCase

from masthead.newsroom.models import Article

from . import factories

SECOND = dt.timedelta(seconds=1)


class SchedulingTests(TestCase):
    def setUp(self) -> None:
        factories.publication(ad_every_paragraphs=0)
        self.article = factories.article(status=Article.Status.SCHEDULED)

    def test_it_is_not_live_a_second_early(self) -> None:
        self.assertIs(self.article.is_live(factories.WHEN - SECOND), False)
        self.assertFalse(Article.objects.live(factories.WHEN - SECOND).exists())

    def test_it_is_live_exactly_at_its_time(self) -> None:
        self.assertIs(self.article.is_live(factories.WHEN), True)
        self.assertTrue(Article.objects.live(factories.WHEN).exists())

    def test_it_appears_on_fronts_feeds_and_sitemaps_only_once_due(self) -> None:
        paths = ("/", "/feeds/rss/", "/sitemap.xml", "/section/metro/")
        with time_machine.travel(factories.WHEN - SECOND, tick=False):
            for path in paths:
                self.assertNotIn("Council votes", self.client.get(path).content.decode(), path)
        with time_machine.travel(factories.WHEN + SECOND, tick=False):
            for path in paths[:2]:
                self.assertIn("Council votes", self.client.get(path).content.decode(), path)
            self.assertIn(
                "/2025/02/18/council-votes/", self.client.get("/sitemap.xml").content.decode()
            )

    def test_it_never_shows_drafts_even_when_dated(self) -> None:
        factories.article("a-draft", status=Article.Status.DRAFT, headline="Draft headline")
        with time_machine.travel(factories.WHEN + SECOND, tick=False):
            self.assertNotIn("Draft headline", self.client.get("/").content.decode())
        self.assertIs(Article.objects.get(slug="a-draft").is_live(factories.WHEN), False)

    def test_it_never_shows_an_article_without_a_time(self) -> None:
        undated = factories.article("undated", published_at=None)
        self.assertIs(undated.is_live(factories.WHEN), False)


class LivenessRuleTests(TestCase):
    """The queryset, the model and the access check's content source agree on liveness."""

    def test_it_gives_one_answer_in_sql_python_and_the_content_source(self) -> None:
        from masthead.newsroom import paywall

        factories.publication(ad_every_paragraphs=0)
        cases = [
            (status, when)
            for status in Article.Status.values
            for when in (None, factories.WHEN - SECOND, factories.WHEN, factories.WHEN + SECOND)
        ]
        for n, (status, when) in enumerate(cases):
            story = factories.article(f"story-{n}", status=status, published_at=when)
            in_sql = Article.objects.live(factories.WHEN).filter(pk=story.pk).exists()
            in_python = story.is_live(factories.WHEN)
            in_source = paywall.article_facts(story.pk, factories.WHEN) is not None
            self.assertIs(in_sql, in_python, (status, when))
            self.assertIs(in_source, in_python, (status, when))
