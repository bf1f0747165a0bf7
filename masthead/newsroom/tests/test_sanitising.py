"""Hostile editor HTML is cleaned on save and never reaches the page."""

from __future__ import annotations

from django.test import TestCase

from masthead.newsroom.models import Block, Page
from masthead.newsroom.sanitising import sanitise_html

from . import factories

HOSTILE = (
    'Hello <script>alert("x")</script>'
    '<img src="x" onerror="alert(1)">'
    '<a href="javascript:alert(2)">click</a> '
    '<a href="https://example.org/" onclick="steal()">ok</a>'
    '<iframe src="https://evil.example/"></iframe><style>body{display:none}</style>'
)


class SanitisingTests(TestCase):
    def assert_clean(self, html: str) -> None:
        lowered = html.lower()
        for bad in ("<script", "onerror", "javascript:", "onclick", "<iframe", "<style", "<img"):
            self.assertNotIn(bad, lowered)

    def test_it_cleans_paragraph_html_on_save(self) -> None:
        art = factories.article(paragraphs=0)
        block = Block.objects.create(article=art, kind="paragraph", text=HOSTILE)
        self.assert_clean(block.html)
        self.assertIn('<a href="https://example.org/" rel="noopener noreferrer">ok</a>', block.html)

    def test_it_escapes_headings_and_quotes_whole(self) -> None:
        art = factories.article(paragraphs=0)
        block = Block.objects.create(article=art, kind="subheading", text=HOSTILE)
        self.assertNotIn("<script", block.html)
        self.assertIn("&lt;script&gt;", block.html)

    def test_it_renders_markdown_links_but_not_javascript_ones(self) -> None:
        html = sanitise_html('<p><a href="JaVaScRiPt:alert(1)">x</a></p>')
        self.assert_clean(html)

    def test_it_cleans_the_page_the_reader_gets(self) -> None:
        factories.publication(lead_in_paragraphs=3, ad_every_paragraphs=0)
        art = factories.article(paragraphs=0)
        Block.objects.create(article=art, position=0, kind="paragraph", text=HOSTILE)
        Block.objects.create(article=art, position=1, kind="paragraph", text="Second.")
        body = self.client.get(art.get_absolute_url()).content.decode()
        story = body.split('id="story-body"')[1].split("data-masthead-gate ")[0]
        self.assert_clean(story)

    def test_it_cleans_standing_pages(self) -> None:
        page = Page.objects.create(slug="about", title="About", body=HOSTILE)
        self.assert_clean(page.html)
