"""Paragraphs typed with straight quotes and double hyphens come out typeset."""

from __future__ import annotations

from django.test import SimpleTestCase

from masthead.newsroom.sanitising import render_block_html, render_page_html

# Spelled as escapes: the typeset characters look like their plain twins in an editor.
APOS, OPEN, CLOSE = "\u2019", "\u201c", "\u201d"
EN, EM, ELLIPSIS = "\u2013", "\u2014", "\u2026"


class TypographyTests(SimpleTestCase):
    def test_it_curls_apostrophes_and_quotes_in_paragraphs(self) -> None:
        html = render_block_html("paragraph", 'The mayor\'s answer: "Not this year."')
        self.assertEqual(html, f"<p>The mayor{APOS}s answer: {OPEN}Not this year.{CLOSE}</p>")

    def test_it_sets_dashes_and_ellipses(self) -> None:
        html = render_block_html("paragraph", "Wait... the vote -- finally --- passed")
        self.assertEqual(html, f"<p>Wait{ELLIPSIS} the vote {EN} finally {EM} passed</p>")

    def test_it_leaves_code_and_link_addresses_as_typed(self) -> None:
        text = "Type `it's` at [the desk's page](https://example.org/it's)"
        html = render_block_html("paragraph", text)
        self.assertIn("<code>it's</code>", html)
        self.assertIn('href="https://example.org/it\'s"', html)
        self.assertIn(f"the desk{APOS}s page", html)

    def test_it_curls_quotes_on_standing_pages(self) -> None:
        self.assertIn(f"We{APOS}re", render_page_html("We're a small newsroom."))
