"""The firewall on real WordPress responses: each door rewritten, unknown ones blocked.

The fixtures are WordPress 6.1's own answers for the seeded test site (capture_wordpress.py),
so each test first checks its positive control: the response as captured carries the gated
text. Then, through the firewall, it must not.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import zlib
from typing import Any

import pytest

from masthead.gateway.firewall import plain_text, words
from masthead.gateway.firewall_doors import Action, Door, Firewall, Verdict, classify
from masthead.gateway.tests.firewall_fixtures import (
    article_of,
    build_index,
    door,
    door_names,
    posts,
    walled,
)

# Each door that carries gated text as WordPress answers it, and the articles it carries.
CARRYING = {
    "rest-posts": Door.REST,
    "rest-post-single": Door.REST,
    "rest-post-embed": Door.REST,
    "rest-fields-content": Door.REST,
    "rest-route-single": Door.REST,
    "rest-search-posts": Door.REST,
    "feed-rss2": Door.FEED,
    "feed-query": Door.FEED,
    "feed-atom": Door.FEED,
    "feed-rdf": Door.FEED,
    "feed-category": Door.FEED,
    "feed-tag": Door.FEED,
    "feed-author": Door.FEED,
    "feed-date": Door.FEED,
    "feed-search": Door.FEED,
    "xmlrpc-getpost": Door.XMLRPC,
    # The automatic excerpt of the night-market post runs into its gated part:
    "embed": Door.EMBED,
    "archive-category": Door.ARCHIVE,
    "search-page": Door.SEARCH,
}


def folded(text: str) -> str:
    """``text`` as the firewall compares it (words joined by spaces)."""
    return " ".join(words(text))


def gated_sentences_in(text: str) -> list[str]:
    """The gated paragraphs (their first 12 words) that ``text`` still holds."""
    body = folded(text)
    found = []
    for post in walled():
        for paragraph in post["gated"]:
            opening = " ".join(words(paragraph)[:12])
            if opening in body:
                found.append(opening)
    return found


def oracle_words_in(text: str, searched: str = "") -> list[str]:
    """The walled posts' invented words in ``text`` (but the one searched for: pages echo it)."""
    body = folded(text)
    return [
        post["oracle_word"]
        for post in walled()
        if post["oracle_word"] in body and post["oracle_word"] not in searched
    ]


class Reports:
    def __init__(self) -> None:
        self.seen: list[tuple[Verdict, str]] = []

    def __call__(self, verdict: Verdict, path: str) -> None:
        self.seen.append((verdict, path))


@pytest.fixture
def reports() -> Reports:
    return Reports()


@pytest.fixture
def firewall(reports: Reports) -> Firewall:
    return Firewall(build_index(), reporter=reports)


def run(firewall: Firewall, name: str, **changes: Any) -> Verdict:
    captured = door(name)
    return firewall.filter_response(
        changes.get("path", captured.path),
        changes.get("query", captured.query),
        changes.get("content_type", captured.content_type),
        changes.get("body", captured.body),
        changes.get("content_encoding", ""),
    )


def test_every_captured_door_is_classified() -> None:
    expected = {name: kind for name, kind in CARRYING.items()}
    for name in door_names():
        captured = door(name)
        kind = classify(captured.path, captured.query)
        assert kind is not Door.UNKNOWN or name.startswith("post-page"), name
        if name in expected:
            assert kind is expected[name], name


@pytest.mark.parametrize("name", sorted(CARRYING))
def test_a_door_that_carries_gated_text_is_rewritten(
    firewall: Firewall, reports: Reports, name: str
) -> None:
    captured = door(name).body.decode()
    assert gated_sentences_in(captured) or oracle_words_in(captured), "positive control"
    verdict = run(firewall, name)
    assert verdict.action is Action.REWRITE, verdict.reason
    out = verdict.body.decode()
    assert gated_sentences_in(out) == []
    assert oracle_words_in(out, searched=door(name).query) == []
    assert not firewall.index.scan(out)
    assert reports.seen and reports.seen[0][0].hits == verdict.hits


@pytest.mark.parametrize(
    "name", ["rest-posts", "rest-post-single", "rest-post-embed", "feed-rss2", "feed-atom"]
)
def test_rewritten_content_is_the_preview(firewall: Firewall, name: str) -> None:
    out = folded(run(firewall, name).body.decode())
    for post in walled():
        if post["id"] in [int(key[3:]) for key in run(firewall, name).hits]:
            assert folded(" ".join(post["lead"])) in out, post["slug"]


def test_rest_json_stays_json_with_its_other_fields(firewall: Firewall) -> None:
    verdict = run(firewall, "rest-posts")
    listed = json.loads(verdict.body)
    original = json.loads(door("rest-posts").body)
    assert [item["id"] for item in listed] == [item["id"] for item in original]
    by_id = {item["id"]: item for item in listed}
    for post in walled():
        item = by_id[post["id"]]
        assert item["title"] == next(o for o in original if o["id"] == post["id"])["title"]
        assert folded(item["content"]["rendered"]) == folded(" ".join(post["lead"]))
        assert folded(item["excerpt"]["rendered"]) in folded(" ".join(post["lead"]))
    # Free posts are untouched.
    for item in original:
        if item["id"] not in {post["id"] for post in walled()}:
            assert by_id[item["id"]]["content"] == item["content"]


def test_an_html_door_is_cut_where_the_gated_text_begins(firewall: Firewall) -> None:
    out = run(firewall, "embed").body.decode()
    market = next(post for post in walled() if post["slug"] == "night-market-returns")
    assert folded(market["lead"][0]) in folded(out)
    assert "wp-embed-more" in out  # the page's markup survives


def test_feeds_stay_well_formed_xml(firewall: Firewall) -> None:
    import xml.dom.minidom

    for name in ("feed-rss2", "feed-atom", "feed-rdf", "xmlrpc-getpost"):
        xml.dom.minidom.parseString(run(firewall, name).body)  # noqa: S318 - our own fixture


@pytest.mark.parametrize(
    "name",
    [
        "post-page-free",
        "rest-media",
        "rest-pages",
        "sitemap-index",
        "sitemap-posts",
        "oembed-json",
        "oembed-xml",
        "admin-ajax-heartbeat",
    ],
)
def test_no_false_positive_where_nothing_is_gated(
    firewall: Firewall, reports: Reports, name: str
) -> None:
    verdict = run(firewall, name)
    assert verdict.action is Action.PASS
    assert verdict.body == door(name).body
    assert reports.seen == []


def test_the_preview_itself_never_hits(firewall: Firewall) -> None:
    for post in walled():
        preview = article_of(post).preview
        page = f"<html><main><h1>{post['slug']}</h1>{preview}<div>Subscribe</div></main></html>"
        verdict = firewall.filter_response(
            post["url"], "", "text/html; charset=UTF-8", page.encode()
        )
        assert verdict.action is Action.PASS, post["slug"]


def test_free_posts_never_hit(firewall: Firewall) -> None:
    for post in posts():
        if not post["walled"]:
            text = " ".join(post["lead"])
            assert not firewall.index.scan(text), post["slug"]


def test_an_unknown_endpoint_with_a_hit_is_blocked(firewall: Firewall, reports: Reports) -> None:
    body = door("rest-posts").body
    verdict = run(firewall, "rest-posts", path="/wp-json/acme-export/v1/everything", query="")
    assert verdict.action is Action.BLOCK
    assert verdict.status == 403 and verdict.content_type == "application/json"
    assert verdict.door is Door.UNKNOWN and set(verdict.hits) == {"wp:4", "wp:7", "wp:9"}
    assert body not in verdict.body and not gated_sentences_in(verdict.body.decode())
    assert reports.seen[0][0].reason == "unknown_door"
    # A plugin's HTML page, and the bare origin post page the gateway did not recognise.
    for path in ("/?acme_print=9", "/2026/11/07/night-market-returns/"):
        page = run(
            firewall, "post-page-walled", path=path.split("?")[0], query=path.partition("?")[2]
        )
        assert page.action is Action.BLOCK, path
        assert b"Not available" in page.body


def test_an_unknown_endpoint_without_a_hit_passes(firewall: Firewall) -> None:
    verdict = run(firewall, "post-page-free", path="/wp-json/acme/v1/hello", query="")
    assert verdict.action is Action.PASS


# --- the word-search oracle ------------------------------------------------------------


def ids_of(verdict: Verdict) -> list[int]:
    return [item["id"] for item in json.loads(verdict.body)]


def test_rest_search_does_not_tell_which_post_holds_a_gated_word(firewall: Firewall) -> None:
    captured = json.loads(door("rest-search-endpoint").body)
    assert [item["id"] for item in captured] == [9], "positive control: WordPress tells"
    verdict = run(firewall, "rest-search-endpoint")
    assert ids_of(verdict) == []
    assert "X-WP-Total" in verdict.drop_headers
    posts_search = run(firewall, "rest-search-posts")
    assert json.loads(door("rest-search-posts").body)[0]["id"] == 4
    assert ids_of(posts_search) == []


def test_search_answers_that_name_no_post_or_come_in_an_envelope_are_filtered(
    firewall: Firewall,
) -> None:
    titles_only = json.dumps([{"title": {"rendered": "The night market returns"}}]).encode()
    verdict = run(
        firewall,
        "rest-search-posts",
        query="search=lanternwick&_fields=title",
        body=titles_only,
    )
    assert json.loads(verdict.body) == []
    envelope = {
        "body": json.loads(door("rest-search-endpoint").body),
        "status": 200,
        "headers": {"X-WP-Total": 1, "X-WP-TotalPages": 1, "Link": "<x>"},
    }
    verdict = run(
        firewall,
        "rest-search-endpoint",
        query=door("rest-search-endpoint").query + "&_envelope=1",
        body=json.dumps(envelope).encode(),
    )
    answer = json.loads(verdict.body)
    assert answer["body"] == [] and answer["headers"] == {"Link": "<x>"}


def test_a_jsonp_search_answer_is_blocked(firewall: Firewall) -> None:
    body = b"/**/cb(" + door("rest-search-endpoint").body + b")"
    verdict = run(
        firewall,
        "rest-search-endpoint",
        query=door("rest-search-endpoint").query + "&_jsonp=cb",
        content_type="application/javascript; charset=UTF-8",
        body=body,
    )
    assert verdict.action is Action.BLOCK


def test_search_still_finds_walled_posts_by_their_preview(firewall: Firewall) -> None:
    # "harbour" is in the harbour post's lead-in: a fair answer, kept.
    verdict = run(firewall, "rest-search-public")
    assert 4 in ids_of(verdict)
    assert ids_of(verdict) == [item["id"] for item in json.loads(door("rest-search-public").body)]


def test_an_excluding_search_keeps_no_walled_post(firewall: Firewall) -> None:
    verdict = run(firewall, "rest-search-public", query="search=harbour+-glimmerquay")
    assert 4 not in ids_of(verdict)


def test_the_search_page_and_search_feed_drop_posts_found_by_gated_words(
    firewall: Firewall,
) -> None:
    page = door("search-page").body.decode()
    assert "post-9" in page, "positive control: WordPress lists the night-market post"
    out = run(firewall, "search-page").body.decode()
    assert "post-9" not in out and "night-market-returns" not in out
    assert "<footer" in out or "</html>" in out  # the rest of the page is there
    feed = run(firewall, "feed-search").body.decode()
    assert "tidal-turbine-trial" in door("feed-search").body.decode()
    assert "tidal-turbine-trial" not in feed and "<channel>" in feed


def test_a_search_with_nothing_walled_in_it_passes_untouched(firewall: Firewall) -> None:
    verdict = run(firewall, "rest-pages", path="/wp-json/wp/v2/pages", query="search=gazette")
    assert json.loads(verdict.body) == json.loads(door("rest-pages").body)


# --- encodings, sizes, failures ---------------------------------------------------------


def test_gzip_and_deflate_bodies_are_read(firewall: Firewall) -> None:
    raw = door("rest-posts").body
    for encoding, packed in (("gzip", gzip.compress(raw)), ("deflate", zlib.compress(raw))):
        verdict = run(firewall, "rest-posts", body=packed, content_encoding=encoding)
        assert verdict.action is Action.REWRITE, encoding
        assert verdict.content_encoding == ""  # sent decoded
        assert not gated_sentences_in(verdict.body.decode())


def test_a_compressed_body_without_hits_passes_as_it_came(firewall: Firewall) -> None:
    packed = gzip.compress(door("post-page-free").body)
    verdict = run(firewall, "post-page-free", body=packed, content_encoding="gzip")
    assert verdict.action is Action.PASS
    assert verdict.body == packed and verdict.content_encoding == "gzip"


def test_an_encoding_it_cannot_read_is_blocked(firewall: Firewall) -> None:
    for encoding, body in (("br", b"\x1b\x00\x00"), ("gzip", b"not gzip at all")):
        verdict = run(firewall, "post-page-free", body=body, content_encoding=encoding)
        assert verdict.action is Action.BLOCK, encoding


def test_very_large_bodies_are_bounded(reports: Reports) -> None:
    firewall = Firewall(build_index(), reporter=reports, max_body_bytes=64 * 1024)
    big = b"<p>" + b"x " * 40_000 + b"</p>"
    assert run(firewall, "post-page-free", body=big).action is Action.BLOCK
    # A small gzip that inflates past the limit is not inflated further.
    bomb = gzip.compress(b"a " * 5_000_000)
    verdict = run(firewall, "post-page-free", body=bomb, content_encoding="gzip")
    assert verdict.action is Action.BLOCK and verdict.reason == "too_large"


def test_images_pass_without_a_scan(firewall: Firewall) -> None:
    png = b"\x89PNG\r\n\x1a\n" + door("rest-posts").body  # even if bytes looked like text
    verdict = firewall.filter_response("/wp-content/uploads/2026/12/a.png", "", "image/png", png)
    assert verdict.action is Action.PASS and verdict.body == png


def test_a_known_door_it_cannot_parse_is_blocked(firewall: Firewall) -> None:
    broken = door("rest-posts").body[:-40]
    verdict = run(firewall, "rest-posts", body=broken)
    assert verdict.action is Action.BLOCK and verdict.reason == "unreadable json"


def test_no_index_yet_means_blocked(reports: Reports) -> None:
    firewall = Firewall(build_index(), reporter=reports, ready=lambda: False)
    assert run(firewall, "post-page-free").action is Action.BLOCK


def test_a_failure_inside_the_filter_blocks(
    firewall: Firewall, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(firewall, "_rewrite", broken)
    verdict = run(firewall, "rest-posts")
    assert verdict.action is Action.BLOCK and verdict.reason == "error"


def test_a_reporter_that_fails_does_not_change_the_answer() -> None:
    def broken(verdict: Verdict, path: str) -> None:
        raise RuntimeError("dashboard down")

    firewall = Firewall(build_index(), reporter=broken)
    assert run(firewall, "rest-posts").action is Action.REWRITE


def test_the_log_line_names_articles_and_door_but_no_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    firewall = Firewall(build_index())
    with caplog.at_level("WARNING", logger="masthead.gateway.firewall"):
        run(firewall, "feed-rss2")
    line = caplog.records[0].getMessage()
    assert "door=feed" in line and "action=rewrite" in line and "wp:9" in line
    assert not oracle_words_in(line) and "glimmer" not in line


def test_plain_text_decodes_what_feeds_escape() -> None:
    assert re.sub(r"\s+", " ", plain_text("&lt;p&gt;a &amp;amp; b&lt;/p&gt;")).strip() == "a & b"
    assert html.unescape("&#8217;") == "\u2019"


def test_pretty_search_urls_are_searches_too(firewall: Firewall) -> None:
    # /search/WORD/ and /search/WORD/feed/rss2/ are WordPress's rewrites of ?s=WORD: found
    # open by the gateway door tests (tests/wordpress/test_gateway_doors.py).
    words = {post["slug"]: post["oracle_word"] for post in walled()}
    feed_path = f"/search/{words['tidal-turbine-trial']}/feed/rss2/"
    assert classify(feed_path, "") is Door.FEED
    feed = run(firewall, "feed-search", path=feed_path, query="").body.decode()
    assert "tidal-turbine-trial" not in feed and "<channel>" in feed
    page_path = f"/search/{words['night-market-returns']}/"
    assert classify(page_path, "") is Door.SEARCH
    page = run(firewall, "search-page", path=page_path, query="").body.decode()
    assert "post-9" not in page and "night-market-returns" not in page
