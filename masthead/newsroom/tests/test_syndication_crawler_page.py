"""A verified crawler gets the gated part on the server; nobody else does."""

from __future__ import annotations

import lxml.html
from django.test import override_settings

from masthead.access.tests.crawler_dns_server import BINGBOT, GOOGLEBOT

from .crawler_support import (
    BROWSER,
    FACEBOOK,
    GENUINE_BINGBOT,
    GENUINE_GOOGLEBOT,
    PROXY,
    SPOOFS,
    CrawlerTestCase,
)


class CrawlerPageTests(CrawlerTestCase):
    def gated_text(self, html: str) -> str:
        (element,) = lxml.html.fromstring(html).cssselect(".masthead-gated")
        return str(element.text_content())

    def test_it_renders_the_gated_part_for_a_verified_googlebot(self) -> None:
        response = self.get(
            self.article.get_absolute_url(), GOOGLEBOT, REMOTE_ADDR=GENUINE_GOOGLEBOT
        )
        self.assertEqual(response.status_code, 200)
        gated = self.gated_text(response.content.decode())
        for number in range(4, 9):
            self.assertIn(f"GATEDWORD{number}", gated)
        self.assertNotIn("GATEDWORD3", gated)  # the lead-in stays where it was
        self.assertEqual(response["Cache-Control"], "private, no-store")

    def test_it_renders_a_subscriber_article_for_a_verified_bingbot(self) -> None:
        response = self.get(self.locked.get_absolute_url(), BINGBOT, REMOTE_ADDR=GENUINE_BINGBOT)
        self.assertIn("LOCKEDWORD6", self.gated_text(response.content.decode()))
        self.assertEqual(response["Cache-Control"], "private, no-store")

    def test_it_believes_a_crawler_behind_the_trusted_proxy(self) -> None:
        response = self.get(
            self.article.get_absolute_url(),
            GOOGLEBOT,
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=GENUINE_GOOGLEBOT,
        )
        self.assertIn("GATEDWORD8", self.gated_text(response.content.decode()))

    @override_settings(PAYWALL_CRAWLER_FULL_TEXT=False)
    def test_it_gives_a_verified_crawler_the_preview_under_the_preview_policy(self) -> None:
        response = self.get(
            self.article.get_absolute_url(), GOOGLEBOT, REMOTE_ADDR=GENUINE_GOOGLEBOT
        )
        html = response.content.decode()
        self.assertEqual(self.gated_text(html).strip(), "")
        self.assert_no_gated_text(html, "preview policy")
        self.assertIn("GATEDWORD3", html)  # the lead-in, as every reader gets it
        self.assertTrue(response["Cache-Control"].startswith("public"))

    def test_it_gives_spoofers_the_public_preview(self) -> None:
        for label, user_agent, meta in SPOOFS:
            for story in (self.article, self.locked):
                with self.subTest(label, story=story.slug):
                    response = self.get(story.get_absolute_url(), user_agent, **meta)
                    self.assertEqual(response.status_code, 200)
                    html = response.content.decode()
                    self.assert_no_gated_text(html, label)
                    self.assertEqual(self.gated_text(html).strip(), "")
                    self.assertTrue(response["Cache-Control"].startswith("public"))

    def test_it_serves_a_spoofer_the_same_bytes_as_a_browser(self) -> None:
        url = self.article.get_absolute_url()
        label, user_agent, meta = SPOOFS[0]
        spoofed = self.get(url, user_agent, **meta).content
        plain = self.client.get(url).content
        self.assertEqual(spoofed, plain, label)

    def test_it_asks_dns_nothing_for_readers_and_link_previews(self) -> None:
        self.zone.questions.clear()
        for user_agent in (BROWSER, FACEBOOK):
            self.get(self.article.get_absolute_url(), user_agent, REMOTE_ADDR=GENUINE_GOOGLEBOT)
        self.assertEqual(self.zone.questions, [])
