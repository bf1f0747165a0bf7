"""The one serializer: public fields for everyone, the body only where the decision grants."""

from __future__ import annotations

import datetime as dt

from django.test import TestCase, override_settings

from masthead.access import CrawlerVerdict, Policy, Reason
from masthead.newsroom.models import Article
from masthead.newsroom.syndication import (
    FAIL_CLOSED_POLICY,
    SyndicatedPages,
    current_policy,
    syndicate,
    syndicate_all,
)

from . import factories

NOW = factories.WHEN + dt.timedelta(days=1)
GOOGLE = CrawlerVerdict(is_verified=True, engine="google")


def explode() -> Policy:
    raise RuntimeError("the policy store is down")


class SyndicateTests(TestCase):
    def setUp(self) -> None:
        factories.publication(lead_in_paragraphs=3, ad_every_paragraphs=2)
        self.metered = factories.article("metered-story", paragraphs=6)
        self.free = factories.article("free-story", paragraphs=6, access_level="free")
        # The stored lead-in text is written by a signal after the blocks are saved.
        self.metered.refresh_from_db()

    def test_it_carries_the_public_fields(self) -> None:
        card = syndicate(self.metered, now=NOW, policy=Policy())
        self.assertEqual(card.url, "/2025/02/18/metered-story/")
        self.assertEqual(card.headline, self.metered.headline)
        self.assertEqual(card.teaser, self.metered.summary)
        self.assertEqual(card.author_names, "Ada Reporter")
        self.assertEqual(card.section_name, "Metro")
        self.assertIs(card.is_accessible_for_free, False)
        self.assertIn("leadword3", card.lead_in_text)
        self.assertNotIn("GATEDWORD4", card.lead_in_text)

    def test_it_withholds_the_body_of_a_metered_article_from_an_anonymous_reader(self) -> None:
        card = syndicate(self.metered, now=NOW, policy=Policy(), with_body=True)
        self.assertIs(card.decision.granted, False)
        self.assertIsNone(card.body_html)

    def test_it_gives_the_whole_body_of_a_free_article_when_asked(self) -> None:
        card = syndicate(self.free, now=NOW, policy=Policy(), with_body=True)
        self.assertIs(card.decision.granted, True)
        self.assertIs(card.is_accessible_for_free, True)
        assert card.body_html is not None
        self.assertIn("GATEDWORD1", card.body_html)
        self.assertIn("GATEDWORD6", card.body_html)
        self.assertNotIn("ad-after-paragraph", card.body_html)

    def test_it_gives_no_body_unless_asked(self) -> None:
        self.assertIsNone(syndicate(self.free, now=NOW, policy=Policy()).body_html)

    def test_it_follows_the_crawler_policy(self) -> None:
        full = syndicate(self.metered, now=NOW, policy=Policy(), crawler=GOOGLE, with_body=True)
        self.assertEqual(full.decision.reason, Reason.CRAWLER)
        self.assertIsNotNone(full.body_html)
        preview = Policy(crawler_full_text=False)
        shut = syndicate(self.metered, now=NOW, policy=preview, crawler=GOOGLE, with_body=True)
        self.assertIs(shut.decision.granted, False)
        self.assertIsNone(shut.body_html)

    def test_it_refuses_an_unverified_crawler_verdict(self) -> None:
        claimed = CrawlerVerdict(is_verified=False, engine="google")
        card = syndicate(self.metered, now=NOW, policy=Policy(), crawler=claimed, with_body=True)
        self.assertIsNone(card.body_html)

    def test_it_refuses_an_article_that_is_not_live(self) -> None:
        self.free.status = Article.Status.DRAFT
        card = syndicate(self.free, now=NOW, policy=Policy(), with_body=True)
        self.assertEqual(card.decision.reason, Reason.ERROR)
        self.assertIsNone(card.body_html)

    def test_it_cuts_a_teaser_from_the_lead_in_without_a_summary(self) -> None:
        story = Article.objects.get(pk=factories.article("no-dek", summary="", paragraphs=6).pk)
        teaser = syndicate(story, now=NOW, policy=Policy()).teaser
        self.assertTrue(teaser.startswith("Paragraph 1 leadword1"))
        self.assertNotIn("GATEDWORD4", teaser)

    @override_settings(PAYWALL_POLICY_LOADER="masthead.newsroom.tests.test_syndication.explode")
    def test_it_fails_closed_when_the_policy_cannot_be_loaded(self) -> None:
        with self.assertLogs("masthead.newsroom.syndication", "ERROR"):
            self.assertEqual(current_policy(), FAIL_CLOSED_POLICY)
        with self.assertLogs("masthead.newsroom.syndication", "ERROR"):
            card = syndicate(self.metered, now=NOW, crawler=GOOGLE, with_body=True)
        self.assertIsNone(card.body_html)

    def test_it_serializes_a_page_at_a_time(self) -> None:
        pages = SyndicatedPages(Article.objects.order_by("slug"), now=NOW)
        self.assertEqual(len(pages), 2)
        self.assertEqual([c.headline for c in pages[0:1]], [self.free.headline])
        self.assertEqual(pages[1].url, "/2025/02/18/metered-story/")

    def test_it_serializes_many_with_one_policy(self) -> None:
        cards = syndicate_all(Article.objects.order_by("slug"), now=NOW, with_body=True)
        self.assertEqual([c.body_html is not None for c in cards], [True, False])
