"""A free article's page carries the whole body and no gate; other pages keep the gate."""

from __future__ import annotations

from django.test import TestCase, override_settings

from masthead.access import forget_policy

from . import factories

WHOLE = [f"GATEDWORD{n}" for n in range(1, 7)]


class FreeArticlePageTests(TestCase):
    def setUp(self) -> None:
        forget_policy()
        factories.publication(lead_in_paragraphs=2, ad_every_paragraphs=0)

    def get_html(self, url: str) -> str:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("public", response["Cache-Control"])
        self.assertNotIn("Set-Cookie", response)
        return response.content.decode()

    def test_it_shows_a_free_article_whole_without_a_gate(self) -> None:
        article = factories.article(access_level="free")
        html = self.get_html(article.get_absolute_url())
        for word in WHOLE:
            self.assertIn(word, html)
        self.assertNotIn("data-masthead-gate", html)
        self.assertNotIn("data-masthead-gated", html)
        self.assertNotIn("data-masthead-notice", html)
        self.assertNotIn("<noscript>", html)
        self.assertIn('"isAccessibleForFree":true', html)

    @override_settings(PAYWALL_EXEMPT_SECTIONS="metro")
    def test_it_shows_an_article_of_an_exempt_section_whole(self) -> None:
        article = factories.article(access_level="subscriber")
        html = self.get_html(article.get_absolute_url())
        for word in WHOLE:
            self.assertIn(word, html)
        self.assertNotIn("data-masthead-gate", html)

    @override_settings(PAYWALL_WALLED_SECTIONS="metro")
    def test_it_keeps_the_gate_for_a_free_article_in_a_walled_section(self) -> None:
        article = factories.article(access_level="free")
        html = self.get_html(article.get_absolute_url())
        self.assertIn("GATEDWORD2", html)
        self.assertNotIn("GATEDWORD3", html)
        self.assertIn("data-masthead-gate", html)

    def test_it_keeps_the_gate_and_says_why_without_javascript(self) -> None:
        article = factories.article(access_level="metered")
        html = self.get_html(article.get_absolute_url())
        self.assertIn("GATEDWORD2", html)
        self.assertNotIn("GATEDWORD3", html)
        self.assertIn("data-masthead-gate", html)
        self.assertIn("<noscript>", html)
        self.assertIn("turn JavaScript on", html)
