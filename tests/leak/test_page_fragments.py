"""Edits that shut an article reach the very next article page, fragments or not.

Article pages are served from fragments kept per content version
(``masthead/newsroom/fragments.py``). Each test here first lets an anonymous reader open
a free article's page twice (whole, so every fragment of it is kept), then an editor shuts
it, and the very next page must carry none of its gated text, and no fragment kept in
the process may hold it either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from masthead.access import save_policy
from masthead.newsroom import fragments
from masthead.newsroom.models import Article, Block

from .fixtures import FixtureArticle, LeakWorld, add_paragraphs, new_article, standard_article
from .oracle import leaks_in, markers_in, response_text


def _page(article: Article) -> object:
    return Client().get(article.get_absolute_url())


def _kept_text() -> str:
    """Return everything the process keeps in its fragment memory, as text."""
    pieces: list[str] = []
    for _valid, value, _size in fragments.memory._items.values():
        parts = value if isinstance(value, tuple) else (value,)
        pieces.extend(part.decode() for part in parts)
    return "\n".join(pieces)


def _read_then_shut(fixture: FixtureArticle, shut: Callable[[], None]) -> list[object]:
    for _ in range(2):
        before = _page(fixture.article)
        assert markers_in(response_text(before)) >= set(fixture.gated_markers)  # free: whole
    assert markers_in(_kept_text()) >= set(fixture.gated_markers)  # kept in fragments
    shut()
    after = _page(fixture.article)
    found = list(leaks_in(after, set(fixture.gated_markers), "page after the edit"))
    if after.status_code == 200:  # type: ignore[attr-defined]
        assert b"masthead-gate" in after.content  # type: ignore[attr-defined]
    # Nothing kept since the edit holds the gated text (the old entries are unreachable).
    fragments.memory.clear()
    again = _page(fixture.article)
    found += leaks_in(again, set(fixture.gated_markers), "page rendered again")
    assert not markers_in(_kept_text()) & set(fixture.gated_markers)
    return found


def _saved(article: Article, **fields: object) -> Callable[[], None]:
    def edit() -> None:
        for name, value in fields.items():
            setattr(article, name, value)
        article.save()

    return edit


@pytest.mark.parametrize(
    "fields",
    [
        {"access_level": "subscriber"},
        {"access_level": "registered"},
        {"access_level": "metered"},
        {"status": "draft"},
        {"status": "scheduled", "published_at": "future"},
    ],
    ids=["walled", "registered-only", "metered", "unpublished", "rescheduled"],
)
def test_the_next_page_after_an_edit_shows_no_gated_text(
    fields: dict[str, object], world: LeakWorld
) -> None:
    fixture = standard_article(world, "edited-page", "free")
    if fields.get("published_at") == "future":
        fields = {**fields, "published_at": timezone.now() + dt.timedelta(days=1)}
    assert _read_then_shut(fixture, _saved(fixture.article, **fields)) == []


def test_an_unpublished_page_is_gone_at_once(world: LeakWorld) -> None:
    fixture = standard_article(world, "pulled-page", "metered")
    assert _page(fixture.article).status_code == 200  # type: ignore[attr-defined]
    url = fixture.article.get_absolute_url()
    _saved(fixture.article, status="draft")()
    assert Client().get(url).status_code == 404


def test_a_section_default_that_walls_reaches_the_next_page(world: LeakWorld) -> None:
    section = world.sections["sports"]
    section.default_access_level = "free"
    section.save()
    fixture = new_article("inheriting-page", section, world.authors[0], "")
    add_paragraphs(fixture, 1, 2, gated=False)
    add_paragraphs(fixture, 3, 3, gated=True)

    def edit() -> None:
        section.default_access_level = "subscriber"
        section.save()

    assert _read_then_shut(fixture, edit) == []


def test_a_policy_that_walls_the_section_reaches_the_next_page(world: LeakWorld) -> None:
    fixture = standard_article(world, "policy-page", "metered")
    assert fixture.article.section is not None
    slug = fixture.article.section.slug
    save_policy({"exempt_sections": {slug}})  # the section's stories are free for all

    def edit() -> None:
        save_policy({"exempt_sections": set(), "walled_sections": {slug}})

    try:
        assert _read_then_shut(fixture, edit) == []
    finally:
        save_policy({"exempt_sections": set(), "walled_sections": set()})


def test_a_paywall_break_moved_up_reaches_the_next_page(world: LeakWorld) -> None:
    fixture = standard_article(world, "moved-break", "metered")
    first = _page(fixture.article)
    lead = sorted(markers_in(response_text(first)) - set(fixture.gated_markers))
    _page(fixture.article)
    # The editor puts a break before everything: no paragraph may show any more.
    Block.objects.filter(article=fixture.article).update(position=models_shift())
    Block.objects.create(article=fixture.article, position=0, kind="paywall_break")
    after = _page(fixture.article)
    assert not markers_in(response_text(after)) & set(lead)


def models_shift() -> object:
    from django.db.models import F

    return F("position") + 1


def test_a_scheduled_article_is_not_shown_before_its_time(world: LeakWorld) -> None:
    soon = timezone.now() + dt.timedelta(hours=1)
    fixture = standard_article(world, "scheduled-page", "free")
    _saved(fixture.article, status="scheduled", published_at=soon)()
    url = fixture.article.get_absolute_url()
    for _ in range(2):
        assert Client().get(url).status_code == 404
    with mock.patch("django.utils.timezone.now", return_value=soon + dt.timedelta(seconds=1)):
        assert Client().get(url).status_code == 200  # no save needed: its time has come
