"""Related stories after the article, "Subscribers only" marks and the current section."""

from __future__ import annotations

import datetime as dt
import re

from django.test import TestCase

from masthead.newsroom.models import Article

from . import factories


class RelatedStoriesTests(TestCase):
    def setUp(self) -> None:
        factories.publication(lead_in_paragraphs=2, ad_every_paragraphs=0)
        self.story = factories.article("main-story", access_level="subscriber")
        later = factories.WHEN - dt.timedelta(hours=1)
        self.sibling = factories.article(
            "sibling", headline="Library hours grow", published_at=later, access_level="free"
        )
        self.locked = factories.article(
            "locked",
            headline="Budget gap widens",
            published_at=later - dt.timedelta(hours=1),
            access_level="subscriber",
        )
        factories.article("draft-sib", headline="Not yet", status=Article.Status.DRAFT)
        other = factories.section("sports")
        factories.article("elsewhere", headline="Team wins", section=other)

    def _html(self, article: Article) -> str:
        return self.client.get(article.get_absolute_url()).content.decode()

    def test_it_lists_live_stories_of_the_same_section_after_the_story(self) -> None:
        html = self._html(self.story)
        block = html[html.index('class="related-stories"') :]
        self.assertIn("More from Metro", block)
        self.assertIn("Library hours grow", block)
        self.assertIn("Budget gap widens", block)
        self.assertNotIn("Not yet", block)
        self.assertNotIn("Team wins", block)
        self.assertNotIn("Council votes to repave", block)  # not itself
        self.assertLess(html.index("data-masthead-gate "), html.index("related-stories"))
        self.assertLess(html.index("related-stories"), html.index('id="ad-bottom"'))

    def test_it_carries_no_gated_text(self) -> None:
        block = self._html(self.story).split('class="related-stories"')[1]
        self.assertNotIn("GATEDWORD", block)
        self.assertNotIn("Paragraph", block)

    def test_it_marks_subscriber_only_stories(self) -> None:
        block = self._html(self.story).split('class="related-stories"')[1]
        locked = re.search(r"Budget gap widens</a>([^<]*<span[^>]*>[^<]*)", block)
        assert locked is not None
        self.assertIn("Subscribers only", locked.group(1))
        free = re.search(r"Library hours grow</a>\s*<(\w+)", block)
        assert free is not None
        self.assertEqual(free.group(1), "time")


class FrontMarksTests(TestCase):
    def setUp(self) -> None:
        factories.publication()
        factories.article("open-story", headline="Open story", access_level="free")
        factories.article("paid-story", headline="Paid story", access_level="subscriber")
        factories.article("meter-story", headline="Metered story", access_level="metered")

    def _card(self, html: str, headline: str) -> str:
        match = re.search(r'<article class="card[^"]*">(?:(?!</article>).)*' + headline, html, re.S)
        assert match is not None
        end = html.index("</article>", match.end())
        return html[match.start() : end]

    def test_the_home_and_section_fronts_mark_subscriber_only_stories(self) -> None:
        for url in ("/", "/section/metro/"):
            html = self.client.get(url).content.decode()
            self.assertIn("Subscribers only", self._card(html, "Paid story"), url)
            self.assertNotIn("Subscribers only", self._card(html, "Open story"), url)
            self.assertNotIn("Subscribers only", self._card(html, "Metered story"), url)


class CurrentSectionTests(TestCase):
    def setUp(self) -> None:
        factories.publication()
        factories.section("sports")
        self.story = factories.article()

    def test_a_section_front_is_the_current_page(self) -> None:
        html = self.client.get("/section/metro/").content.decode()
        self.assertIn('<a href="/section/metro/" aria-current="page">Metro</a>', html)
        self.assertIn('<a href="/section/sports/">Sports</a>', html)

    def test_an_article_marks_its_section(self) -> None:
        html = self.client.get(self.story.get_absolute_url()).content.decode()
        self.assertIn('<a href="/section/metro/" aria-current="true">Metro</a>', html)

    def test_the_home_page_marks_none(self) -> None:
        self.assertNotIn("aria-current", self.client.get("/").content.decode())
