"""The oEmbed endpoint answers with a card for this site's live articles only."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

from django.test import TestCase

from masthead.newsroom.models import Article

from . import factories


class OEmbedTests(TestCase):
    def setUp(self) -> None:
        factories.publication(lead_in_paragraphs=3)
        self.article = factories.full_article(access_level="subscriber")
        self.url = "http://testserver" + self.article.get_absolute_url()

    def ask(self, **params: str):
        return self.client.get("/oembed/?" + urlencode(params))

    def test_it_returns_a_rich_card_for_an_article(self) -> None:
        response = self.ask(url=self.url, format="json")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertTrue(response["Cache-Control"].startswith("public"))
        card = json.loads(response.content)
        self.assertEqual(card["version"], "1.0")
        self.assertEqual(card["type"], "rich")
        self.assertEqual(card["title"], self.article.headline)
        self.assertEqual(card["provider_name"], "The Masthead Gazette")
        self.assertEqual(card["author_name"], "Ada Reporter")
        self.assertEqual(card["width"], 550)
        self.assertIn(self.article.summary, card["html"])
        self.assertIn(f'href="{self.url}"', card["html"])
        self.assertTrue(card["thumbnail_url"].startswith("http://testserver/media/"))

    def test_it_carries_no_body_text(self) -> None:
        card = self.ask(url=self.url).content.decode()
        for number in range(1, 9):
            self.assertNotIn(f"GATEDWORD{number}", card)

    def test_it_narrows_the_card_to_maxwidth(self) -> None:
        card = json.loads(self.ask(url=self.url, maxwidth="320").content)
        self.assertEqual(card["width"], 320)
        self.assertIn("max-width:320px", card["html"])

    def test_it_refuses_a_bad_maxwidth(self) -> None:
        response = self.ask(url=self.url, maxwidth="wide")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(json.loads(response.content), {"error": "maxwidth must be a whole number"})

    def test_it_offers_json_only(self) -> None:
        self.assertEqual(self.ask(url=self.url, format="xml").status_code, 501)

    def test_it_requires_a_url(self) -> None:
        self.assertEqual(self.ask().status_code, 400)

    def test_it_refuses_urls_that_are_not_live_articles_of_this_site(self) -> None:
        draft = factories.article("draft-story", status=Article.Status.DRAFT)
        future = factories.article(
            "tomorrow", published_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        )
        path = self.article.get_absolute_url()
        refused = {
            "another site": "http://elsewhere.example" + path,
            "not http": "ftp://testserver" + path,
            "a section": "http://testserver/section/metro/",
            "nothing here": "http://testserver/no/such/page/",
            "a wrong date": "http://testserver" + path.replace("/18/", "/19/"),
            "a draft": "http://testserver/2025/02/18/draft-story/",
            "a scheduled article": "http://testserver" + future.get_absolute_url(),
        }
        self.assertTrue(draft.pk)
        for label, url in refused.items():
            with self.subTest(label):
                response = self.ask(url=url)
                self.assertEqual(response.status_code, 404)
                self.assertIn("error", json.loads(response.content))

    def test_it_answers_get_only(self) -> None:
        self.assertEqual(self.client.post("/oembed/", {"url": self.url}).status_code, 405)
