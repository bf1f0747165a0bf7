"""Edits that shut an article reach the very next access check, cache or no cache.

The access check keeps article facts and rendered gated parts in a cache
(``masthead/newsroom/paywall_cache.py``). Each test here first lets an anonymous reader
read a free article in full (so the cache holds it as free and live), then an editor
shuts it, and the next anonymous check must carry none of its gated text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from masthead.newsroom.models import Article

from .access import answer_of, check_access
from .fixtures import FixtureArticle, LeakWorld, add_paragraphs, new_article, standard_article
from .oracle import leaks_in, markers_in, response_text


def _read_then_shut(fixture: FixtureArticle, shut: Callable[[], None]) -> list[object]:
    before = check_access(Client(), fixture.article.pk)
    assert markers_in(response_text(before)) >= set(fixture.gated_markers)  # it was open
    shut()
    after = check_access(Client(), fixture.article.pk)
    assert answer_of(after).get("granted") is not True
    return list(leaks_in(after, set(fixture.gated_markers), "after the edit"))


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
        {"status": "draft"},
        {"status": "scheduled", "published_at": "future"},
    ],
    ids=["walled", "registered-only", "unpublished", "rescheduled"],
)
def test_it_shuts_an_article_at_the_next_check_after_an_edit(
    fields: dict[str, object], world: LeakWorld
) -> None:
    fixture = standard_article(world, "edited", "free")
    if fields.get("published_at") == "future":
        fields = {**fields, "published_at": timezone.now() + dt.timedelta(days=1)}
    assert _read_then_shut(fixture, _saved(fixture.article, **fields)) == []


def test_it_shuts_an_article_when_its_section_default_changes(world: LeakWorld) -> None:
    section = world.sections["sports"]
    section.default_access_level = "free"
    section.save()
    fixture = new_article("inheriting", section, world.authors[0], "")
    add_paragraphs(fixture, 1, 2, gated=False)
    add_paragraphs(fixture, 3, 3, gated=True)

    def edit() -> None:
        section.default_access_level = "subscriber"
        section.save()

    assert _read_then_shut(fixture, edit) == []


def test_it_shuts_an_article_when_it_is_deleted(world: LeakWorld) -> None:
    fixture = standard_article(world, "deleted", "free")
    assert _read_then_shut(fixture, fixture.article.delete) == []  # type: ignore[arg-type]
