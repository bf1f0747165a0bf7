"""The article page: nine parts in order, the DOM the page scripts rely on, lead-in only."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.test import TestCase

from . import factories


class _Ids(HTMLParser):
    """Collect element ids in document order, and each skip link's target."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.skip_targets: list[str] = []
        self._in_skip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(str(found["id"]))
        if tag == "a" and found.get("class") == "masthead-skip":
            self.skip_targets.append(str(found.get("href", "")).lstrip("#"))


class ArticlePageTests(TestCase):
    def setUp(self) -> None:
        factories.publication(lead_in_paragraphs=3, ad_every_paragraphs=2)
        self.article = factories.full_article()
        self.url = self.article.get_absolute_url()

    def get_html(self, url: str | None = None) -> str:
        response = self.client.get(url or self.url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_it_lives_at_its_dated_url(self) -> None:
        self.assertEqual(self.url, "/2025/02/18/full-story/")

    def test_it_shows_the_nine_parts_in_order(self) -> None:
        html = self.get_html()
        parts = [
            'id="ad-top"',  # 1 ad slot
            "data-masthead-notice",  # 2 access notice (without JavaScript)
            '<h1 id="headline">Council votes',  # 3 headline
            '<p class="dek">',  # 3 summary
            'class="story-video"',  # 4 video
            "<summary>Transcript</summary>",  # 4 transcript
            'class="lead-figure"',  # 5 lead image
            "Photo by Ria Shutter",  # 5 credit
            'class="byline"',  # 6 byline
            'class="timestamps"',  # 6 timestamps
            "Paragraph 1 ",  # 7 lead-in
            "Paragraph 3 ",  # 7 lead-in
            "data-masthead-gate",  # 8 gate
            'id="ad-bottom"',  # 9 ad slot
        ]
        positions = [html.find(part) for part in parts]
        self.assertNotIn(-1, positions, dict(zip(parts, positions, strict=True)))
        self.assertEqual(positions, sorted(positions))

    def test_it_carries_only_the_lead_in(self) -> None:
        html = self.get_html()
        self.assertIn("GATEDWORD3", html)
        for number in range(4, 9):
            self.assertNotIn(f"GATEDWORD{number}", html)
            self.assertNotIn(f"Paragraph {number} ", html)

    def test_it_keeps_the_gated_element_empty_before_the_gate(self) -> None:
        html = self.get_html()
        self.assertIn('<div class="masthead-gated" data-masthead-gated></div>', html)
        self.assertLess(html.index("data-masthead-gated"), html.index("data-masthead-gate "))

    def test_it_keeps_the_dom_contract_of_the_page_scripts(self) -> None:
        html = self.get_html()
        self.assertIn(
            f'<article class="masthead-article" data-article-id="{self.article.pk}"', html
        )
        self.assertIn('<div class="masthead-banner" data-masthead-banner hidden></div>', html)
        self.assertIn('<div class="masthead-gift" data-masthead-gift hidden></div>', html)
        self.assertRegex(
            html,
            r'<nav [^>]*data-masthead-account[^>]*><a [^>]*href="/subscribe/"[^>]*'
            r'data-masthead-subscribe>Subscribe</a><a [^>]*href="/accounts/login/',
        )
        self.assertRegex(html, r'<a class="search-link" href="/search/">Search</a>')
        self.assertIn('<section class="masthead-gate" data-masthead-gate', html)
        self.assertIn('data-masthead-checking role="status" hidden>Checking your access', html)
        self.assertIn('<div class="gate-words" data-masthead-gate-words>', html)
        self.assertIn('<script src="/static/masthead/early.js"></script>', html)
        self.assertLess(html.index("masthead/early.js"), html.index("</head>"))
        self.assertIn('<script src="/static/masthead/paywall.js" defer></script>', html)
        self.assertIn('<script src="/static/masthead/gifts.js" defer></script>', html)

    def test_it_links_the_gate_to_login_and_subscribe_with_next(self) -> None:
        html = self.get_html()
        self.assertIn(f'href="/accounts/login/?next={self.url}">Log in.</a>', html)
        self.assertIn(f'href="/subscribe/?next={self.url}">Subscribe.</a>', html)
        self.assertIn("Already a subscriber?", html)
        self.assertIn("Want all of The Masthead Gazette?", html)
        self.assertIn("reader mode", html)

    def test_its_own_words_never_say_it_is_checking(self) -> None:
        # Without JavaScript, in reader mode and in the admin's preview nothing checks:
        # the "checking" words are hidden in the page, only paywall.js shows them.
        html = self.get_html()
        self.assertNotIn("Thank you for waiting while", html)
        self.assertNotIn("while we check", html)
        self.assertEqual(html.count("Thank you for waiting"), 1)
        self.assertRegex(html, r"<p [^>]*data-masthead-checking[^>]*hidden>[^<]*Thank you")

    def test_it_labels_every_ad_slot_and_skip_link(self) -> None:
        html = self.get_html()
        slots = re.findall(r"<aside[^>]*data-masthead-ad[^>]*>.*?</aside>", html, re.S)
        self.assertEqual(len(slots), 3)  # top, after paragraph 2, bottom
        labels = [re.search(r'aria-label="([^"]+)"', slot).group(1) for slot in slots]  # type: ignore[union-attr]
        self.assertEqual(
            labels,
            [
                "Advertisement, top of page",
                "Advertisement after paragraph 2",
                "Advertisement, end of article",
            ],
        )
        for slot in slots:
            self.assertIn(">Advertisement</p>", slot)
            first_child = re.search(r"<aside[^>]*>\s*<(\w+)[^>]*>([^<]*)", slot)
            assert first_child is not None
            self.assertEqual(first_child.groups(), ("a", "Skip advertisement"))

    def test_it_points_each_skip_link_at_an_element_after_its_ad(self) -> None:
        parser = _Ids()
        parser.feed(self.get_html())
        self.assertEqual(len(parser.skip_targets), 3)
        for target in parser.skip_targets:
            self.assertIn(target, parser.ids)
            ad_id = target.removesuffix("-end")
            self.assertEqual(parser.ids.index(target), parser.ids.index(ad_id) + 1)
        self.assertEqual(len(parser.ids), len(set(parser.ids)), "ids must be unique")

    def test_it_uses_semantic_elements(self) -> None:
        html = self.get_html()
        self.assertIn("<figure", html)
        self.assertIn("<figcaption>", html)
        self.assertIn('<time datetime="2025-02-18T18:47:00Z">Feb. 18, 2025</time>', html)
        self.assertIn('<details class="transcript">', html)
        self.assertIn("Speaker one: The motion carries.", html)

    def test_it_shows_ap_times_and_the_correction(self) -> None:
        html = self.get_html()
        self.assertIn(">Updated 3:47 p.m. ET</time>", html)
        self.assertIn("An earlier version misstated", html)

    def test_it_still_renders_when_an_image_file_is_gone(self) -> None:
        self.article.lead_image.storage.delete(self.article.lead_image.name)
        html = self.get_html()
        self.assertIn('class="lead-figure"', html)
        self.assertIn("Photo by Ria Shutter", html)

    def test_it_puts_title_description_and_canonical_in_the_head(self) -> None:
        head = self.get_html().split("</head>")[0]
        self.assertIn(
            "<title>Council votes to repave Elm Street · The Masthead Gazette</title>", head
        )
        self.assertIn('<meta name="description" content="The vote ends', head)
        self.assertIn(f'<link rel="canonical" href="http://testserver{self.url}">', head)
