"""Every channel follows the one decision: walled sections, unknown levels, fail closed.

The access check, feeds, oEmbed and search must agree, because they all ask the same
decision; a channel with its own idea of "free" is where paywalls leak.
"""

from __future__ import annotations

from urllib.parse import quote

from django.test import Client, override_settings

from masthead.newsroom.models import Article

from .access import answer_of, check_access
from .fixtures import FixtureArticle, LeakWorld
from .oracle import Leak, leaks_in, markers_in, response_text


def _syndication_urls(world: LeakWorld, fixture: FixtureArticle) -> list[str]:
    section = fixture.article.section
    assert section is not None
    target = quote(f"http://testserver{fixture.url}", safe="")
    return [
        "/feeds/rss/",
        "/feeds/atom/",
        f"{section.get_absolute_url()}rss/",
        f"{section.get_absolute_url()}atom/",
        f"{world.authors[0].get_absolute_url()}rss/",
        f"/oembed/?url={target}",
        "/sitemap.xml",
        "/news-sitemap.xml",
        fixture.url,
    ]


def _channel_leaks(world: LeakWorld, fixture: FixtureArticle) -> list[Leak]:
    forbidden = set(fixture.gated_markers)
    client = Client()
    leaks = leaks_in(check_access(client, fixture.article.pk), forbidden, "check")
    for url in _syndication_urls(world, fixture):
        leaks += leaks_in(client.get(url), forbidden, f"GET {url}")
    return leaks


def test_it_walls_a_free_article_in_a_walled_section_on_every_channel(world: LeakWorld) -> None:
    free = world.articles["free"]
    # The control: while its section is open, the free article's text reaches anyone.
    assert markers_in(response_text(check_access(Client(), free.article.pk))) >= set(
        free.gated_markers
    )
    with override_settings(PAYWALL_WALLED_SECTIONS="leak-news"):
        assert answer_of(check_access(Client(), free.article.pk))["granted"] is False
        leaks = _channel_leaks(world, free)
    assert leaks == [], "\n".join(map(str, leaks))


def test_it_opens_a_walled_article_in_an_exempt_section(world: LeakWorld) -> None:
    inherited = world.articles["inherited"]
    with override_settings(PAYWALL_EXEMPT_SECTIONS="leak-vault"):
        response = check_access(Client(), inherited.article.pk)
    assert answer_of(response)["granted"] is True
    assert markers_in(response_text(response)) >= set(inherited.gated_markers)


def test_it_shuts_an_article_with_an_unknown_level_everywhere(
    world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    fixture = world.articles["free"]
    # A level written around the form (an old import, a typo in SQL).
    Article.objects.filter(pk=fixture.article.pk).update(access_level="premium")
    leaks = _channel_leaks(world, fixture)
    assert leaks == [], "\n".join(map(str, leaks))
