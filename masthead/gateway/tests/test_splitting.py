"""Cutting bodies: the origin's break, the editor's class, the paragraph count, the refusals."""

from __future__ import annotations

import pytest

from masthead.gateway.splitting import BodyRule, Unsplittable, find_split, plain_text

RULE = BodyRule(lead_paragraphs=2, break_class="masthead-break")


def page(body: str, container: str = "entry-content wp-block-post-content") -> str:
    return (
        "<html><head><title>t</title></head><body><main>"
        f'<div class="{container}">{body}</div><div class="meta">terms</div></main></body></html>'
    )


def test_it_cuts_after_the_lead_paragraphs_and_keeps_the_rest_byte_for_byte():
    text = page(
        "<p>one</p>\n<p>two <br> <img src=a.jpg></p>\n<figure><img src=b.jpg></figure><p>three</p>"
    )
    split = find_split(text, RULE)
    assert split.lead_in(text) == "<p>one</p>\n<p>two <br> <img src=a.jpg></p>\n"
    assert split.gated(text) == "<figure><img src=b.jpg></figure><p>three</p>"
    assert text[split.container_end :].startswith('<div class="meta">')


def test_the_origins_more_break_wins_over_the_count():
    text = page('<p>one</p><p>two</p><p>three</p><span id="more-7"></span><p>four</p>')
    split = find_split(text, RULE)
    assert plain_text(split.lead_in(text)) == "one two three"
    assert split.gated(text).startswith('<span id="more-7">')


def test_a_more_span_inside_a_paragraph_after_text_cuts_after_that_paragraph():
    text = page('<p>one</p><p>two<span id="more-7"></span></p><p>three</p>')
    assert plain_text(find_split(text, RULE).gated(text)) == "three"


def test_the_editors_break_class_cuts_before_its_block():
    text = page('<p>one</p><p class="masthead-break">two</p><p>three</p>')
    assert plain_text(find_split(text, RULE).gated(text)) == "two three"


def test_nested_containers_of_the_same_tag_do_not_end_the_body_early():
    text = page("<p>one</p><div><div>inner</div></div><p>two</p><p>three</p>")
    split = find_split(text, RULE)
    assert plain_text(split.gated(text)) == "three"
    assert plain_text(split.lead_in(text)) == "one inner two"


@pytest.mark.parametrize(
    "text",
    [
        page("<p>one</p><p>two</p><p>three</p>", container="post-body-custom"),
        page("<p>one</p><p>two</p>"),  # nothing after the cut
        page("<div>no paragraphs</div><div>at all</div><div>here</div>"),
        "<html><body><div class='entry-content wp-block-post-content'><p>a</p>",  # never closed
    ],
)
def test_it_refuses_pages_it_cannot_cut(text):
    with pytest.raises(Unsplittable):
        find_split(text, RULE)


def test_plain_text_drops_scripts_and_decodes_entities():
    assert plain_text("<p>a &amp; b<script>var x = 1;</script> c</p>") == "a & b c"
