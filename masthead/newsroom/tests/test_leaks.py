"""Feeds, sitemaps and search carry nothing from behind the paywall cut.

Gated paragraphs hold unique marker words (``GATEDWORD4`` and up); every public channel
is fetched and searched for them.
"""

from __future__ import annotations

from django.test import TestCase

from masthead.newsroom.models import Block

from . import factories

CHANNELS = (
    "/",
    "/feeds/rss/",
    "/feeds/atom/",
    "/section/metro/",
    "/section/metro/rss/",
    "/section/metro/atom/",
    "/author/ada-reporter/",
    "/sitemap.xml",
    "/news-sitemap.xml",
    "/robots.txt",
    "/search/?q=Paragraph",
)


class LeakTests(TestCase):
    def setUp(self) -> None:
        factories.publication(lead_in_paragraphs=3, ad_every_paragraphs=2)
        self.article = factories.article(paragraphs=8)
        factories.article(
            "with-break",
            kinds=["paragraph", "paywall_break", "paragraph", "paragraph"],
            marker="BREAKWORD",
            headline="A story cut by hand",
        )

    def assert_no_gated_text(self, body: str, where: str) -> None:
        for number in range(4, 9):
            self.assertNotIn(f"GATEDWORD{number}", body, where)
        for number in (2, 3):
            self.assertNotIn(f"BREAKWORD{number}", body, where)

    def test_it_keeps_gated_text_out_of_every_public_channel(self) -> None:
        for path in CHANNELS:
            response = self.client.get(path)
            self.assertEqual(response.status_code, 200, path)
            self.assert_no_gated_text(response.content.decode(), path)

    def test_it_keeps_even_the_lead_in_out_of_feeds(self) -> None:
        for path in ("/feeds/rss/", "/feeds/atom/", "/section/metro/rss/"):
            body = self.client.get(path).content.decode()
            self.assertIn("Council votes to repave Elm Street", body)
            self.assertIn("The vote ends a two-year fight over potholes.", body)
            self.assertNotIn("leadword1", body, path)

    def test_it_finds_words_of_the_lead_in(self) -> None:
        body = self.client.get("/search/?q=leadword2").content.decode()
        self.assertIn("Council votes to repave Elm Street", body)
        self.assertNotIn("leadword2", body.split("</form>")[1].replace("for “leadword2”", ""))

    def test_it_does_not_find_words_from_behind_the_cut(self) -> None:
        for word in ("GATEDWORD5", "leadword6", "BREAKWORD2", "GATEDWORD4 leadword1"):
            body = self.client.get("/search/", {"q": word}).content.decode()
            self.assertIn("0 results", body, word)
            self.assertNotIn("Council votes", body.split("</form>")[1], word)

    def test_it_forgets_lead_in_words_when_the_cut_moves_earlier(self) -> None:
        self.assertIn("1 result", self.client.get("/search/?q=leadword3").content.decode())
        factories.publication(lead_in_paragraphs=2)
        self.assertIn("0 results", self.client.get("/search/?q=leadword3").content.decode())
        self.article.lead_in_paragraphs = 1
        self.article.save()
        self.assertIn("0 results", self.client.get("/search/?q=leadword2").content.decode())

    def test_it_forgets_lead_in_words_when_a_break_is_inserted(self) -> None:
        Block.objects.filter(article=self.article, position=1).update(position=10)
        Block.objects.create(article=self.article, position=1, kind="paywall_break")
        self.assertIn("0 results", self.client.get("/search/?q=leadword3").content.decode())

    def test_it_searches_headlines_and_summaries(self) -> None:
        self.assertIn("1 result", self.client.get("/search/?q=potholes+elm").content.decode())
        self.assertIn("1 result", self.client.get("/search/?q=cut+BY+hand").content.decode())

    def test_it_treats_an_empty_or_huge_query_calmly(self) -> None:
        self.assertEqual(self.client.get("/search/?q=").status_code, 200)
        self.assertEqual(self.client.get("/search/", {"q": "x" * 5000}).status_code, 200)
        self.assertEqual(self.client.get("/search/?q=elm%00street").status_code, 200)
