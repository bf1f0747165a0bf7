"""The meter's edges: one past the allowance, the network cap, a meter store that is down.

Within the allowance a metered article is the reader's to read; one past it, nothing of
the gated text may come back, whatever the reader does with cookies.
"""

from __future__ import annotations

from django.test import Client, override_settings

from .access import answer_of, check_access
from .fixtures import LeakWorld
from .oracle import leaks_in, markers_in, response_text

# A port nothing listens on: the Redis meter store is unreachable, for real.
DEAD_REDIS = "redis://127.0.0.1:9/0"


def _markers(world: LeakWorld, key: str) -> set[str]:
    return set(world.articles[key].gated_markers)


@override_settings(PAYWALL_ANONYMOUS_ALLOWANCE=1, PAYWALL_NETWORK_DAILY_ALLOWANCE=1000)
def test_it_shuts_the_second_metered_article_at_an_allowance_of_one(world: LeakWorld) -> None:
    reader = Client(REMOTE_ADDR="198.51.100.7")
    first = check_access(reader, world.articles["metered"].article.pk)
    assert answer_of(first)["granted"] is True
    assert markers_in(response_text(first)) >= _markers(world, "metered")
    second = check_access(reader, world.articles["metered2"].article.pk)
    assert answer_of(second)["granted"] is False
    assert leaks_in(second, _markers(world, "metered2"), "one past the allowance") == []
    again = check_access(reader, world.articles["metered"].article.pk)
    assert answer_of(again)["granted"] is True


@override_settings(PAYWALL_ANONYMOUS_ALLOWANCE=5, PAYWALL_NETWORK_DAILY_ALLOWANCE=1)
def test_it_shuts_a_fresh_cookie_once_the_network_has_read_its_share(world: LeakWorld) -> None:
    first = check_access(Client(REMOTE_ADDR="198.51.100.7"), world.articles["metered"].article.pk)
    assert answer_of(first)["granted"] is True
    # A new visitor (no cookie) on the same /24 network.
    fresh = check_access(Client(REMOTE_ADDR="198.51.100.8"), world.articles["metered2"].article.pk)
    assert answer_of(fresh)["granted"] is False
    assert leaks_in(fresh, _markers(world, "metered2"), "network cap") == []


@override_settings(
    PAYWALL_METER_STORE="redis",
    PAYWALL_REDIS_URL=DEAD_REDIS,
    PAYWALL_FAIL_MODE="open",
    PAYWALL_ANONYMOUS_ALLOWANCE=3,
)
def test_it_keeps_walled_articles_shut_when_the_meter_store_is_down(world: LeakWorld) -> None:
    forbidden = set(
        world.gated_markers([k for k, a in world.walled.items() if a.level != "metered"])
    )
    for key, fixture in world.walled.items():
        response = check_access(Client(), fixture.article.pk)
        assert response.status_code == 200, (key, response.status_code)
        assert leaks_in(response, forbidden, f"meter down {key}") == []
    # The store really is down: metered articles open uncounted, as the fail mode says.
    metered = answer_of(check_access(Client(), world.articles["metered"].article.pk))
    assert (metered["granted"], metered["reason"]) == (True, "meter_unavailable")


@override_settings(
    PAYWALL_METER_STORE="redis",
    PAYWALL_REDIS_URL=DEAD_REDIS,
    PAYWALL_FAIL_MODE="closed",
    PAYWALL_ANONYMOUS_ALLOWANCE=3,
)
def test_it_keeps_metered_articles_shut_when_the_fail_mode_is_closed(world: LeakWorld) -> None:
    forbidden = set(world.gated_markers(list(world.walled)))
    for key in ("metered", "metered2"):
        response = check_access(Client(), world.articles[key].article.pk)
        assert answer_of(response)["granted"] is False, key
        assert leaks_in(response, forbidden, f"meter down, closed, {key}") == []
