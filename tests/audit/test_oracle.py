"""The audit's oracle and parsing, on small inputs: what counts as gated text found."""

from __future__ import annotations

import base64
import json
import shlex

from masthead.audit.http import Exchange
from masthead.audit.markup import read_page, xml_links
from masthead.audit.text import Passages, decodings, rare_words, visible

GATED = (
    "<p>The treasurer&rsquo;s notes show the reserve fund would fall below its legal "
    "minimum by March, and the council knew it before the vote on the harbour plan.</p>"
)


def _passages() -> Passages:
    passages = Passages(8)
    passages.add("story", visible(GATED), set())
    return passages


def test_it_finds_gated_text_however_a_response_dresses_it() -> None:
    text = visible(GATED)
    dressed = {
        "html": f"<div hidden>{GATED}</div>",
        "escaped in a feed": f"<description>{GATED.replace('<', '&lt;')}</description>",
        "a JSON string": json.dumps({"content": {"rendered": GATED}}),
        "a script's state": "<script>s=" + json.dumps(GATED).replace("<", "\\u003c") + "</script>",
        "base64": base64.b64encode(text.encode()).decode(),
        "percent-encoded": "q=" + text.replace(" ", "%20"),
    }
    for how, body in dressed.items():
        assert _passages().scan(decodings(body)), how


def test_it_does_not_see_a_leak_in_a_few_words_or_in_the_visible_text_of_a_script_page() -> None:
    # Seven words of the passage are not a shingle of eight.
    assert not _passages().scan(decodings("<p>show the reserve fund would fall below</p>"))
    page = f"<p>Lead.</p><script>var s = {json.dumps(GATED)};</script>"
    assert not _passages().scan([visible(page)])
    assert _passages().scan(decodings(page))


def test_public_shingles_and_boilerplate_are_not_secrets() -> None:
    passages = _passages()
    passages.forget(set(passages.owner))
    assert not passages.scan(decodings(GATED))


def test_search_words_are_long_and_absent_from_the_public_part() -> None:
    words = rare_words("the glimmerquay meeting and the treasurer", "the treasurer spoke")
    assert words == ["glimmerquay"]


def test_pages_give_their_article_id_media_forms_and_feeds() -> None:
    page = read_page(
        '<link rel="alternate" type="application/rss+xml" href="/feed/">'
        '<article data-article-id="42"><img srcset="/a.jpg 1x, /b.jpg 2x"></article>'
        '<form action="/search/"><input type="search" name="q"></form>',
        "http://site.test/x/",
    )
    assert page.article_id == "42"
    assert page.media == ["http://site.test/a.jpg", "http://site.test/b.jpg"]
    assert page.alternates == [("application/rss+xml", "http://site.test/feed/")]
    assert page.forms[0].types == {"q": "search"}
    assert xml_links("<urlset><url><loc>/2026/a/</loc></url></urlset>", "http://site.test/") == [
        "http://site.test/2026/a/"
    ]


def test_the_curl_line_quotes_what_it_sends() -> None:
    exchange = Exchange(
        "POST",
        "http://site.test/api/access/?a=1&b=2",
        {"Cookie": "reader_pass=1; x='y'", "Origin": "http://site.test"},
        '{"article": 3}',
        200,
    )
    assert shlex.split(exchange.curl()) == [
        "curl", "-sS", "-i", "-X", "POST",
        "-H", "Cookie: reader_pass=1; x='y'", "-H", "Origin: http://site.test",
        "--data-binary", '{"article": 3}', "http://site.test/api/access/?a=1&b=2",
    ]  # fmt: skip
