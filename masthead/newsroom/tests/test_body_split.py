"""The paywall cut: lead-in plus gated is the whole body, nothing lost or repeated."""

from __future__ import annotations

import re

import pytest
from django.test import TestCase

from masthead.ads.slots import NO_ADS
from masthead.newsroom import paywall
from masthead.newsroom.models import Block
from masthead.newsroom.rendering import body_blocks, render_body, split_body

from . import factories


def _paragraph_numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"Paragraph (\d+) ", html)]


class BodySplitTests(TestCase):
    def test_it_cuts_after_the_publication_lead_in(self) -> None:
        pub = factories.publication(lead_in_paragraphs=3, ad_every_paragraphs=0)
        art = factories.article(paragraphs=7)
        body = render_body(art, pub, None)
        self.assertEqual(_paragraph_numbers(body.lead_in), [1, 2, 3])
        self.assertEqual(_paragraph_numbers(body.gated), [4, 5, 6, 7])

    def test_it_prefers_the_article_lead_in_length(self) -> None:
        pub = factories.publication(lead_in_paragraphs=3, ad_every_paragraphs=0)
        art = factories.article(paragraphs=7, lead_in_paragraphs=1)
        body = render_body(art, pub, None)
        self.assertEqual(_paragraph_numbers(body.lead_in), [1])
        self.assertEqual(_paragraph_numbers(body.gated), [2, 3, 4, 5, 6, 7])

    def test_it_cuts_at_a_paywall_break_block(self) -> None:
        pub = factories.publication(lead_in_paragraphs=5, ad_every_paragraphs=0)
        kinds = ["paragraph", "image", "paragraph", "paywall_break", "subheading", "paragraph"]
        art = factories.article(kinds=kinds)
        split = split_body(body_blocks(art), 5)
        self.assertEqual([b.kind for b in split.lead_in], ["paragraph", "image", "paragraph"])
        self.assertEqual([b.kind for b in split.gated], ["subheading", "paragraph"])
        self.assertEqual(split.gated_starts_after, 2)
        body = render_body(art, pub, None)
        self.assertNotIn("subheading", body.lead_in)

    def test_it_keeps_everything_behind_a_break_before_the_first_paragraph(self) -> None:
        # Fail closed: the editor put these paragraphs behind the break.
        kinds = ["subheading", "paywall_break", "paragraph", "paragraph", "paragraph"]
        art = factories.article(kinds=kinds)
        split = split_body(body_blocks(art), 2)
        self.assertEqual([b.kind for b in split.lead_in], ["subheading"])
        self.assertEqual([b.kind for b in split.gated], ["paragraph"] * 3)
        self.assertEqual(split.gated_starts_after, 0)

    def test_it_shows_no_lead_in_rather_than_gated_text_for_a_break_placed_first(self) -> None:
        pub = factories.publication(lead_in_paragraphs=1, ad_every_paragraphs=0)
        kinds = ["paywall_break", "paragraph", "paragraph", "paywall_break", "paragraph"]
        art = factories.article(kinds=kinds)
        body = render_body(art, pub, None)
        self.assertEqual(_paragraph_numbers(body.lead_in), [])
        self.assertEqual(_paragraph_numbers(body.gated), [1, 2, 3])

    def test_it_keeps_every_block_exactly_once(self) -> None:
        kinds = ["subheading", "paragraph", "pull_quote", "paragraph", "paragraph", "image"]
        kinds += ["paragraph", "subheading", "paragraph"]
        art = factories.article(kinds=kinds)
        blocks = body_blocks(art)
        for length in range(0, 8):
            split = split_body(blocks, length)
            self.assertEqual(list(split.lead_in) + list(split.gated), blocks)

    def test_it_never_puts_the_last_paragraph_in_the_lead_in(self) -> None:
        pub = factories.publication(lead_in_paragraphs=10, ad_every_paragraphs=0)
        art = factories.article(paragraphs=3)
        body = render_body(art, pub, None)
        self.assertEqual(_paragraph_numbers(body.lead_in), [1, 2])
        self.assertEqual(_paragraph_numbers(body.gated), [3])

    def test_it_joins_back_into_the_whole_body(self) -> None:
        pub = factories.publication(lead_in_paragraphs=2, ad_every_paragraphs=0)
        art = factories.article(paragraphs=5)
        body = render_body(art, pub, None)
        whole = "\n".join(
            f'<div class="story-text"><p>Paragraph {n} leadword{n} GATEDWORD{n}.</p></div>'
            for n in range(1, 6)
        )
        self.assertEqual(f"{body.lead_in}\n{body.gated}", whole)

    def test_it_numbers_ad_slots_across_the_cut(self) -> None:
        pub = factories.publication(lead_in_paragraphs=3, ad_every_paragraphs=2)
        art = factories.article(paragraphs=8)
        body = render_body(art, pub, NO_ADS)
        slots = r'<aside[^>]*id="(ad-[\w-]+?)"'
        self.assertEqual(re.findall(slots, body.lead_in), ["ad-after-paragraph-2"])
        self.assertEqual(
            re.findall(slots, body.gated),
            ["ad-after-paragraph-4", "ad-after-paragraph-6"],
        )

    def test_it_leaves_ads_out_for_ad_free_readers(self) -> None:
        factories.publication(lead_in_paragraphs=1, ad_every_paragraphs=1)
        art = factories.article(paragraphs=6)
        html = paywall.gated_html(art.pk, ad_free=True)
        self.assertNotIn("masthead-ad", html)
        self.assertIn("masthead-ad", paywall.gated_html(art.pk, ad_free=False))


class PaywallSourceTests(TestCase):
    def test_it_gives_facts_for_a_live_article(self) -> None:
        art = factories.article(access_level="subscriber")
        facts = paywall.article_facts(art.pk, factories.WHEN)
        assert facts is not None
        self.assertEqual(facts.level, "subscriber")
        self.assertEqual(facts.section, "metro")
        self.assertEqual(facts.published_at, factories.WHEN)

    def test_it_falls_back_to_the_section_level(self) -> None:
        sec = factories.section("opinion", default_access_level="registered")
        art = factories.article(section=sec)
        facts = paywall.article_facts(art.pk, factories.WHEN)
        assert facts is not None
        self.assertEqual(facts.level, "registered")

    def test_it_answers_none_for_missing_draft_and_future_articles(self) -> None:
        draft = factories.article("draft-one", status="draft")
        future = factories.article("later-one", status="scheduled")
        before = factories.WHEN.replace(hour=10)
        self.assertIsNone(paywall.article_facts(draft.pk, factories.WHEN))
        self.assertIsNone(paywall.article_facts(future.pk, before))
        self.assertIsNone(paywall.article_facts(999999, factories.WHEN))
        self.assertEqual(paywall.gated_html(draft.pk, ad_free=True), "")

    def test_it_ignores_a_second_paywall_break(self) -> None:
        kinds = ["paragraph", "paywall_break", "paragraph", "paywall_break", "paragraph"]
        art = factories.article(kinds=kinds)
        html = paywall.gated_html(art.pk, ad_free=True)
        self.assertEqual(_paragraph_numbers(html), [2, 3])
        self.assertEqual(Block.objects.filter(article=art).count(), 5)


@pytest.mark.parametrize("length", [0, 1, 4])
def test_it_splits_an_empty_body(length: int) -> None:
    split = split_body([], length)
    assert split.lead_in == () and split.gated == ()
