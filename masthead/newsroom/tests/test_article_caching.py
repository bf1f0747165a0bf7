"""The article page is the same for everyone: no cookie, no Vary: Cookie, publicly cached."""

from __future__ import annotations

from django.test import TestCase

from masthead.accounts.models import User

from . import factories


class ArticleCachingTests(TestCase):
    def setUp(self) -> None:
        factories.publication(ad_every_paragraphs=0)
        self.url = factories.article().get_absolute_url()

    def test_it_sets_no_cookie_and_no_vary_cookie(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.cookies, {})
        self.assertNotIn("Set-Cookie", response.headers)
        self.assertNotIn("cookie", response.headers.get("Vary", "").lower())

    def test_it_is_publicly_cacheable(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(
            response["Cache-Control"], "public, max-age=60, stale-while-revalidate=300"
        )

    def test_it_is_identical_for_anonymous_and_logged_in_readers(self) -> None:
        anonymous = self.client.get(self.url)
        user = User.objects.create_user("reader@example.com", "a-long-password")
        self.client.force_login(user)
        logged_in = self.client.get(self.url)
        self.assertEqual(anonymous.content, logged_in.content)
        self.assertNotIn("Set-Cookie", logged_in.headers)
        self.assertNotIn("cookie", logged_in.headers.get("Vary", "").lower())

    def test_it_keeps_gift_links_private_and_out_of_search(self) -> None:
        plain = self.client.get(self.url)
        gift = self.client.get(self.url + "?gift=abc.def")
        self.assertEqual(gift.status_code, 200)
        self.assertEqual(gift.content, plain.content)
        self.assertEqual(gift["Cache-Control"], "private, no-store")
        self.assertEqual(gift["X-Robots-Tag"], "noindex")
        self.assertEqual(gift["Referrer-Policy"], "no-referrer")
        self.assertNotIn("Set-Cookie", gift.headers)

    def test_it_marks_fronts_feeds_and_sitemaps_public(self) -> None:
        for path in (
            "/",
            "/section/metro/",
            "/author/ada-reporter/",
            "/search/?q=elm",
            "/feeds/rss/",
            "/feeds/atom/",
            "/section/metro/rss/",
            "/sitemap.xml",
            "/news-sitemap.xml",
            "/robots.txt",
        ):
            response = self.client.get(path)
            self.assertEqual(response.status_code, 200, path)
            self.assertTrue(response["Cache-Control"].startswith("public"), path)
            self.assertNotIn("Set-Cookie", response.headers, path)
            self.assertNotIn("cookie", response.headers.get("Vary", "").lower(), path)
