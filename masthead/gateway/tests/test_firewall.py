"""The firewall's index: normalisation, shingles, incremental changes, what it must catch."""

from __future__ import annotations

import json

import pytest

from masthead.gateway.firewall import (
    Article,
    ShingleIndex,
    path_key,
    shingle_hashes,
    shingle_starts,
    words,
)

LEAD = "The council met on Tuesday evening to discuss the harbour and its budget for next year."
GATED = (
    "Behind closed doors two councillors agreed to trade the dredging contract for a promise "
    "on parking fees according to notes seen by this newspaper and confirmed by three people "
    "who attended the meeting on the quay that night."
)


def article(key: str = "a1", gated: str = GATED, preview: str = LEAD, **more: object) -> Article:
    return Article(key=key, gated=gated, preview=preview, **more)  # type: ignore[arg-type]


def test_one_normaliser_for_html_json_feeds_and_plain_text() -> None:
    plain = words("Don't stop: the mayor's nephew -- and friends!")
    assert plain == ["dont", "stop", "the", "mayors", "nephew", "and", "friends"]
    assert (
        words("<p>Don&#8217;t stop: the mayor\u2019s <em>nephew</em> &#8211; and friends!</p>")
        == plain
    )
    assert (
        words(json.dumps("<p>Don\u2019t stop: the mayor\u2019s nephew \u2013 and friends!</p>"))
        == plain
    )
    assert (
        words("&lt;p&gt;Don&amp;#8217;t stop: the mayor's nephew &amp;ndash; and friends!") == plain
    )
    assert words("<![CDATA[<p>DON'T Stop: the MAYOR'S nephew and friends]]>") == plain


def test_shingles_are_hashes_of_k_word_runs() -> None:
    run = ["a", "b", "c", "d"]
    assert shingle_hashes(run, 2) == [hash(("a", "b")), hash(("b", "c")), hash(("c", "d"))]
    assert shingle_hashes(run, 5) == []


def test_shingle_starts_keep_the_boundary_every_stride_and_the_last() -> None:
    assert list(shingle_starts(20, 8, 4, 3)) == [0, 1, 2, 3, 7, 11, 12]
    assert list(shingle_starts(7, 8, 4, 0)) == []


def test_gated_text_is_found_and_the_preview_is_not() -> None:
    index = ShingleIndex()
    index.add(article())
    assert index.scan(f"<html><p>{LEAD}</p></html>").hits == {}
    found = index.scan(f'{{"content": {json.dumps("<p>" + GATED + "</p>")}}}')
    assert found.keys == ("a1",)


@pytest.mark.parametrize("start", range(0, 30))
def test_any_run_of_k_plus_stride_minus_one_gated_words_is_caught(start: int) -> None:
    index = ShingleIndex(k=8, stride=4)
    index.add(article())
    gated = GATED.split()
    run = " ".join(gated[start : start + 8 + 4 - 1])
    assert index.scan(f"Someone pasted this: {run} into a comment.").keys == ("a1",)


def test_the_first_gated_words_after_the_preview_are_caught() -> None:
    index = ShingleIndex()
    index.add(article())
    # The origin's automatic excerpt: the lead-in and three words more.
    excerpt = LEAD + " " + " ".join(GATED.split()[:3]) + " [&hellip;]"
    assert index.scan(excerpt).keys == ("a1",)


def test_a_gated_part_that_repeats_the_preview_does_not_make_the_preview_hit() -> None:
    index = ShingleIndex()
    index.add(article(gated=f"As we said: {LEAD} {GATED}"))
    assert not index.scan(LEAD)
    assert index.scan(GATED)


def test_public_boilerplate_never_hits() -> None:
    signup = "Sign up for the morning newsletter to get every story in your inbox before seven"
    index = ShingleIndex()
    index.add(article(gated=f"{GATED} {signup}"))
    assert index.scan(signup)
    index.add_public(signup)
    assert not index.scan(f"<footer>{signup}</footer>")
    assert index.scan(GATED)


def test_add_remove_and_replace_are_incremental() -> None:
    index = ShingleIndex()
    other = "A second walled story: the lighthouse keeper who counted every ship for forty years"
    index.add(article("a1"))
    index.add(article("a2", gated=other))
    assert index.scan(other).keys == ("a2",)
    # A post moved from free to walled: unknown before, found after.
    moved = "The bakery on the corner will close for good at the end of the month after sixty years"
    assert not index.scan(moved)
    index.add(article("a3", gated=moved))
    assert index.scan(moved).keys == ("a3",)
    # Replaced: the old text no longer hits, the new one does.
    index.add(
        article(
            "a1", gated="An entirely new gated paragraph about the tide tables and the moon phases"
        )
    )
    assert not index.scan(GATED)
    assert index.scan(
        "an entirely new gated paragraph about the tide tables and the moon"
    ).keys == ("a1",)
    assert index.remove("a2") and not index.remove("a2")
    assert not index.scan(other)
    assert sorted(index.keys()) == ["a1", "a3"]


def test_a_shingle_two_articles_share_names_both_and_survives_one_removal() -> None:
    shared = "both stories quote the same long sentence from the harbour master word for word"
    index = ShingleIndex()
    index.add(article("a1", gated=shared))
    index.add(article("a2", gated=shared + " and then something else entirely"))
    assert set(index.scan(shared).keys) == {"a1", "a2"}
    index.remove("a1")
    assert index.scan(shared).keys == ("a2",)


def test_replace_all_rebuilds_exactly_the_given_articles() -> None:
    index = ShingleIndex()
    index.add(article("a1"))
    index.replace_all(
        [
            article(
                "b1",
                gated="The new set holds only this story about the ferry and its winter crossings",
            )
        ]
    )
    assert not index.scan(GATED)
    assert index.scan("the new set holds only this story about the ferry").keys == ("b1",)
    assert index.keys() == ["b1"]


def test_articles_are_found_by_origin_id_and_path() -> None:
    index = ShingleIndex()
    index.add(article(origin_id=7, paths=("http://origin.test/2026/11/05/tidal/",)))
    assert index.by_origin_id(7) is not None and index.by_origin_id(8) is None
    found = index.by_path("/2026/11/05/tidal?utm_source=x")
    assert found is not None and found.key == "a1"
    assert path_key("https://x.test/a/b/?q=1#f") == "/a/b"


def test_covered_marks_the_gated_words_only() -> None:
    index = ShingleIndex()
    index.add(article())
    body = LEAD + " " + GATED + " And then the page footer."
    marks = index.covered(words(body), ["a1"])
    lead_words = len(words(LEAD))
    gated_words = len(words(GATED))
    assert not any(marks[:lead_words])
    assert all(marks[lead_words : lead_words + gated_words])
    assert not any(marks[lead_words + gated_words :])


def test_an_empty_index_finds_nothing() -> None:
    assert not ShingleIndex().scan(GATED)
    with pytest.raises(ValueError):
        ShingleIndex(k=1)
