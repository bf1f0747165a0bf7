"""The access check: gated text goes to entitled readers and to nobody else.

The meter allowance is zero here, so no reader is entitled to a ``metered`` article by
the meter; the meter's own boundary is tried in ``test_meter_boundary.py``.
"""

from __future__ import annotations

import pytest
from django.test import override_settings

from .access import answer_of, check_access
from .accounts import ENTITLED_LEVELS
from .fixtures import FREE_KEYS, NEVER_KEYS, LeakWorld
from .known_leaks import marks_for
from .oracle import Leak, leaks_in, markers_in, response_text
from .readers import READERS, READERS_BY_NAME

pytestmark = pytest.mark.usefixtures("no_meter_allowance")


@pytest.fixture
def no_meter_allowance() -> object:
    with override_settings(PAYWALL_ANONYMOUS_ALLOWANCE=0, PAYWALL_REGISTERED_ALLOWANCE=0):
        yield


def entitled_keys(reader_name: str, world: LeakWorld) -> set[str]:
    """Return the article keys ``reader_name`` may read in full with the meter spent."""
    levels = ENTITLED_LEVELS[READERS_BY_NAME[reader_name].account]
    return {key for key, fixture in world.live.items() if fixture.level in levels} | set(FREE_KEYS)


def _non_entitled() -> list[object]:
    return [
        pytest.param(reader.name, id=reader.name, marks=marks_for(f"access:{reader.name}"))
        for reader in READERS
        if reader.account != "subscriber"
    ]


@pytest.mark.parametrize("reader_name", _non_entitled())
def test_it_gives_no_gated_text_to_a_reader_not_entitled(
    reader_name: str, world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    entitled = entitled_keys(reader_name, world)
    forbidden = set(world.gated_markers([k for k in world.articles if k not in entitled]))
    leaks: list[Leak] = []
    for key, fixture in world.articles.items():
        client = READERS_BY_NAME[reader_name].client(leak_sessions)
        response = check_access(client, fixture.article.pk)
        leaks += leaks_in(response, forbidden, f"{reader_name} check {key}")
        if key not in entitled:
            assert answer_of(response).get("granted") is not True, (reader_name, key)
    assert leaks == [], "\n".join(map(str, leaks))


def test_it_grants_the_subscriber_every_gated_marker(
    world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    for key, fixture in world.live.items():
        client = READERS_BY_NAME["subscriber"].client(leak_sessions)
        response = check_access(client, fixture.article.pk)
        answer = answer_of(response)
        assert response.status_code == 200, (key, response.status_code)
        assert answer.get("granted") is True, (key, answer)
        assert markers_in(str(answer.get("html"))) >= set(fixture.gated_markers), key
        assert "private" in response["Cache-Control"], key
        assert "no-store" in response["Cache-Control"], key


def test_it_gives_a_free_article_in_full_to_everyone(
    world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    free = world.articles["free"]
    for reader in READERS:
        response = check_access(reader.client(leak_sessions), free.article.pk)
        assert answer_of(response).get("granted") is True, reader.name
        assert markers_in(response_text(response)) >= set(free.gated_markers), reader.name


def test_it_opens_no_unpublished_article_even_to_a_subscriber(
    world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    forbidden = set(world.gated_markers(NEVER_KEYS))
    client = READERS_BY_NAME["subscriber"].client(leak_sessions)
    for key in NEVER_KEYS:
        response = check_access(client, world.articles[key].article.pk)
        assert leaks_in(response, forbidden, key) == []
        assert answer_of(response).get("granted") is not True


def test_it_marks_every_answer_private_and_unstored(
    world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    for name in ("anonymous", "registered", "subscriber"):
        client = READERS_BY_NAME[name].client(leak_sessions)
        for fixture in world.articles.values():
            response = check_access(client, fixture.article.pk)
            cache_control = response.get("Cache-Control", "")
            # An error answer carries nothing reader-specific; "no-store" is enough there.
            wanted = {"private", "no-store"} if response.status_code == 200 else {"no-store"}
            assert all(word in cache_control for word in wanted), (
                name,
                fixture.key,
                response.status_code,
                cache_control,
            )


@pytest.mark.parametrize("reader_name", ["registered", "news_plan_subscriber", "subscriber"])
def test_it_grants_each_account_what_its_plan_opens(
    reader_name: str, world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    # The control for the test above: the accounts are set up as their names say.
    for key in entitled_keys(reader_name, world):
        fixture = world.articles[key]
        response = check_access(
            READERS_BY_NAME[reader_name].client(leak_sessions), fixture.article.pk
        )
        assert answer_of(response).get("granted") is True, (reader_name, key)
        assert markers_in(response_text(response)) >= set(fixture.gated_markers), key
