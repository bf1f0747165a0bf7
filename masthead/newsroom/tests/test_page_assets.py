"""Page assets: paywall.js once per article page, and an icon for every page."""

from __future__ import annotations

from django.test import TestCase

from masthead.accounts.models import User

from . import factories


class PageAssetTests(TestCase):
    def setUp(self) -> None:
        factories.publication(ad_every_paragraphs=0)
        self.article = factories.article()

    def test_it_loads_the_paywall_script_once_on_an_article(self) -> None:
        html = self.client.get(self.article.get_absolute_url()).content.decode()
        self.assertEqual(html.count("masthead/paywall.js"), 1)
        self.assertEqual(html.count("masthead/gifts.js"), 1)

    def test_it_links_an_icon_from_public_and_error_pages(self) -> None:
        for url in ("/", self.article.get_absolute_url(), "/no-such-page/"):
            html = self.client.get(url).content.decode()
            self.assertIn('<link rel="icon" href="/static/masthead/favicon.svg"', html, url)

    def test_it_links_the_icon_from_the_admin(self) -> None:
        self.client.force_login(User.objects.create_superuser("boss@example.com", "pw-boss-123"))
        html = self.client.get("/admin/newsroom/article/").content.decode()
        self.assertIn('<link rel="icon" href="/static/masthead/favicon.svg"', html)

    def test_it_answers_favicon_ico_with_the_icon(self) -> None:
        response = self.client.get("/favicon.ico")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], "/static/masthead/favicon.ico")
        self.assertIn("public", response["Cache-Control"])
        icon = self.client.get(response["Location"])
        self.assertEqual(icon.status_code, 200)
        self.assertEqual(icon.getvalue()[:4], b"\x00\x00\x01\x00")
