"""Search: words behind the wall find nothing; words in the lead-in find the article.

A snippet is not the only way search can leak: a result for a word that appears only
behind the wall tells anyone that the article says it. The index holds the public part.
"""

from __future__ import annotations

from django.test import Client

from .fixtures import LeakWorld, hush_word, seek_word
from .oracle import response_text


def _results_for(word: str) -> str:
    response = Client().get("/search/", {"q": word})
    assert response.status_code == 200
    return response_text(response)


def test_it_finds_no_article_by_a_word_behind_its_wall(world: LeakWorld) -> None:
    for key, fixture in world.walled.items():
        for number in range(1, 12):
            word = hush_word(key, number)
            page = _results_for(word)
            assert fixture.url not in page, (key, word)


def test_it_finds_an_article_by_a_word_in_its_lead_in(world: LeakWorld) -> None:
    for key, fixture in world.walled.items():
        if fixture.lead_markers:
            assert fixture.url in _results_for(seek_word(key)), key
