"""Home, section and author fronts, standing pages, sitemaps and robots.txt."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import time_machine
from django.test import TestCase

from masthead.newsroom.models import Page

from . import factories

HOUR = dt.timedelta(hours=1)


class FrontTests(TestCase):
    def setUp(self) -> None:
        factories.publication(ad_every_paragraphs=0)
        self.older = factories.article("older", headline="Older story", published_at=factories.WHEN)
        self.newer = factories.article(
            "newer",
            headline="Newer story",
            published_at=factories.WHEN + HOUR,
            section=factories.section("sports"),
        )

    def test_it_lists_the_latest_first_on_the_home_page(self) -> None:
        body = self.client.get("/").content.decode()
        self.assertLess(body.index("Newer story"), body.index("Older story"))
        self.assertIn("The vote ends a two-year fight over potholes.", body)

    def test_it_lists_a_section_own_articles(self) -> None:
        body = self.client.get("/section/sports/").content.decode()
        self.assertIn("Newer story", body)
        self.assertNotIn("Older story", body)

    def test_it_lists_an_author_articles(self) -> None:
        body = self.client.get("/author/ada-reporter/").content.decode()
        self.assertIn("Ada Reporter", body)
        self.assertIn("Newer story", body)

    def test_it_serves_standing_pages(self) -> None:
        Page.objects.create(slug="about", title="About us", body="We *report* the news.")
        body = self.client.get("/pages/about/").content.decode()
        self.assertIn("<h1>About us</h1>", body)
        self.assertIn("<em>report</em>", body)

    def test_it_lists_every_live_article_in_the_sitemap(self) -> None:
        factories.article("draft", status="draft")
        root = ET.fromstring(self.client.get("/sitemap.xml").content)  # noqa: S314
        locs = [el.text for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
        self.assertEqual(
            locs,
            ["http://testserver/2025/02/18/newer/", "http://testserver/2025/02/18/older/"],
        )

    def test_it_lists_the_last_two_days_in_the_news_sitemap(self) -> None:
        with time_machine.travel(factories.WHEN + dt.timedelta(days=2, minutes=30), tick=False):
            response = self.client.get("/news-sitemap.xml")
        self.assertEqual(response["Content-Type"], "application/xml; charset=utf-8")
        root = ET.fromstring(response.content)  # noqa: S314
        news = "{http://www.google.com/schemas/sitemap-news/0.9}"
        titles = [el.text for el in root.iter(f"{news}title")]
        self.assertEqual(titles, ["Newer story"])
        self.assertEqual(next(root.iter(f"{news}name")).text, "The Masthead Gazette")

    def test_it_names_both_sitemaps_in_robots_txt(self) -> None:
        body = self.client.get("/robots.txt").content.decode()
        self.assertIn("Sitemap: http://testserver/sitemap.xml", body)
        self.assertIn("Sitemap: http://testserver/news-sitemap.xml", body)
        self.assertIn("Disallow: /admin/", body)

    def test_it_gives_feeds_headline_summary_and_link(self) -> None:
        root = ET.fromstring(self.client.get("/feeds/rss/").content)  # noqa: S314
        item = root.find("channel/item")
        assert item is not None
        self.assertEqual(item.findtext("title"), "Newer story")
        self.assertEqual(item.findtext("link"), "http://testserver/2025/02/18/newer/")
        self.assertEqual(item.findtext("description"), self.newer.summary)
