"""Edits that move the paywall cut: text that was public becomes gated and must vanish.

Everything derived from the body (the searchable lead-in, feed teasers, oEmbed, JSON-LD)
is recomputed from the cut version; an edit that shrinks the lead-in must not leave the
old, longer lead-in anywhere. Each article here starts with every paragraph marked, all
of them public (a long lead-in), and then an editor moves the cut.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import pytest
from django.db.models import F
from django.test import Client

from masthead.newsroom.models import Block, Publication, Video

from .fixtures import FixtureArticle, LeakWorld, add_paragraphs, hush_word, new_article
from .oracle import Leak, leaks_in, markers_in, response_text


def _marked_article(world: LeakWorld, key: str, lead_in: int | None) -> FixtureArticle:
    fixture = new_article(
        key, world.sections["news"], world.authors[0], "subscriber", lead_in=lead_in
    )
    fixture.article.summary = ""
    fixture.article.save()
    add_paragraphs(fixture, 1, 5, gated=True)
    return fixture


def _channels(world: LeakWorld, fixture: FixtureArticle) -> list[str]:
    target = quote(f"http://testserver{fixture.url}", safe="")
    searches = [f"/search/?q={hush_word(fixture.key, n)}" for n in range(1, 6)]
    return [
        fixture.url,
        "/",
        world.sections["news"].get_absolute_url(),
        "/feeds/rss/",
        "/feeds/atom/",
        f"{world.sections['news'].get_absolute_url()}rss/",
        f"{world.authors[0].get_absolute_url()}rss/",
        "/sitemap.xml",
        "/news-sitemap.xml",
        f"/oembed/?url={target}",
        *searches,
    ]


def _leaks_after(
    world: LeakWorld, fixture: FixtureArticle, edit: Callable[[], None], gated_from: int
) -> list[Leak]:
    client = Client()
    # Before the edit the marked paragraphs are public: the oracle must see them.
    before = response_text(client.get(fixture.url))
    assert fixture.gated_markers[gated_from - 1] in markers_in(before)
    edit()
    now_gated = set(fixture.gated_markers[gated_from - 1 :])
    leaks: list[Leak] = []
    for url in _channels(world, fixture):
        leaks += leaks_in(client.get(url), now_gated, f"GET {url}")
    return leaks


def test_it_forgets_text_the_editor_moved_behind_a_shorter_lead_in(world: LeakWorld) -> None:
    fixture = _marked_article(world, "shrunk", lead_in=4)

    def edit() -> None:
        fixture.article.lead_in_paragraphs = 1
        fixture.article.save()

    leaks = _leaks_after(world, fixture, edit, gated_from=2)
    assert leaks == [], "\n".join(map(str, leaks))


def test_it_forgets_text_the_editor_put_behind_a_new_paywall_break(world: LeakWorld) -> None:
    fixture = _marked_article(world, "broken", lead_in=4)

    def edit() -> None:
        # Make room after the first paragraph, as a drag in the admin would.
        Block.objects.filter(article=fixture.article, position__gte=2).update(
            position=F("position") + 10
        )
        for block in Block.objects.filter(article=fixture.article, position__gte=2):
            block.save()
        Block.objects.create(article=fixture.article, position=2, kind=Block.Kind.PAYWALL_BREAK)

    leaks = _leaks_after(world, fixture, edit, gated_from=2)
    assert leaks == [], "\n".join(map(str, leaks))


def test_it_forgets_text_behind_a_shorter_publication_default(world: LeakWorld) -> None:
    publication = Publication.current()
    publication.lead_in_paragraphs = 4
    publication.save()
    fixture = _marked_article(world, "defaulted", lead_in=None)

    def edit() -> None:
        publication.lead_in_paragraphs = 1
        publication.save()

    leaks = _leaks_after(world, fixture, edit, gated_from=2)
    assert leaks == [], "\n".join(map(str, leaks))


def _article_behind_an_early_break(world: LeakWorld, key: str, lead: list[str]) -> FixtureArticle:
    """Return an article whose blocks ``lead`` are followed by a break, then 5 paragraphs.

    Saved row by row, as an import or a row older than the admin's check would be.
    """
    fixture = new_article(key, world.sections["news"], world.authors[0], "subscriber", lead_in=None)
    for position, kind in enumerate(lead):
        video = Video.objects.create(title=f"LEADMARK-{key}-video", url="https://v.example/a.mp4")
        Block.objects.create(article=fixture.article, position=position, kind=kind, video=video)
    Block.objects.create(article=fixture.article, position=len(lead), kind=Block.Kind.PAYWALL_BREAK)
    add_paragraphs(fixture, len(lead) + 1, 5, gated=True)
    return fixture


@pytest.mark.parametrize("lead", [[], ["video"]], ids=["break-first", "break-after-video"])
def test_it_keeps_everything_behind_a_break_above_the_first_paragraph(
    lead: list[str], world: LeakWorld
) -> None:
    fixture = _article_behind_an_early_break(world, f"early{len(lead)}", lead)
    leaks: list[Leak] = []
    for url in _channels(world, fixture):
        leaks += leaks_in(Client().get(url), set(fixture.gated_markers), f"GET {url}")
    assert leaks == [], "\n".join(map(str, leaks))
