"""A story too short for whole paragraphs on both sides of the gate previews its first
sentences; the rest of that paragraph stays gated, and no sentence is on both sides."""

from __future__ import annotations

import re
from typing import Any

from django.test import TestCase
from django.utils.html import strip_tags

from masthead.ads.slots import AdPicker
from masthead.newsroom import paywall
from masthead.newsroom.models import Article, Block
from masthead.newsroom.rendering import body_blocks, render_body, split_body
from masthead.newsroom.searching import lead_in_text
from masthead.newsroom.sentences import cut_after_first_sentences

from . import factories

ONE_PARAGRAPH = (
    "The council met at 7 p.m. on Tuesday. Mr. Ortiz asked for a recount of the "
    "*first* vote. “We will not wait,” she said. SECRETWORD1 The recount is on Friday."
)


def _words(html: str) -> list[str]:
    return strip_tags(html).split()


def _one_paragraph_story(text: str = ONE_PARAGRAPH, **fields: Any) -> Article:
    art = factories.article(kinds=[], **fields)
    Block.objects.create(article=art, position=1, kind=Block.Kind.PARAGRAPH, text=text)
    return art


class SentenceCutTests(TestCase):
    def test_it_cuts_between_sentences_and_loses_nothing(self) -> None:
        html = "<p>One is here. Two is there. Three? Four! Five.</p>"
        cut = cut_after_first_sentences(html)
        assert cut is not None
        self.assertEqual(cut.head, "<p>One is here. Two is there.</p>")
        self.assertEqual(cut.tail, "<p>Three? Four! Five.</p>")
        self.assertEqual((cut.sentences, cut.head_sentences), (5, 2))

    def test_it_skips_abbreviations_initials_and_inline_markup(self) -> None:
        html = "<p>Mr. J. Ortiz met Dr. Lee at <em>St. Paul. Then</em> left. They agreed.</p>"
        cut = cut_after_first_sentences(html)
        assert cut is not None
        head = "<p>Mr. J. Ortiz met Dr. Lee at <em>St. Paul. Then</em> left.</p>"
        self.assertEqual(cut.head, head)
        self.assertEqual(cut.tail, "<p>They agreed.</p>")

    def test_it_cuts_between_two_paragraphs_of_one_block(self) -> None:
        cut = cut_after_first_sentences("<p>First</p>\n<p>Second</p>")
        assert cut is not None
        self.assertEqual((cut.head, cut.tail), ("<p>First</p>", "<p>Second</p>"))

    def test_it_does_not_cut_a_single_sentence(self) -> None:
        self.assertIsNone(cut_after_first_sentences("<p>Only one sentence here.</p>"))
        self.assertIsNone(cut_after_first_sentences("<p>Ends with Mr. Smith.</p>"))
        self.assertIsNone(cut_after_first_sentences(""))


class ShortStoryTests(TestCase):
    def setUp(self) -> None:
        self.pub = factories.publication(lead_in_paragraphs=2, ad_every_paragraphs=1)

    def test_a_one_paragraph_story_previews_its_first_sentences(self) -> None:
        art = _one_paragraph_story()
        split = split_body(body_blocks(art), 2)
        self.assertTrue(split.sentence_cut)
        body = render_body(art, self.pub, None)
        self.assertIn("The council met at 7 p.m. on Tuesday.", body.lead_in)
        self.assertNotIn("SECRETWORD1", body.lead_in)
        self.assertIn("SECRETWORD1", body.gated)
        # Lead-in plus gated is the whole paragraph, each word once, in order.
        whole = _words(Block.objects.get(article=art).html)
        self.assertEqual(_words(body.lead_in) + _words(body.gated), whole)
        self.assertEqual(
            set(re.split(r"(?<=[.!?”])\s", strip_tags(body.lead_in)))
            & set(re.split(r"(?<=[.!?”])\s", strip_tags(body.gated))),
            set(),
        )

    def test_the_gated_part_sent_by_the_check_is_the_rest(self) -> None:
        art = _one_paragraph_story()
        gated = paywall.gated_html(art.pk, ad_free=True)
        # Four sentences: the first two are the preview, the check sends the other two.
        self.assertTrue(strip_tags(gated).strip().startswith("“We will not wait,”"))
        self.assertNotIn("Tuesday", gated)
        self.assertNotIn("Ortiz", gated)

    def test_search_sees_only_the_preview(self) -> None:
        art = _one_paragraph_story()
        text = lead_in_text(art, self.pub)
        self.assertIn("Tuesday", text)
        self.assertNotIn("SECRETWORD1", text)

    def test_no_ad_slot_sits_between_the_halves(self) -> None:
        art = _one_paragraph_story()
        body = render_body(art, self.pub, AdPicker.for_section("metro", factories.WHEN))
        self.assertNotIn("masthead-ad", body.lead_in)

    def test_a_one_sentence_story_keeps_it_behind_the_gate(self) -> None:
        art = _one_paragraph_story("SECRETWORD1 is the only sentence of this story.")
        body = render_body(art, self.pub, None)
        self.assertEqual(body.lead_in, "")
        self.assertIn("SECRETWORD1", body.gated)

    def test_an_explicit_lead_in_of_zero_or_a_break_on_top_is_honoured(self) -> None:
        art = _one_paragraph_story(lead_in_paragraphs=0)
        self.assertEqual(render_body(art, self.pub, None).lead_in, "")
        kinds = ["paywall_break", "paragraph"]
        topped = factories.article("topped", kinds=kinds)
        self.assertEqual(render_body(topped, self.pub, None).lead_in, "")

    def test_longer_stories_still_cut_between_whole_paragraphs(self) -> None:
        art = factories.article(paragraphs=2)
        split = split_body(body_blocks(art), 2)
        self.assertFalse(split.sentence_cut)
        self.assertEqual([b.pk for b in split.lead_in], [body_blocks(art)[0].pk])

    def test_a_free_short_storys_page_keeps_its_paragraph_whole(self) -> None:
        art = _one_paragraph_story(access_level="free")
        html = self.client.get(art.get_absolute_url()).content.decode()
        self.assertEqual(html.count("<p>The council met at 7"), 1)
        self.assertIn("Tuesday. Mr. Ortiz asked", html)
        self.assertIn("SECRETWORD1", html)
