"""Every route by every kind of reader: no gated marker of a walled article comes back.

Pages are identical for every reader, so no reader kind here (the subscriber included)
may find gated text in any page, feed, sitemap, listing, error page or redirect. Gated
text leaves only through a granted access check (``test_access_check.py``).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from .fixtures import NEVER_KEYS, LeakWorld
from .known_leaks import marks_for
from .oracle import Leak, leaks_in
from .readers import FEW_READERS, READERS, READERS_BY_NAME
from .routes import Route, all_routes, can_fill, urls_for

ROUTES = all_routes()


def forbidden_markers(world: LeakWorld) -> set[str]:
    """Return the gated markers of every walled or unpublished article."""
    return set(world.gated_markers(list(world.walled) + list(NEVER_KEYS)))


def _params() -> list[Any]:
    seen: dict[str, int] = {}
    params = []
    for route in ROUTES:
        seen[route.key] = seen.get(route.key, 0) + 1
        ident = route.key if seen[route.key] == 1 else f"{route.key}#{seen[route.key]}"
        params.append(pytest.param(route, id=ident, marks=marks_for(route.key)))
    return params


def _is_admin(route: Route) -> bool:
    return route.pattern.startswith("admin/")


# Every kind of reader asks for each plain URL of a walled article and of every other
# route. Where the reader cannot matter, a cross-section does: a query string (a gift
# token, which a GET never redeems; a search term) changes the page, not who may see
# it; the admin turns every non-staff reader away the same way; a free or unpublished
# article's page is the same question as a walled one's. This keeps the matrix fast.
def _readers_for(route: Route, url: str, plain: set[str]) -> tuple[str, ...]:
    if "gift=" in url:
        return ("anonymous", "subscriber")
    if _is_admin(route) or "?" in url or (route.key == "newsroom:article" and url not in plain):
        return FEW_READERS
    return tuple(reader.name for reader in READERS)


def leaks_through(route: Route, world: LeakWorld, sessions: dict[str, str]) -> list[Leak]:
    """Return every leak found by asking ``route``'s URLs as each reader kind."""
    forbidden = forbidden_markers(world)
    walled = {fixture.url for fixture in world.walled.values()}
    leaks: list[Leak] = []
    urls = urls_for(route, world)
    assert urls, f"route {route.key} gave no URL to try"
    for url in urls:
        for name in _readers_for(route, url, walled):
            response = READERS_BY_NAME[name].client(sessions).get(url)
            leaks += leaks_in(response, forbidden, f"{name} GET {url}")
        response = READERS_BY_NAME["anonymous"].client(sessions).post(url)
        leaks += leaks_in(response, forbidden, f"anonymous POST {url}")
    return leaks


@pytest.mark.parametrize("route", _params())
def test_it_leaks_nothing_through_route(
    route: Route, world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    if not can_fill(route):
        pytest.fail(f"the leak suite cannot fill {route.key!r}: add a filler in routes.py")
    leaks = leaks_through(route, world, leak_sessions)
    assert leaks == [], "\n".join(map(str, leaks))


@override_settings(ROOT_URLCONF="tests.leak.leaky_urls")
def test_it_catches_a_route_that_leaks_on_purpose(
    world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    # The canary: a feed that forgot the cut, added next to the real routes, is found by
    # the same walk, readers and oracle that vouch for the real ones.
    leaky = next(route for route in all_routes() if route.key == "leaky-feed/")
    found = {leak.marker for leak in leaks_through(leaky, world, leak_sessions)}
    assert found == forbidden_markers(world) - set(world.gated_markers(NEVER_KEYS))
