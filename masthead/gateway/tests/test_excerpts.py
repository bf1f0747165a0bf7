"""The excerpt cut: the words the preview has, and no more."""

from __future__ import annotations

from masthead.gateway.excerpts import cut_excerpts, excerpt_cut


def test_an_excerpt_longer_than_the_preview_is_cut_where_the_preview_ends():
    cut = excerpt_cut(
        "<p>The council&#8217;s vote came late. Behind closed doors [&hellip;]</p>\n",
        "The council's vote came late.",
    )
    assert cut == (
        "The council&#8217;s vote came late. Behind closed doors",
        "The council&#8217;s vote came late. &hellip;",
    )
    page = (
        '<p class="excerpt">The council&#8217;s vote came late. Behind closed doors [&hellip;]</p>'
    )
    assert "Behind" not in cut_excerpts(page, [cut])
    as_json = '{"rendered":"<p>The council&#8217;s vote came late. Behind closed doors [&hellip;]'
    assert "Behind" not in cut_excerpts(as_json, [cut])


def test_an_excerpt_inside_the_preview_is_left_alone():
    assert excerpt_cut("<p>Short and sweet.</p>", "Short and sweet. And more.") is None


def test_a_walled_post_with_no_preview_loses_its_whole_excerpt():
    assert excerpt_cut("<p>Every word is gated [&hellip;]</p>", "") == ("Every word is gated", "")
