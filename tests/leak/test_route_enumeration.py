"""The route walk itself: it finds every route and can fill every one of them."""

from __future__ import annotations

from .fixtures import LeakWorld
from .routes import all_routes, can_fill, urls_for


def test_it_finds_the_routes_of_every_app() -> None:
    patterns = [route.pattern for route in all_routes()]
    assert any(p.startswith("admin/") for p in patterns)


def test_it_can_fill_every_route(world: LeakWorld) -> None:
    unfillable = [route.key for route in all_routes() if not can_fill(route)]
    assert unfillable == [], (
        "these routes take parameters the leak suite cannot fill; teach tests/leak/routes.py "
        f"(FILLERS) how to build URLs for them: {unfillable}"
    )
    for route in all_routes():
        assert urls_for(route, world), route.key
