"""The sync: every post indexed with its level before anyone asks; the content source."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from masthead.access import ArticleFacts
from masthead.gateway import index, source
from masthead.gateway.models import ORIGIN_ID_BASE, OriginArticle
from masthead.gateway.rules import Rule, classify

pytestmark = pytest.mark.django_db


def test_rules_give_the_first_matching_level_and_section():
    rules = [Rule("tag", "subscriber", "subscriber", ""), Rule("category", "news", "metered", "n")]
    assert classify(["news"], ["subscriber"], rules, "free") == ("n", "subscriber")
    assert classify(["news"], [], rules, "free") == ("n", "metered")
    assert classify(["culture"], [], rules, "free") == ("culture", "free")


def test_the_sync_knows_every_walled_post_and_its_gated_text_before_any_reader(origin, rules):
    origin.posts[102].paragraphs  # noqa: B018 - the fixture's walled post
    report = index.sync_all()
    assert report.posts == 5
    levels = dict(OriginArticle.objects.values_list("origin_id", "level"))
    assert levels == {
        101: "free",
        102: "subscriber",
        103: "subscriber",
        104: "metered",
        105: "subscriber",
    }
    walled = OriginArticle.objects.get(origin_id=102)
    assert "walled-secret-3" in walled.gated_text and "walled-secret-1" not in walled.gated_text
    assert "walled-secret-1" in walled.preview_text
    assert 'href="/about/"' in walled.preview_text or origin.url not in walled.gated_html
    more = OriginArticle.objects.get(origin_id=103)
    assert "more-secret-3" in more.preview_text and "more-secret-4" in more.gated_text
    # Not a single request came from a reader: the index is the sync's alone.
    assert not any(not r.startswith("/wp-json/") for r in origin.requests)


def test_the_sync_pages_through_the_listing(origin, rules, monkeypatch):
    from masthead.gateway import adapters

    monkeypatch.setattr(index, "adapter", lambda: adapters.WordPressAdapter(per_page=2))
    assert index.sync_all().posts == 5
    pages = [r for r in origin.requests if r.startswith("/wp-json/wp/v2/posts?")]
    assert len(pages) == 3


def test_a_post_that_leaves_the_origin_stops_being_live(origin, rules):
    index.sync_all()
    del origin.posts[102]
    assert index.sync_all().gone == 1
    assert source.article_facts(ORIGIN_ID_BASE + 102, timezone.now()) is None


def test_the_content_source_answers_for_origin_and_native_articles_alike(origin, rules):
    index.sync_all()
    now = timezone.now() + dt.timedelta(days=400)
    facts = source.article_facts(ORIGIN_ID_BASE + 102, now)
    assert facts is not None
    assert facts == ArticleFacts(ORIGIN_ID_BASE + 102, "subscriber", "news", facts.published_at)
    assert "walled-secret-4" in source.gated_html(ORIGIN_ID_BASE + 102, ad_free=False)
    assert source.article_facts(ORIGIN_ID_BASE + 999, now) is None
    assert source.article_facts(424242, now) is None  # native: the newsroom has none


def test_a_body_that_cannot_be_cut_releases_nothing_and_is_counted(origin, rules):
    before = index.unsplittable_count()
    origin.posts[105].paragraphs = origin.posts[105].paragraphs[:1]  # no rest to gate
    index.sync_all()
    odd = OriginArticle.objects.get(origin_id=105)
    assert odd.split_problem and odd.gated_html == ""
    assert source.gated_html(odd.article_id, ad_free=False) == ""
    assert index.unsplittable_count() == before + 1


def test_the_command_syncs_all_and_one(origin, rules, capsys):
    call_command("gateway_sync")
    assert "posts=5 walled=4" in capsys.readouterr().out
    origin.posts[101].tags = [10]
    call_command("gateway_sync", "--post", "101")
    assert "post 101: subscriber" in capsys.readouterr().out


def test_the_sync_hands_gated_text_to_the_firewall_index(origin, rules, settings):
    settings.GATEWAY_FIREWALL_INDEX = "masthead.gateway.tests.test_sync.remember"
    REMEMBERED.clear()
    index.sync_all()
    seen = dict(REMEMBERED)
    assert "walled-secret-5" in seen[ORIGIN_ID_BASE + 102]
    assert seen[ORIGIN_ID_BASE + 101] == ""  # free: nothing to look for


REMEMBERED: dict[int, str] = {}


def remember(article_id: int, path: str, gated_text: str, preview_text: str) -> None:
    REMEMBERED[article_id] = gated_text


def test_the_command_says_when_the_origin_cannot_be_synced(origin, rules):
    from django.core.management.base import CommandError

    origin.failing = True
    with pytest.raises(CommandError, match="the sync failed"):
        call_command("gateway_sync")


def test_a_post_lists_the_cached_listings_it_appears_in():
    article = OriginArticle(
        origin_id=7,
        path="/2026/11/09/library-opening-hours/",
        categories=["culture"],
        tags=["community", "subscriber"],
        published_at=dt.datetime(2026, 11, 9, 10, tzinfo=dt.UTC),
    )
    paths = index.listing_paths(article)
    for expected in (
        "/",
        "/feed/",
        "/category/culture/",
        "/category/culture/feed/",
        "/tag/subscriber/feed/atom/",
        "/2026/",
        "/2026/11/feed/",
        "/2026/11/09/",
        "/2026/11/09/library-opening-hours/feed/",
        "/wp-json/wp/v2/posts/7",
    ):
        assert expected in paths, expected
