"""The leak suite for every syndication channel, under spoofed and genuine crawlers.

Spoofed Googlebot/Bingbot/facebookexternalhit User-Agents and a forged
X-Forwarded-For from an untrusted peer fetch the page, every feed, both sitemaps,
search, oEmbed; the page's JSON-LD and OpenGraph are read on their own too. None may
carry a gated sentence. Publicly cached channels stay free of it even for a verified
crawler: only the private article page may carry it.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import lxml.html

from masthead.access.tests.crawler_dns_server import GOOGLEBOT

from .crawler_support import GENUINE_GOOGLEBOT, SPOOFS, CrawlerTestCase

SHARED_CHANNELS = (
    "/",
    "/feeds/rss/",
    "/feeds/atom/",
    "/section/metro/rss/",
    "/section/metro/atom/",
    "/author/ada-reporter/rss/",
    "/author/ada-reporter/atom/",
    "/sitemap.xml",
    "/news-sitemap.xml",
    "/search/?q=Paragraph",
    "/search/?q=leadword2",
)


class SyndicationLeakTests(CrawlerTestCase):
    def channels(self) -> list[str]:
        paths = list(SHARED_CHANNELS)
        for story in (self.article, self.locked):
            url = "http://testserver" + story.get_absolute_url()
            paths.append(story.get_absolute_url())
            paths.append("/oembed/?" + urlencode({"url": url, "format": "json"}))
        return paths

    def head_parts(self, html: str) -> str:
        """Return the JSON-LD and the OpenGraph/Twitter values of a page, joined."""
        tree = lxml.html.fromstring(html)
        scripts = [s.text for s in tree.cssselect('script[type="application/ld+json"]')]
        metas = [m.get("content", "") for m in tree.cssselect("meta[property], meta[name]")]
        return "\n".join(scripts + metas)

    def test_it_keeps_gated_text_out_of_every_channel_for_spoofers(self) -> None:
        for label, user_agent, meta in SPOOFS:
            for path in self.channels():
                with self.subTest(label, path=path):
                    response = self.get(path, user_agent, **meta)
                    self.assertEqual(response.status_code, 200)
                    self.assert_no_gated_text(response.content.decode(), f"{label} {path}")

    def test_it_keeps_gated_text_out_of_json_ld_and_cards(self) -> None:
        for label, user_agent, meta in (*SPOOFS, ("verified", GOOGLEBOT, {})):
            meta = meta or {"REMOTE_ADDR": GENUINE_GOOGLEBOT}
            for story in (self.article, self.locked):
                with self.subTest(label, story=story.slug):
                    html = self.get(story.get_absolute_url(), user_agent, **meta).content
                    head = self.head_parts(html.decode())
                    self.assertIn(story.headline, head)
                    self.assert_no_gated_text(head, label)
                    self.assertNotIn("articleBody", head)

    def test_it_keeps_shared_channels_free_of_gated_text_for_a_verified_crawler(self) -> None:
        for path in self.channels():
            if path in (self.article.get_absolute_url(), self.locked.get_absolute_url()):
                continue
            with self.subTest(path=path):
                response = self.get(path, GOOGLEBOT, REMOTE_ADDR=GENUINE_GOOGLEBOT)
                self.assert_no_gated_text(response.content.decode(), path)

    def test_it_finds_no_article_by_a_gated_word(self) -> None:
        # The query is echoed back, so this channel is checked by its result count.
        for word in ("GATEDWORD5", "LOCKEDWORD4"):
            with self.subTest(word):
                html = self.get(f"/search/?q={word}", GOOGLEBOT, REMOTE_ADDR=GENUINE_GOOGLEBOT)
                self.assertIn("0 results", html.content.decode())

    def test_it_shows_public_text_in_the_channels(self) -> None:
        # The suite above would pass on empty channels; make sure they are not empty.
        rss = self.get("/feeds/rss/", GOOGLEBOT).content.decode()
        self.assertIn(self.article.headline, rss)
        self.assertIn("The vote ends a two-year fight", rss)
        oembed = json.loads(
            self.get(
                "/oembed/?url=http://testserver" + self.locked.get_absolute_url(), GOOGLEBOT
            ).content
        )
        self.assertIn(self.locked.headline, oembed["html"])
        search = self.get("/search/?q=Paragraph", GOOGLEBOT).content.decode()
        self.assertIn(self.locked.headline, search)
